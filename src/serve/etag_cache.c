/* The ETag cache of `lhv1 serve` (etag_cache.h): an open-addressing hash
 * table keyed by SipHash (libsodium's crypto_shorthash, key drawn per
 * process, so crafted object keys cannot pile onto one slot). A forgotten
 * key keeps its slot, marked unknown; the table holds at most the keys
 * ever written, as the fault store's history does. */
#include "etag_cache.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    uint8_t *key; /* NULL: empty slot */
    size_t key_len;
    int known;
    uint8_t md5[16];
} slot;

struct etag_cache {
    slot *slots;
    size_t cap; /* a power of two */
    size_t used;
    uint8_t hash_key[crypto_shorthash_KEYBYTES];
};

etag_cache *etag_cache_new(void)
{
    if (sodium_init() < 0)
        return NULL;
    etag_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cap = 64;
    c->slots = calloc(c->cap, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    randombytes_buf(c->hash_key, sizeof c->hash_key);
    return c;
}

void etag_cache_clear(etag_cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        free(c->slots[i].key);
    memset(c->slots, 0, c->cap * sizeof *c->slots);
    c->used = 0;
}

void etag_cache_free(etag_cache *c)
{
    if (!c)
        return;
    etag_cache_clear(c);
    free(c->slots);
    free(c);
}

static size_t slot_of(const etag_cache *c, const slot *slots, size_t cap, lhv1_bytes key)
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, key.data, key.len, c->hash_key);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    size_t i = (size_t)v & (cap - 1);
    while (slots[i].key &&
           !(slots[i].key_len == key.len && !memcmp(slots[i].key, key.data, key.len)))
        i = (i + 1) & (cap - 1);
    return i;
}

/* Doubles the table; 0 on success. */
static int grow(etag_cache *c)
{
    size_t cap = c->cap * 2;
    slot *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].key) {
            lhv1_bytes k = {c->slots[i].key, c->slots[i].key_len};
            s[slot_of(c, s, cap, k)] = c->slots[i];
        }
    free(c->slots);
    c->slots = s;
    c->cap = cap;
    return 0;
}

void etag_cache_set(etag_cache *c, lhv1_bytes key, const uint8_t md5[16])
{
    if ((c->used + 1) * 4 > c->cap * 3 && grow(c) < 0) {
        etag_cache_forget(c, key);
        return;
    }
    slot *s = &c->slots[slot_of(c, c->slots, c->cap, key)];
    if (!s->key) {
        s->key = malloc(key.len ? key.len : 1);
        if (!s->key)
            return;
        memcpy(s->key, key.data, key.len);
        s->key_len = key.len;
        c->used++;
    }
    s->known = 1;
    memcpy(s->md5, md5, 16);
}

void etag_cache_forget(etag_cache *c, lhv1_bytes key)
{
    slot *s = &c->slots[slot_of(c, c->slots, c->cap, key)];
    if (s->key)
        s->known = 0;
}

int etag_cache_get(const etag_cache *c, lhv1_bytes key, uint8_t md5[16])
{
    const slot *s = &c->slots[slot_of(c, c->slots, c->cap, key)];
    if (!s->key || !s->known)
        return 0;
    memcpy(md5, s->md5, 16);
    return 1;
}
