/* The in-memory store: an unsorted array of (key, body) pairs, found
 * through a hash index (an HTTP server's clients may hold many keys), and
 * kept in key order by a skip list (a page of a listing starts where it
 * left off, lhv1_memory_store_seek). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "key_index.h"
#include "key_order.h"
#include "lhv1/store.h"

typedef struct mem_entry {
    lhv1_buf key;
    lhv1_buf body;
    uint64_t version; /* the store's write count when this body was put */
} mem_entry;

typedef struct memory_store {
    lhv1_store base;
    mem_entry *entries;
    size_t n;
    size_t cap;
    lhv1_key_index index;
    lhv1_key_order order; /* over the entries' key bytes, which stay put */
    uint64_t writes; /* never reused: a deleted and recreated key gets a new version */
} memory_store;

static lhv1_bytes key_at(const void *ctx, size_t pos)
{
    const mem_entry *e = &((const memory_store *)ctx)->entries[pos];
    return (lhv1_bytes){e->key.data, e->key.len};
}

static mem_entry *find(memory_store *m, lhv1_bytes key)
{
    size_t pos = lhv1_key_index_find(&m->index, key);
    return pos == LHV1_KEY_NONE ? NULL : &m->entries[pos];
}

/* A new entry for an absent key, its body empty; NULL on allocation
 * failure with the store unchanged. */
static mem_entry *add_entry(memory_store *m, lhv1_bytes key)
{
    lhv1_buf k;
    lhv1_buf_init(&k);
    lhv1_key_order_node *node = lhv1_key_order_node_new(&m->order);
    if (!node || lhv1_key_index_reserve(&m->index) < 0 ||
        lhv1_array_grow(&m->entries, m->n, &m->cap, sizeof *m->entries, 8) != 0 ||
        lhv1_buf_append(&k, key.data, key.len) < 0) {
        lhv1_key_order_node_free(node);
        lhv1_buf_free(&k);
        return NULL;
    }
    mem_entry *e = &m->entries[m->n];
    e->key = k;
    lhv1_buf_init(&e->body);
    lhv1_key_index_add(&m->index, key, m->n++);
    lhv1_key_order_add(&m->order, node, (lhv1_bytes){k.data, k.len});
    return e;
}

/* Frees the entry and moves the last one into its place. */
static void remove_entry(memory_store *m, mem_entry *e)
{
    size_t pos = (size_t)(e - m->entries), last = m->n - 1;
    lhv1_key_order_remove(&m->order, key_at(m, pos));
    lhv1_key_index_remove(&m->index, key_at(m, pos));
    if (pos != last)
        lhv1_key_index_move(&m->index, key_at(m, last), pos);
    lhv1_buf_free(&e->key);
    lhv1_buf_free(&e->body);
    *e = m->entries[last];
    m->n--;
}

/* Everything is allocated before anything changes: a failed Put leaves the
 * store as it was (no key with an empty body). */
static int mem_put(lhv1_store *s, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err)
{
    memory_store *m = (memory_store *)s;
    lhv1_buf fresh;
    lhv1_buf_init(&fresh);
    if (lhv1_buf_append(&fresh, body.data, body.len) < 0) {
        lhv1_buf_free(&fresh);
        return lhv1_store_oom(err, "memory store");
    }
    mem_entry *e = find(m, key);
    if (!e && !(e = add_entry(m, key))) {
        lhv1_buf_free(&fresh);
        return lhv1_store_oom(err, "memory store");
    }
    lhv1_buf_free(&e->body);
    e->body = fresh;
    e->version = ++m->writes;
    return 0;
}

static void version_of(const mem_entry *e, lhv1_store_version *ver)
{
    ver->exists = 1;
    snprintf(ver->tag, sizeof ver->tag, "\"m%llu\"", (unsigned long long)e->version);
}

static int mem_get_version(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_version *ver,
                           lhv1_store_err *err)
{
    mem_entry *e = find((memory_store *)s, key);
    if (!e)
        return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found");
    if (lhv1_buf_append(out, e->body.data, e->body.len) < 0)
        return lhv1_store_oom(err, "memory store");
    version_of(e, ver);
    return 0;
}

static int mem_put_if(lhv1_store *s, lhv1_bytes key, lhv1_bytes body,
                      const lhv1_store_version *expect, lhv1_store_version *now,
                      lhv1_store_err *err)
{
    mem_entry *e = find((memory_store *)s, key);
    lhv1_store_version have = {0};
    if (e)
        version_of(e, &have);
    if (!expect->exists && e)
        return lhv1_store_fail(err, LHV1_STORE_PRECONDITION_FAILED, 412,
                               "If-None-Match *: the key has an object");
    if (expect->exists && (!e || strcmp(have.tag, expect->tag)))
        return lhv1_store_fail(err, LHV1_STORE_PRECONDITION_FAILED, 412, "If-Match %s: the key %s",
                               expect->tag, e ? "has another version" : "has no object");
    if (mem_put(s, key, body, err) < 0)
        return -1;
    if (now)
        version_of(find((memory_store *)s, key), now);
    return 0;
}

static int mem_get(lhv1_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err)
{
    mem_entry *e = find((memory_store *)s, key);
    if (!e)
        return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "key not found");
    if (lhv1_buf_append(out, e->body.data, e->body.len) < 0)
        return lhv1_store_oom(err, "memory store");
    return 0;
}

static int mem_del(lhv1_store *s, lhv1_bytes key, lhv1_store_err *err)
{
    (void)err;
    memory_store *m = (memory_store *)s;
    mem_entry *e = find(m, key);
    if (e)
        remove_entry(m, e);
    return 0; /* idempotent */
}

static int mem_list(lhv1_store *s, lhv1_bytes prefix, lhv1_key_list *out,
                    lhv1_store_err *err)
{
    memory_store *m = (memory_store *)s;
    for (size_t i = 0; i < m->n; i++) {
        lhv1_bytes k = {m->entries[i].key.data, m->entries[i].key.len};
        if (k.len < prefix.len || (prefix.len && memcmp(k.data, prefix.data, prefix.len)))
            continue;
        if (lhv1_key_list_push(out, k) < 0)
            return lhv1_store_oom(err, "memory store");
    }
    return 0;
}

static void mem_destroy(lhv1_store *s)
{
    memory_store *m = (memory_store *)s;
    for (size_t i = 0; i < m->n; i++) {
        lhv1_buf_free(&m->entries[i].key);
        lhv1_buf_free(&m->entries[i].body);
    }
    lhv1_free(m->entries);
    lhv1_key_index_free(&m->index);
    lhv1_key_order_free(&m->order);
    lhv1_free(m);
}

static const lhv1_store_ops memory_ops = {
    "memory", mem_put, mem_get, mem_del, mem_list, mem_destroy, mem_get_version, mem_put_if,
};

int lhv1_is_memory_store(const lhv1_store *s)
{
    return s && s->ops == &memory_ops;
}

int lhv1_memory_store_view(lhv1_store *s, lhv1_bytes key, lhv1_bytes *out)
{
    mem_entry *e = find((memory_store *)s, key);
    if (!e)
        return 0;
    *out = (lhv1_bytes){e->body.data, e->body.len};
    return 1;
}

int lhv1_memory_store_exchange(lhv1_store *s, lhv1_bytes key, lhv1_buf *body, int *had,
                               lhv1_store_err *err)
{
    memory_store *m = (memory_store *)s;
    mem_entry *e = find(m, key);
    *had = e != NULL;
    if (!e && !(e = add_entry(m, key)))
        return lhv1_store_oom(err, "memory store");
    lhv1_buf old = e->body;
    e->body = *body;
    e->body.failed = 0;
    e->version = ++m->writes;
    *body = old;
    return 0;
}

int lhv1_memory_store_seek(lhv1_store *s, lhv1_bytes from, int after, lhv1_bytes *key)
{
    return lhv1_key_order_seek(&((memory_store *)s)->order, from, after, key);
}

int lhv1_memory_store_take(lhv1_store *s, lhv1_bytes key, lhv1_buf *old)
{
    memory_store *m = (memory_store *)s;
    mem_entry *e = find(m, key);
    lhv1_buf_init(old);
    if (!e)
        return 0;
    *old = e->body;
    lhv1_buf_init(&e->body);
    remove_entry(m, e);
    return 1;
}

lhv1_store *lhv1_memory_store_new(void)
{
    memory_store *m = lhv1_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->base.ops = &memory_ops;
    if (lhv1_key_index_init(&m->index, key_at, m) < 0) {
        lhv1_free(m);
        return NULL;
    }
    if (lhv1_key_order_init(&m->order) < 0) {
        lhv1_key_index_free(&m->index);
        lhv1_free(m);
        return NULL;
    }
    return &m->base;
}
