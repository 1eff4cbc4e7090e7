/* Request routing (route.h): the path decides the handler. */
#include "route.h"

#include <string.h>

#include "admin.h"
#include "request_gate.h"
#include "s3_handlers.h"
#include "sigv4.h"

void serve_route(serve_request *q, serve_reply *r)
{
    const char *url = q->raw_url;
    const char *qm = strchr(url, '?');
    size_t plen = qm ? (size_t)(qm - url) : strlen(url);
    if (plen == 0 || url[0] != '/') {
        serve_reply_error(r, q, 400, "InvalidURI", "the path must start with '/'");
        return;
    }
    /* Who is calling was decided before the body was read (the gate);
     * what is left is the body against its signed hash, once, though a
     * request handed to a worker is routed again there. */
    if (!q->payload_checked && sigv4_check_payload(q, r) < 0)
        return;
    q->payload_checked = 1;
    if (serve_is_admin_path(url)) {
        serve_admin(q, r);
        return;
    }
    const char *p = url + 1;
    size_t rest = plen - 1;
    if (rest == 0) {
        s3_list_buckets(q, r);
        return;
    }
    const char *slash = memchr(p, '/', rest);
    size_t blen = slash ? (size_t)(slash - p) : rest;
    lhv1_buf b;
    lhv1_buf_init(&b);
    int un = serve_unescape(p, blen, &b);
    int ok = un == 0 && serve_bucket_name_ok(b.data, b.len);
    if (ok)
        memcpy(q->bucket, b.data, b.len), q->bucket[b.len] = 0;
    lhv1_buf_free(&b);
    if (un == -2) {
        serve_reply_oom(r, q, "bucket name");
        return;
    }
    if (!ok) {
        serve_reply_error(r, q, 400, "InvalidBucketName", "The specified bucket is not valid.");
        return;
    }
    if (s3_not_implemented(q, r))
        return;
    if (!slash || slash + 1 == url + plen) {
        s3_bucket_op(q, r);
        return;
    }
    q->has_key = 1;
    int un_key = serve_unescape(slash + 1, (size_t)(url + plen - slash - 1), &q->key);
    if (un_key == -2) {
        serve_reply_oom(r, q, "object key");
        return;
    }
    if (un_key < 0) {
        serve_reply_error(r, q, 400, "InvalidURI", "bad percent-escape in the key");
        return;
    }
    s3_object_op(q, r);
}
