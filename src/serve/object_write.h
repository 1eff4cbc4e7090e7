/* The write PutObject and CopyObject share: the body through the fault
 * rules, then what the server keeps of the object besides it. Its ETag is
 * known only when the store holds exactly that body (no rule fired); its
 * stored headers (stored_headers.h) replace the old ones whenever the body
 * landed, whole or torn, whatever the client was told, and a lost write or
 * one that failed before it reached the store keeps the old ones, as the
 * old body is kept. */
#ifndef LHV1_SERVE_OBJECT_WRITE_H
#define LHV1_SERVE_OBJECT_WRITE_H

#include "http_faults.h"
#include "serve.h"

/* Lock held. `d` receives the rules' decision for a Put of `key`; `send`
 * (NULL-terminated "Name: value" lines, or NULL) goes with the proxy's
 * upstream PUT, which keeps the headers itself; `owned` as
 * http_faults_put's. 0, or -1 with `err` filled. */
int object_write(serve_server *s, lhv1_bytes key, lhv1_bytes body, lhv1_buf *owned,
                 const uint8_t md5[16], lhv1_bytes headers, const char *const *send,
                 http_fault_decision *d, lhv1_store_err *err);

#endif
