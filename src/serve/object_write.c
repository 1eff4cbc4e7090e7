/* PutObject's and CopyObject's write (object_write.h). */
#include "object_write.h"

#include <stdlib.h>

#include "object_meta.h"
#include "stored_headers.h"
#include "upstream.h"

/* Whether the store took the body, whole or torn. */
static int landed(int rc, const http_fault_decision *d)
{
    if (http_faults_skips_operation(d))
        return 0; /* an HTTP fault answered: nothing was written */
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

/* Whether the store takes another body than the one sent. */
static int torn(const http_fault_decision *d)
{
    return d->store_fault.kind == LHV1_FAULT_PUT_TORN_PREFIX ||
           d->store_fault.kind == LHV1_FAULT_PUT_TORN_OVER_OLD;
}

/* The headers and upstream lines of a torn write: without the checksums,
 * which are of the body sent, not of the one stored (an upstream would
 * refuse the torn body with them). -1 out of memory. */
static int without_checksums(lhv1_buf *kept, lhv1_bytes headers, const char *const *send,
                             const char ***lines)
{
    lhv1_buf_append(kept, headers.data, headers.len);
    stored_headers_drop_checksums(kept);
    if (kept->failed)
        return -1;
    *lines = NULL;
    if (!send)
        return 0;
    size_t n = 0;
    while (send[n])
        n++;
    if (!(*lines = malloc((n + 1) * sizeof **lines)))
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!stored_headers_is_checksum_line(send[i]))
            (*lines)[k++] = send[i];
    (*lines)[k] = NULL;
    return 0;
}

int object_write(serve_server *s, lhv1_bytes key, lhv1_bytes body, lhv1_buf *owned,
                 const uint8_t md5[16], lhv1_bytes headers, const char *const *send,
                 http_fault_decision *d, lhv1_store_err *err)
{
    http_faults_decide(s->faults, LHV1_OP_PUT, key, body.len, d);
    lhv1_buf kept;
    lhv1_buf_init(&kept);
    const char **lines = NULL;
    if (torn(d)) {
        if (without_checksums(&kept, headers, send, &lines) < 0) {
            lhv1_buf_free(&kept);
            return lhv1_store_oom(err, "stored headers");
        }
        headers = (lhv1_bytes){kept.data, kept.len};
        if (send)
            send = lines;
    }
    serve_upstream_exchange(s->store, send, NULL, NULL);
    int rc = http_faults_put(s, d, key, body, owned, err);
    serve_upstream_exchange(s->store, NULL, NULL, NULL);
    object_meta_written(s, key, rc == 0 && d->rule_id == 0, md5);
    if (landed(rc, d) && object_meta_set_headers(s, key, headers) < 0 && rc == 0)
        rc = lhv1_store_oom(err, "stored headers");
    free(lines);
    lhv1_buf_free(&kept);
    return rc;
}
