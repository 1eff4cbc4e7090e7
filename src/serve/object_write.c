/* PutObject's and CopyObject's write (object_write.h). */
#include "object_write.h"

#include "object_meta.h"
#include "upstream.h"

/* Whether the store took the body, whole or torn. */
static int landed(int rc, const http_fault_decision *d)
{
    switch (d->store_fault.kind) {
    case LHV1_FAULT_PUT_LOST:
    case LHV1_FAULT_PUT_FAIL_BEFORE:
        return 0;
    case LHV1_FAULT_PUT_FAIL_AFTER:
    case LHV1_FAULT_PUT_TORN_PREFIX:
    case LHV1_FAULT_PUT_TORN_OVER_OLD:
        return 1;
    default:
        return rc == 0;
    }
}

int object_write(serve_server *s, lhv1_bytes key, lhv1_bytes body, lhv1_buf *owned,
                 const uint8_t md5[16], lhv1_bytes headers, const char *const *send,
                 http_fault_decision *d, lhv1_store_err *err)
{
    http_faults_decide(s->faults, LHV1_OP_PUT, key, body.len, d);
    serve_upstream_exchange(s->store, send, NULL, NULL);
    int rc = http_faults_put(s, d, key, body, owned, err);
    serve_upstream_exchange(s->store, NULL, NULL, NULL);
    object_meta_written(s, key, rc == 0 && d->rule_id == 0, md5);
    if (landed(rc, d) && object_meta_set_headers(s, key, headers) < 0 && rc == 0)
        rc = lhv1_store_oom(err, "stored headers");
    return rc;
}
