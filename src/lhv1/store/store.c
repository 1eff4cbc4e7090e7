/* The store vtable's dispatch, its error helpers, key lists and the key
 * confinement rule shared by stores that map keys to paths. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "lhv1/store.h"

int lhv1_store_put(lhv1_store *s, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    return s->ops->put(s, key, body, err);
}

int lhv1_store_get(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    lhv1_buf_reset(out);
    return s->ops->get(s, key, out, err);
}

int lhv1_store_del(lhv1_store *s, lhv1_bytes key, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    return s->ops->del(s, key, err);
}

int lhv1_store_list(lhv1_store *s, lhv1_bytes prefix, lhv1_key_list *out,
                    lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    return s->ops->list(s, prefix, out, err);
}

int lhv1_store_get_version(lhv1_store *s, lhv1_bytes key, lhv1_buf *out,
                           lhv1_store_version *ver, lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    lhv1_buf_reset(out);
    memset(ver, 0, sizeof *ver);
    if (!s->ops->get_version)
        return lhv1_store_fail(err, LHV1_STORE_NOT_SUPPORTED, 501,
                               "%s store: no conditional writes", s->ops->name);
    return s->ops->get_version(s, key, out, ver, err);
}

int lhv1_store_put_if(lhv1_store *s, lhv1_bytes key, lhv1_bytes body,
                      const lhv1_store_version *expect, lhv1_store_version *now,
                      lhv1_store_err *err)
{
    lhv1_store_err_ok(err);
    if (!s->ops->put_if)
        return lhv1_store_fail(err, LHV1_STORE_NOT_SUPPORTED, 501,
                               "%s store: no conditional writes", s->ops->name);
    if (expect->exists && !memchr(expect->tag, 0, sizeof expect->tag))
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "put_if: version not terminated");
    return s->ops->put_if(s, key, body, expect, now, err);
}

void lhv1_store_destroy(lhv1_store *s)
{
    if (s)
        s->ops->destroy(s);
}

const char *lhv1_store_kind_name(lhv1_store_kind k)
{
    switch (k) {
    case LHV1_STORE_OK: return "ok";
    case LHV1_STORE_NOT_FOUND: return "not-found";
    case LHV1_STORE_FAILED: return "failed";
    case LHV1_STORE_INVALID_KEY: return "invalid-key";
    case LHV1_STORE_OUT_OF_MEMORY: return "out-of-memory";
    case LHV1_STORE_PRECONDITION_FAILED: return "precondition-failed";
    case LHV1_STORE_NOT_SUPPORTED: return "not-supported";
    }
    return "unknown";
}

void lhv1_store_err_ok(lhv1_store_err *err)
{
    err->kind = LHV1_STORE_OK;
    err->status = 200;
    err->body[0] = '\0';
}

int lhv1_store_fail(lhv1_store_err *err, lhv1_store_kind kind, int status,
                    const char *fmt, ...)
{
    err->kind = kind;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->body, sizeof err->body, fmt, ap);
    va_end(ap);
    return -1;
}

int lhv1_store_oom(lhv1_store_err *err, const char *what)
{
    return lhv1_store_fail(err, LHV1_STORE_OUT_OF_MEMORY, 507, "%s: out of memory", what);
}

void lhv1_key_list_init(lhv1_key_list *l) { memset(l, 0, sizeof *l); }

void lhv1_key_list_free(lhv1_key_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        lhv1_free((void *)l->keys[i].data);
    lhv1_free(l->keys);
    lhv1_key_list_init(l);
}

int lhv1_key_list_push(lhv1_key_list *l, lhv1_bytes key)
{
    if (lhv1_array_grow(&l->keys, l->n, &l->cap, sizeof *l->keys, 8) != 0)
        return -1;
    uint8_t *copy = lhv1_malloc(key.len + 1);
    if (!copy)
        return -1;
    if (key.len)
        memcpy(copy, key.data, key.len);
    copy[key.len] = '\0';
    l->keys[l->n].data = copy;
    l->keys[l->n].len = key.len;
    l->n++;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    return lhv1_bytes_cmp(*(const lhv1_bytes *)a, *(const lhv1_bytes *)b);
}

void lhv1_key_list_sort(lhv1_key_list *l)
{
    if (l->n > 1)
        qsort(l->keys, l->n, sizeof *l->keys, key_cmp);
}

int lhv1_store_key_check(lhv1_bytes key, lhv1_store_err *err)
{
    if (key.len == 0)
        return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400, "invalid key: empty");
    if (memchr(key.data, '\0', key.len))
        return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400,
                               "invalid key: contains a NUL byte");
    if (key.data[0] == '/')
        return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400,
                               "invalid key: absolute path");
    /* Walk the '/'-separated segments. */
    size_t start = 0;
    for (size_t i = 0; i <= key.len; i++) {
        if (i < key.len && key.data[i] != '/')
            continue;
        size_t seg = i - start;
        const uint8_t *p = key.data + start;
        if (seg == 0)
            return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400,
                                   "invalid key: empty segment at offset %zu", start);
        if ((seg == 1 && p[0] == '.') || (seg == 2 && p[0] == '.' && p[1] == '.'))
            return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400,
                                   "invalid key: '%.*s' segment at offset %zu",
                                   (int)seg, (const char *)p, start);
        start = i + 1;
    }
    return 0;
}
