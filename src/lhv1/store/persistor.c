/* The persistor: upstream Save / Load / Delete / List semantics over an
 * lhv1_store (docs/FORMAT.md sections 1 and 5). */
#include <stdio.h>
#include <string.h>

#include "lhv1/persistor.h"

void lhv1_persistor_init(lhv1_persistor *p, lhv1_store *store)
{
    p->store = store;
    p->format = LHV1_FORMAT_LHV1;
}

int lhv1_persistor_key(const char *name, lhv1_buf *key)
{
    lhv1_buf_reset(key);
    if (!name)
        return -1;
    lhv1_buf_puts(key, LHV1_KEY_PREFIX);
    lhv1_buf_puts(key, name);
    lhv1_buf_puts(key, LHV1_KEY_SUFFIX);
    return key->failed ? -1 : 0;
}

/* Save's encode then put, or put_if when `seen` is not NULL. */
static int save(lhv1_persistor *p, const lhv1_index *idx, lhv1_store_version *seen,
                lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    lhv1_buf key, body;
    lhv1_buf_init(&key);
    lhv1_buf_init(&body);
    int rc;
    if (!idx->env.name)
        rc = lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "encode: the index has no name");
    else if (lhv1_persistor_key(idx->env.name, &key) < 0)
        rc = lhv1_store_oom(err, "persistor key");
    else if (lhv1_index_encode_as(idx, p->format, &body) < 0)
        rc = body.failed ? lhv1_store_oom(err, "encode")
                         : lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "encode %s: failed",
                                           idx->env.name);
    else if (seen)
        rc = lhv1_store_put_if(p->store, (lhv1_bytes){key.data, key.len},
                               (lhv1_bytes){body.data, body.len}, seen, seen, err);
    else
        rc = lhv1_store_put(p->store, (lhv1_bytes){key.data, key.len},
                            (lhv1_bytes){body.data, body.len}, err);
    lhv1_buf_free(&key);
    lhv1_buf_free(&body);
    return rc;
}

int lhv1_persistor_save(lhv1_persistor *p, const lhv1_index *idx, lhv1_store_err *err)
{
    return save(p, idx, NULL, err);
}

int lhv1_persistor_save_if(lhv1_persistor *p, const lhv1_index *idx, lhv1_store_version *seen,
                           lhv1_store_err *err)
{
    return save(p, idx, seen, err);
}

/* Load, through get_version when `seen` is not NULL. */
static lhv1_verdict load(lhv1_persistor *p, const char *name, lhv1_loaded *out,
                         lhv1_store_version *seen, lhv1_status *st)
{
    memset(out, 0, sizeof *out);
    lhv1_buf_init(&out->body);
    lhv1_store_err_ok(&out->err);
    lhv1_status_ok(st);
    lhv1_buf key;
    lhv1_buf_init(&key);
    if (!name) {
        lhv1_store_fail(&out->err, LHV1_STORE_FAILED, 0, "no name");
        lhv1_fail(st, LHV1_R_STORE_FAILED, -1, "get: no name");
        return st->verdict;
    }
    if (lhv1_persistor_key(name, &key) < 0) {
        lhv1_buf_free(&key);
        lhv1_store_oom(&out->err, "persistor key");
        lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "get %.64s: out of memory", name);
        return st->verdict;
    }
    lhv1_store_version ver = {0};
    int rc = seen ? lhv1_store_get_version(p->store, (lhv1_bytes){key.data, key.len}, &out->body,
                                           &ver, &out->err)
                  : lhv1_store_get(p->store, (lhv1_bytes){key.data, key.len}, &out->body,
                                   &out->err);
    lhv1_buf_free(&key);
    if (rc < 0) {
        /* Only the typed not-found is a missing key: a failure whose body
         * happens to say "key not found" is still a failure (upstream
         * scrum O-B1). */
        if (out->err.kind == LHV1_STORE_NOT_FOUND) {
            if (seen)
                *seen = ver; /* none: the next conditional save creates */
            lhv1_fail(st, LHV1_R_KEY_MISSING, -1, "index %s: key missing", name);
        }
        else if (out->err.kind == LHV1_STORE_OUT_OF_MEMORY)
            lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "get %s: %s", name, out->err.body);
        else
            lhv1_fail(st, LHV1_R_STORE_FAILED, -1, "get %s: %s %d: %s", name,
                      lhv1_store_kind_name(out->err.kind), out->err.status,
                      out->err.body);
        lhv1_buf_free(&out->body);
        return st->verdict;
    }
    if (seen)
        *seen = ver;
    if (p->format == LHV1_FORMAT_LHV2)
        return lhv1_index_load_any(out->body.data, out->body.len, name, &out->idx, NULL, st);
    return lhv1_index_load(out->body.data, out->body.len, name, &out->idx, st);
}

lhv1_verdict lhv1_persistor_load(lhv1_persistor *p, const char *name, lhv1_loaded *out,
                                 lhv1_status *st)
{
    return load(p, name, out, NULL, st);
}

lhv1_verdict lhv1_persistor_load_version(lhv1_persistor *p, const char *name, lhv1_loaded *out,
                                         lhv1_store_version *seen, lhv1_status *st)
{
    return load(p, name, out, seen, st);
}

void lhv1_loaded_free(lhv1_loaded *l)
{
    lhv1_index_free(&l->idx);
    lhv1_buf_free(&l->body);
}

int lhv1_persistor_delete(lhv1_persistor *p, const char *name, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    lhv1_buf key;
    lhv1_buf_init(&key);
    int rc = !name ? lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "delete: no name")
             : lhv1_persistor_key(name, &key) < 0
                 ? lhv1_store_oom(err, "persistor key")
                 : lhv1_store_del(p->store, (lhv1_bytes){key.data, key.len}, err);
    lhv1_buf_free(&key);
    if (rc < 0 && err->kind == LHV1_STORE_NOT_FOUND) {
        /* A store that reports deleting a missing key: still success. */
        lhv1_store_err_ok(err);
        rc = 0;
    }
    return rc;
}

int lhv1_persistor_list(lhv1_persistor *p, lhv1_key_list *names, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    lhv1_key_list keys;
    lhv1_key_list_init(&keys);
    const size_t plen = strlen(LHV1_KEY_PREFIX), slen = strlen(LHV1_KEY_SUFFIX);
    int rc = lhv1_store_list(p->store, lhv1_bytes_str(LHV1_KEY_PREFIX), &keys, err);
    for (size_t i = 0; rc == 0 && i < keys.n; i++) {
        /* The store is not trusted to honour the prefix. */
        lhv1_bytes k = keys.keys[i];
        if (k.len <= plen + slen || memcmp(k.data, LHV1_KEY_PREFIX, plen) != 0 ||
            memcmp(k.data + k.len - slen, LHV1_KEY_SUFFIX, slen) != 0)
            continue;
        lhv1_bytes name = {k.data + plen, k.len - plen - slen};
        if (lhv1_key_list_push(names, name) < 0)
            rc = lhv1_store_oom(err, "persistor list");
    }
    lhv1_key_list_free(&keys);
    if (rc == 0)
        lhv1_key_list_sort(names);
    return rc;
}
