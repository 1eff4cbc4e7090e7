/* What `lhv1 serve` knows of each object without reading it: its size
 * and its ETag (the MD5 of its body), so a listing never reads bodies and
 * the event thread never hashes a stored object.
 *
 *  - memory backend: the size is the stored body's length; the MD5 is the
 *    one a PUT computed, kept beside the key while the store holds exactly
 *    that body (a PUT some rule touched leaves it unknown);
 *  - file backend: the MD5 is kept in the object file's extended
 *    attribute `user.lhv1.etag` with the size and mtime it was computed
 *    for, so it survives a restart and a file changed or placed by hand
 *    is seen as unknown; also in memory (file systems without user
 *    attributes);
 *  - proxy backend: nothing is kept (the upstream's objects change behind
 *    the proxy's back): the object is read (at most --max-body bytes,
 *    within the in-flight budget).
 * An unknown MD5 is computed by a worker thread (object_meta_get), once
 * however many listings want it at the same time. */
#ifndef LHV1_SERVE_OBJECT_META_H
#define LHV1_SERVE_OBJECT_META_H

#include "meta_table.h"
#include "serve.h"

/* The extended attributes of the file backend: the ETag, the stored
 * headers (stored_headers.h). */
#define OBJECT_META_XATTR "user.lhv1.etag"
#define OBJECT_META_HEADERS_XATTR "user.lhv1.headers"

typedef struct object_meta object_meta;

/* An object's size and MD5, and what they were read from (for
 * object_meta_learned). */
typedef struct obj_info {
    uint64_t size;
    uint8_t md5[16];
    uint64_t version; /* memory backend: never the same for two bodies; 0 unknown */
    file_id id;       /* file backend */
    time_t modified;  /* object_meta_get: when it was last modified */
} obj_info;

/* NULL on allocation failure. */
object_meta *object_meta_new(void);
void object_meta_free(object_meta *m);
/* Forgets everything (the store was emptied). Lock held. */
void object_meta_clear(object_meta *m);

/* After a Put or a Delete of `key` reached the store, whatever it
 * answered (lock held). `exact`: the store now holds exactly the body
 * whose MD5 is `md5` (the Put succeeded and no rule touched it). */
void object_meta_written(serve_server *s, lhv1_bytes key, int exact, const uint8_t md5[16]);
void object_meta_deleted(serve_server *s, lhv1_bytes key);

/* After a Put that replaced the object's body (lock held): the headers
 * S3 keeps with it (stored_headers.h), replacing the old ones. Memory
 * backend: beside the key, until the object is deleted; file backend: in
 * the file's attribute OBJECT_META_HEADERS_XATTR, so they go with that
 * file and survive a restart (in memory instead where the file system
 * refuses the attribute: no user attributes, or more than it holds).
 * -1 out of memory. */
int object_meta_set_headers(serve_server *s, lhv1_bytes key, lhv1_bytes blob);

/* The object's stored headers into out, empty when it has none (lock
 * held). -1 out of memory. */
int object_meta_headers(serve_server *s, lhv1_bytes key, lhv1_buf *out);
/* File backend, as object_meta_headers: those of the file open as `fd`
 * (object_meta_open), whatever file the key names now. */
int object_meta_headers_fd(serve_server *s, lhv1_bytes key, int fd, lhv1_buf *out);

/* Without reading or hashing a body (lock held; the file backend opens
 * and stats the file): 1 known (out filled), 0 not known yet (out->size
 * and the version or file id filled), -1 no such object, -2 the file
 * could not be examined. */
int object_meta_peek(serve_server *s, lhv1_bytes key, obj_info *out);

/* File backend, as object_meta_peek (lock held), the file left open in
 * *fd when it returns 0 or 1 (the caller closes it): a Put renames a new
 * file in, so what the descriptor reads stays the object peeked, after
 * the lock too. On -2, err holds the store's refusal when it had one (a
 * key it cannot map: INVALID_KEY), else its kind stays OK. */
int object_meta_open(serve_server *s, lhv1_bytes key, obj_info *out, int *fd,
                     lhv1_store_err *err);

/* A worker that read the object as stored (a GET no rule touched) and
 * hashed it: the MD5 is kept if the object is still the one `read`
 * (peeked under the same lock as the read) describes. Lock held. */
void object_meta_learned(serve_server *s, lhv1_bytes key, const obj_info *read,
                         const uint8_t md5[16]);

/* The object's size and MD5, read and hashed if not known (lock NOT
 * held: a worker thread only, never the event thread). 1 filled, -1 no
 * such object, -2 failure (`why` says), -3 the proxy's read found no room
 * in the in-flight budget (its bytes are taken before they are held, and
 * given back once hashed), and with wait = 0, 2 when another worker is
 * hashing it now (call again with wait = 1). `modified` is the server's
 * start (every object's date), or through the proxy the upstream's
 * Last-Modified of the body read, so a listing dates the object as GET
 * does. */
int object_meta_get(serve_server *s, lhv1_bytes key, obj_info *out, int wait, char *why,
                    size_t why_len);

/* When the object holding the body whose MD5 is `md5` was last modified:
 * the server's start, or through the proxy the upstream's Last-Modified,
 * asked with If-None-Match that ETag (a 304 without a body; a body
 * written meanwhile is refused, not read). Lock held (released for the
 * upstream's reply). */
time_t object_meta_modified(serve_server *s, lhv1_bytes key, const uint8_t md5[16]);

#endif
