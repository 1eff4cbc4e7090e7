/* Building a reply: status, headers, S3's XML errors (serve.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h" /* lhv1_utf8_valid */
#include "serve.h"

void serve_reply_init(serve_reply *r)
{
    /* Not the header arrays: 3 KiB to clear per request for nothing. */
    r->status = 200;
    lhv1_buf_init(&r->body);
    r->n_headers = 0;
    r->reset = 0;
    r->cut_at = -1;
    r->delay_ms = 0;
    r->offload = SERVE_INLINE;
    r->reserved = 0;
    lhv1_buf_init(&r->long_headers);
}

void serve_reply_free(serve_reply *r)
{
    lhv1_buf_free(&r->body);
    lhv1_buf_free(&r->long_headers);
}

int serve_reply_long_header(serve_reply *r, const char *name, const char *value)
{
    lhv1_buf_puts(&r->long_headers, name);
    lhv1_buf_putc(&r->long_headers, 0);
    lhv1_buf_puts(&r->long_headers, value);
    lhv1_buf_putc(&r->long_headers, 0);
    return r->long_headers.failed ? -1 : 0;
}

static void copy_cut(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* Most values are a literal or one string: they skip printf. */
static void format_value(char *dst, size_t cap, const char *fmt, va_list ap)
{
    if (!strchr(fmt, '%'))
        copy_cut(dst, cap, fmt);
    else if (!strcmp(fmt, "%s"))
        copy_cut(dst, cap, va_arg(ap, const char *));
    else
        vsnprintf(dst, cap, fmt, ap);
}

void serve_reply_header(serve_reply *r, const char *name, const char *fmt, ...)
{
    size_t i = 0;
    while (i < r->n_headers && strcasecmp(r->header_name[i], name))
        i++;
    if (i == SERVE_MAX_HEADERS)
        return;
    if (i == r->n_headers) {
        copy_cut(r->header_name[i], sizeof r->header_name[i], name);
        r->n_headers++;
    }
    va_list ap;
    va_start(ap, fmt);
    format_value(r->header_value[i], sizeof r->header_value[i], fmt, ap);
    va_end(ap);
}

void serve_reply_oom(serve_reply *r, const serve_request *q, const char *what)
{
    fprintf(stderr, "lhv1 serve: request %llu: %s: out of memory\n", (unsigned long long)q->id,
            what);
    serve_reply_error(r, q, 503, "SlowDown", "%s: out of memory", what);
    serve_reply_header(r, "Retry-After", "1");
}

void serve_reply_error(serve_reply *r, const serve_request *q, int status,
                       const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->status = status;
    lhv1_buf_reset(&r->body);
    lhv1_buf_puts(&r->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>");
    lhv1_buf_puts(&r->body, code);
    lhv1_buf_puts(&r->body, "</Code><Message>");
    xml_escape(&r->body, (const uint8_t *)msg, strlen(msg));
    lhv1_buf_puts(&r->body, "</Message>");
    if (q->bucket[0]) {
        lhv1_buf_puts(&r->body, "<BucketName>");
        xml_escape(&r->body, (const uint8_t *)q->bucket, strlen(q->bucket));
        lhv1_buf_puts(&r->body, "</BucketName>");
    }
    /* The document is the UTF-8 it declares: a key that is not (S3's
     * InvalidURI) is not echoed. */
    if (q->has_key && lhv1_utf8_valid((lhv1_bytes){q->key.data, q->key.len})) {
        lhv1_buf_puts(&r->body, "<Key>");
        xml_escape(&r->body, q->key.data, q->key.len);
        lhv1_buf_puts(&r->body, "</Key>");
    }
    lhv1_buf_puts(&r->body, "<Resource>");
    const char *path_end = strchr(q->raw_url, '?');
    size_t plen = path_end ? (size_t)(path_end - q->raw_url) : strlen(q->raw_url);
    xml_escape(&r->body, (const uint8_t *)q->raw_url, plen);
    lhv1_buf_printf(&r->body, "</Resource><RequestId>%llu</RequestId></Error>\n",
                    (unsigned long long)q->id);
    serve_reply_header(r, "Content-Type", "application/xml");
}

void serve_store_error(serve_request *q, serve_reply *r, const lhv1_store_err *err)
{
    switch (err->kind) {
    case LHV1_STORE_NOT_FOUND:
        serve_reply_error(r, q, 404, "NoSuchKey", "The specified key does not exist.");
        break;
    case LHV1_STORE_INVALID_KEY:
        if (err->status == 409) /* "a/b" beside "a/b/c": docs/FAULTS.md */
            serve_reply_error(r, q, 409, "KeyConflict", "%s", err->body);
        else
            serve_reply_error(r, q, 400, "InvalidArgument", "%s", err->body);
        break;
    case LHV1_STORE_OUT_OF_MEMORY:
        serve_reply_oom(r, q, err->body[0] ? err->body : "the store");
        break;
    default:
        if (err->status == 503) {
            serve_reply_error(r, q, 503, "SlowDown", "%s", err->body);
            serve_reply_header(r, "Retry-After", "1");
        } else {
            int st = err->status >= 500 && err->status < 600 ? err->status : 500;
            serve_reply_error(r, q, st, "InternalError", "%s", err->body);
        }
    }
}
