/* What an HTTP-only fault does to the reply (http_faults.h); apart from
 * the rules themselves, which link without the HTTP server (the
 * fault_rules fuzz target). */
#include "http_faults.h"

void http_faults_http_effects(const http_fault_decision *d, serve_request *q, serve_reply *r)
{
    switch (d->http) {
    case LHV1_HTTP_FAULT_BODY_CUT:
        if (r->body.len > 0)
            r->cut_at = (int64_t)(d->cut < r->body.len ? d->cut : r->body.len - 1);
        break;
    case LHV1_HTTP_FAULT_RESET:
        r->reset = 1;
        break;
    case LHV1_HTTP_FAULT_DELAY:
        r->delay_ms = d->delay_ms;
        break;
    case LHV1_HTTP_FAULT_SLOWDOWN:
        r->n_headers = 0;
        lhv1_buf_reset(&r->long_headers);
        serve_reply_error(r, q, 503, "SlowDown", "Please reduce your request rate.");
        serve_reply_header(r, "Retry-After", "%u", d->retry_after);
        break;
    case LHV1_HTTP_FAULT_NOT_FOUND_CODE:
        r->n_headers = 0;
        lhv1_buf_reset(&r->long_headers);
        serve_reply_error(r, q, 404, d->code, "injected: a 404 that is not NoSuchKey");
        break;
    default:
        break;
    }
}
