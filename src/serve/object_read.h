/* The body of a GET no fault rule touched, read on a worker without
 * holding the server lock for longer than a short step: the event thread
 * takes that lock for every small request of the memory backend, and a
 * worker copying a 60 MiB object under it held the whole server (a health
 * check waited 0.8 s in the median while 16 clients fetched such objects).
 *  - memory backend: the stored body is copied in slices, the lock taken
 *    for each; a write of the key meanwhile (its version moves) starts the
 *    copy over, and after a few restarts the rest is copied in one hold;
 *  - file backend: the file is opened under the lock and read after it (a
 *    Put renames a new file in: the open one stays whole).
 * The object's stored headers come from the same hold that ends the read
 * (memory: the last slice, the version checked; file: the open, from the
 * file opened), so a reply's body and headers are one write's.
 * The proxy backend reads from the upstream under the lock, as every proxy
 * operation does: not here. */
#ifndef LHV1_SERVE_OBJECT_READ_H
#define LHV1_SERVE_OBJECT_READ_H

#include "object_meta.h"
#include "serve.h"

/* The bytes copied per hold of the lock (memory backend): about 0.1 ms. */
#define OBJECT_READ_SLICE ((size_t)1 << 20)

/* Memory or file backend; lock NOT held; a worker thread. 0 with `out` holding the body (appended
 * to an empty buffer), `headers` its stored headers (object_meta_headers)
 * and `info` what was peeked with it (*known: its md5 is the body's ETag),
 * or -1 with `err` (NOT_FOUND, or a failure). */
int object_read(serve_server *s, lhv1_bytes key, lhv1_buf *out, lhv1_buf *headers,
                obj_info *info, int *known, lhv1_store_err *err);

#endif
