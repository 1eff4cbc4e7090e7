/* The object store the persistor writes to: the upstream `Store` interface
 * (Put / Get / Delete / List) as a vtable, with a typed error model.
 *
 * Error model: a store call returns 0 (kind OK) or -1 with `err` filled.
 *   NOT_FOUND    the key does not exist: the ONLY kind Load reports as
 *                `missing`.
 *   FAILED       the store failed (an HTTP-like 5xx and a body). Whatever
 *                the body says ("key not found" included) it is a failure,
 *                never a missing key.
 *   INVALID_KEY  the store refuses the key (file store: `..`, absolute
 *                path, NUL, empty segment: status 400; a key that is a
 *                path prefix of another key, or has an object as one, as
 *                "a/b" and "a/b/c": status 409, a Put only).
 *   OUT_OF_MEMORY an allocation failed in this process (the store, the
 *                persistor): nothing is known about the object; Load
 *                reports the verdict `out-of-memory`. Not a store failure. 
 *   PRECONDITION_FAILED a conditional Put (lhv1_store_put_if) was refused:
 *                the key no longer has the version it was conditional on,
 *                or exists when it was to be created (status 412; S3's 409
 *                ConditionalRequestConflict is one too). Nothing was written.
 *   NOT_SUPPORTED the store has no conditional writes (status 501).
 * Delete of a missing key succeeds (idempotent). Keys are byte strings
 * (lhv1_bytes), so a NUL inside a key is seen and refused, not truncated. */
#ifndef LHV1_STORE_H
#define LHV1_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lhv1_store_kind {
    LHV1_STORE_OK = 0,
    LHV1_STORE_NOT_FOUND,
    LHV1_STORE_FAILED,
    LHV1_STORE_INVALID_KEY,
    LHV1_STORE_OUT_OF_MEMORY,
    LHV1_STORE_PRECONDITION_FAILED,
    LHV1_STORE_NOT_SUPPORTED
} lhv1_store_kind;

#define LHV1_STORE_BODY_MAX 256

typedef struct lhv1_store_err {
    lhv1_store_kind kind;
    int status;                     /* HTTP-like: 200, 404, 400, 500, 503 */
    char body[LHV1_STORE_BODY_MAX]; /* the reply body, NUL-terminated */
} lhv1_store_err;

/* A list of owned keys. Each key's data is also NUL-terminated (the NUL is
 * not counted in len), so printable keys can be used as C strings. */
typedef struct lhv1_key_list {
    lhv1_bytes *keys;
    size_t n;
    size_t cap;
} lhv1_key_list;

typedef struct lhv1_store lhv1_store;

/* The version of an object a conditional write is made against: S3's
 * ETag (quoted, as sent back in If-Match), or the memory store's counter.
 * exists = 0: the key had no object (a write against it creates only). */
#define LHV1_STORE_VERSION_MAX 128
typedef struct lhv1_store_version {
    int exists;
    char tag[LHV1_STORE_VERSION_MAX]; /* NUL-terminated; opaque */
} lhv1_store_version;

/* Every function returns 0 or -1 with `err` filled (never NULL). */
typedef struct lhv1_store_ops {
    const char *name;
    int (*put)(lhv1_store *s, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err);
    /* Replaces the contents of `out` with the object's bytes. */
    int (*get)(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err);
    int (*del)(lhv1_store *s, lhv1_bytes key, lhv1_store_err *err);
    /* Appends every key starting with `prefix` to `out`, in no particular
     * order (callers sort). */
    int (*list)(lhv1_store *s, lhv1_bytes prefix, lhv1_key_list *out,
                lhv1_store_err *err);
    void (*destroy)(lhv1_store *s);
    /* Conditional writes, optional (NULL: NOT_SUPPORTED); read only by
     * lhv1_store_get_version / lhv1_store_put_if, so a store built
     * against the header without them works with every other function.
     * get_version is
     * get that also fills *ver with the version it read. put_if writes
     * only if the key still has version *expect (expect->exists), or has
     * no object (!expect->exists); else PRECONDITION_FAILED and nothing
     * is written. On success *now (may be NULL) is the new version. */
    int (*get_version)(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_version *ver,
                       lhv1_store_err *err);
    int (*put_if)(lhv1_store *s, lhv1_bytes key, lhv1_bytes body,
                  const lhv1_store_version *expect, lhv1_store_version *now,
                  lhv1_store_err *err);
} lhv1_store_ops;

/* Implementations embed this as their first member. */
struct lhv1_store {
    const lhv1_store_ops *ops;
};

int lhv1_store_put(lhv1_store *s, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err);
int lhv1_store_get(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err);
int lhv1_store_del(lhv1_store *s, lhv1_bytes key, lhv1_store_err *err);
int lhv1_store_list(lhv1_store *s, lhv1_bytes prefix, lhv1_key_list *out,
                    lhv1_store_err *err);
/* Conditional writes (the ops' get_version / put_if), NOT_SUPPORTED on a
 * store without them: the memory store and the S3 client store have them;
 * the file store and the fault store do not. */
int lhv1_store_get_version(lhv1_store *s, lhv1_bytes key, lhv1_buf *out,
                           lhv1_store_version *ver, lhv1_store_err *err);
int lhv1_store_put_if(lhv1_store *s, lhv1_bytes key, lhv1_bytes body,
                      const lhv1_store_version *expect, lhv1_store_version *now,
                      lhv1_store_err *err);
/* Frees the store (NULL is a no-op). A wrapping store never frees the
 * store it wraps. */
void lhv1_store_destroy(lhv1_store *s);

/* --- the stores ------------------------------------------------------ */

/* In memory; any byte string is a valid key. NULL on allocation failure. */
lhv1_store *lhv1_memory_store_new(void);

/* For a store layered over the memory store (the fault store) that keeps
 * the versions a key had: bodies move between the two instead of being
 * copied. `s` must be a memory store (lhv1_is_memory_store). */
int lhv1_is_memory_store(const lhv1_store *s);
/* 1 with `out` viewing the key's body (valid until the next mutation of
 * the store), or 0 when the key is absent. */
int lhv1_memory_store_view(lhv1_store *s, lhv1_bytes key, lhv1_bytes *out);
/* Makes *body the key's object by taking its buffer (no copy) and hands
 * back in *body the body the key had (*had = 1) or an empty buffer
 * (*had = 0). On -1 (out of memory) the store and *body are unchanged. */
int lhv1_memory_store_exchange(lhv1_store *s, lhv1_bytes key, lhv1_buf *body, int *had,
                               lhv1_store_err *err);
/* The first key >= from (after = 0) or > from (after = 1), in the order
 * of lhv1_key_list_sort, into *key (valid until the next mutation): 1, or
 * 0 when there is none. O(log n): a listing page walks from where the
 * last one ended instead of listing and sorting every key. */
int lhv1_memory_store_seek(lhv1_store *s, lhv1_bytes from, int after, lhv1_bytes *key);
/* Deletes the key, handing its body to *old: 1, or 0 (absent, *old empty). */
int lhv1_memory_store_take(lhv1_store *s, lhv1_bytes key, lhv1_buf *old);

/* A directory: Put writes a temporary file, fsyncs it, renames it over the
 * key and fsyncs the directory, so a crash leaves the old or the new
 * object, never a mixture. Keys are relative paths confined to `root`:
 * `..` and `.` segments, absolute paths, NUL bytes, empty segments
 * (`a//b`, trailing `/`) and the empty key are INVALID_KEY. A `/` in a key
 * makes subdirectories; Delete removes the directories it leaves empty
 * (up to the root), and a Put whose name an empty directory tree holds
 * replaces it. A key and its path prefix cannot both be objects ("a/b"
 * and "a/b/c"): Put is INVALID_KEY with status 409. Names ending in
 * ".tmp-lhv1" are reserved for temporary files. `root` is created if
 * absent. NULL with `err` filled on failure. */
lhv1_store *lhv1_file_store_new(const char *root, lhv1_store_err *err);

/* Whether `s` is a file store. */
int lhv1_is_file_store(const lhv1_store *s);
/* Opens the key's regular file read-only (its size and metadata for a
 * caller that need not read it): 0 with *fd set (the caller closes it),
 * or -1 with `err` filled (NOT_FOUND when the key is not an object). */
int lhv1_file_store_open(lhv1_store *s, lhv1_bytes key, int *fd, lhv1_store_err *err);
/* After a crash: removes the temporary files a Put left behind and the
 * directories that are empty, counting the files in *removed. Only while
 * no other handle or process writes the store (a start-up step), since
 * another writer's temporary file looks the same. 0, or -1 with `err`. */
int lhv1_file_store_recover(lhv1_store *s, size_t *removed, lhv1_store_err *err);

/* The confinement rule of the file store, exposed for tests and for other
 * stores that map keys to paths. Returns 0, or -1 with INVALID_KEY. */
int lhv1_store_key_check(lhv1_bytes key, lhv1_store_err *err);

/* --- helpers --------------------------------------------------------- */

const char *lhv1_store_kind_name(lhv1_store_kind k);
void lhv1_store_err_ok(lhv1_store_err *err);
/* Fills err; always returns -1 so stores can `return lhv1_store_fail(...)`. */
int lhv1_store_fail(lhv1_store_err *err, lhv1_store_kind kind, int status,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* lhv1_store_fail(err, LHV1_STORE_OUT_OF_MEMORY, 507, "<what>: out of memory"). */
int lhv1_store_oom(lhv1_store_err *err, const char *what);

void lhv1_key_list_init(lhv1_key_list *l);
void lhv1_key_list_free(lhv1_key_list *l);
/* Copies key. Returns 0 or -1 (allocation failed; the list is unchanged). */
int lhv1_key_list_push(lhv1_key_list *l, lhv1_bytes key);
/* Bytewise order (Go's sort.Strings). */
void lhv1_key_list_sort(lhv1_key_list *l);

#ifdef __cplusplus
}
#endif
#endif
