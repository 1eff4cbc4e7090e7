/* The server's per-key table (meta_table.h). */
#include "meta_table.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    uint8_t *key; /* NULL: empty slot */
    size_t key_len;
    meta_entry e;
} slot;

struct meta_table {
    slot *slots;
    size_t cap; /* a power of two */
    size_t used;
    uint8_t hash_key[crypto_shorthash_KEYBYTES];
};

meta_table *meta_table_new(void)
{
    if (sodium_init() < 0)
        return NULL;
    meta_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cap = 64;
    t->slots = calloc(t->cap, sizeof *t->slots);
    if (!t->slots) {
        free(t);
        return NULL;
    }
    randombytes_buf(t->hash_key, sizeof t->hash_key);
    return t;
}

void meta_table_clear(meta_table *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        free(t->slots[i].key);
        free(t->slots[i].e.headers);
    }
    memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->used = 0;
}

void meta_table_free(meta_table *t)
{
    if (!t)
        return;
    meta_table_clear(t);
    free(t->slots);
    free(t);
}

static size_t slot_of(const meta_table *t, const slot *slots, size_t cap, lhv1_bytes key)
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, key.data, key.len, t->hash_key);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    size_t i = (size_t)v & (cap - 1);
    while (slots[i].key &&
           !(slots[i].key_len == key.len && !memcmp(slots[i].key, key.data, key.len)))
        i = (i + 1) & (cap - 1);
    return i;
}

/* Doubles the table; 0 on success. */
static int grow(meta_table *t)
{
    size_t cap = t->cap * 2;
    slot *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key) {
            lhv1_bytes k = {t->slots[i].key, t->slots[i].key_len};
            s[slot_of(t, s, cap, k)] = t->slots[i];
        }
    free(t->slots);
    t->slots = s;
    t->cap = cap;
    return 0;
}

meta_entry *meta_table_find(meta_table *t, lhv1_bytes key)
{
    slot *s = &t->slots[slot_of(t, t->slots, t->cap, key)];
    return s->key ? &s->e : NULL;
}

meta_entry *meta_table_get(meta_table *t, lhv1_bytes key)
{
    meta_entry *e = meta_table_find(t, key);
    if (e)
        return e;
    if ((t->used + 1) * 4 > t->cap * 3 && grow(t) < 0)
        return NULL;
    slot *s = &t->slots[slot_of(t, t->slots, t->cap, key)];
    s->key = malloc(key.len ? key.len : 1);
    if (!s->key)
        return NULL;
    if (key.len)
        memcpy(s->key, key.data, key.len);
    s->key_len = key.len;
    memset(&s->e, 0, sizeof s->e);
    t->used++;
    return &s->e;
}
