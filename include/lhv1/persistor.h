/* The persistor: upstream Save / Load / Delete / List over an lhv1_store.
 * One object per index, key `_vectors/<name>.lhv1` (docs/FORMAT.md 1). */
#ifndef LHV1_PERSISTOR_H
#define LHV1_PERSISTOR_H

#include "lhv1/index.h"
#include "lhv1/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lhv1_persistor {
    lhv1_store *store;  /* borrowed */
    lhv1_format format; /* what Save writes (init: LHV1, upstream's). An
                         * LHV1 persistor reads LHV1 only, as upstream does;
                         * an LHV2 one reads both (objects saved before the
                         * switch stay loadable). */
} lhv1_persistor;

/* What Load returns: the object's bytes, and the index decoded from them
 * (views into `body`, so the two live and die together). */
typedef struct lhv1_loaded {
    lhv1_buf body;       /* the bytes Get returned (empty when Get failed) */
    lhv1_index idx;      /* decoded when the verdict is ok or inconsistent */
    lhv1_store_err err;  /* the store's error when Get failed */
} lhv1_loaded;

void lhv1_persistor_init(lhv1_persistor *p, lhv1_store *store);

/* The object key of an index name: "_vectors/" name ".lhv1". */
int lhv1_persistor_key(const char *name, lhv1_buf *key);

/* Encodes idx (lhv1_index_encode) and Puts it under the key of
 * idx->env.name. Returns 0, or -1 with `err` filled: the store's error, or
 * FAILED with status 0 when encoding failed (nothing was written). */
int lhv1_persistor_save(lhv1_persistor *p, const lhv1_index *idx, lhv1_store_err *err);

/* Get then lhv1_index_load(body, name) (lhv1_index_load_any for an LHV2
 * persistor). Only the store's typed NOT_FOUND
 * is `missing` (reason key-missing); any other store error is
 * `store-error` (reason store-failed), whatever its body says. Otherwise
 * the verdict of lhv1_index_load, which checks params.name == name.
 * `out` must be freed with lhv1_loaded_free whatever the verdict. */
lhv1_verdict lhv1_persistor_load(lhv1_persistor *p, const char *name,
                                 lhv1_loaded *out, lhv1_status *st);
void lhv1_loaded_free(lhv1_loaded *l);

/* The conditional persistor: a writer that must not overwrite another
 * writer's update keeps the version it last read or wrote in a
 * lhv1_store_version (one per writer and index, zeroed to start: "seen it
 * missing").
 *
 * lhv1_persistor_load_version is lhv1_persistor_load that also sets *seen
 * to the version of the object it read (exists = 0 when the verdict is
 * `missing`; unchanged on any other store error). The store must have
 * conditional writes (else the verdict is `store-error`, NOT_SUPPORTED).
 *
 * lhv1_persistor_save_if is lhv1_persistor_save written with If-Match on
 * *seen, or If-None-Match: * when !seen->exists (create only): 0 with
 * *seen set to the version written, or -1 with `err`; a write refused
 * because the object changed since (or was created by someone else) is
 * PRECONDITION_FAILED, nothing written and *seen unchanged: load, reapply,
 * save again. lhv1_persistor_save stays upstream's unconditional write. */
lhv1_verdict lhv1_persistor_load_version(lhv1_persistor *p, const char *name, lhv1_loaded *out,
                                         lhv1_store_version *seen, lhv1_status *st);
int lhv1_persistor_save_if(lhv1_persistor *p, const lhv1_index *idx, lhv1_store_version *seen,
                           lhv1_store_err *err);

/* Deletes the object; a missing object is success (idempotent). */
int lhv1_persistor_delete(lhv1_persistor *p, const char *name, lhv1_store_err *err);

/* The names of stored indexes: keys under "_vectors/" that end in ".lhv1"
 * with a non-empty name between, prefix and suffix removed, sorted
 * bytewise. Appends to `names` (initialised by the caller). */
int lhv1_persistor_list(lhv1_persistor *p, lhv1_key_list *names, lhv1_store_err *err);

#ifdef __cplusplus
}
#endif
#endif
