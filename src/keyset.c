/* Hash set of a layer's nodes by key (FNV-1a, linear probing). */
#include <stdlib.h>

#include "internal.h"

static uint64_t key_hash(lhv1_bytes k)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < k.len; i++) {
        h ^= k.data[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

int lhv1_keyset_init(lhv1_keyset *s, const lhv1_node *nodes, uint64_t n)
{
    s->slots = NULL;
    s->nodes = nodes;
    if (n >= UINT32_MAX / 2)
        return -1;
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    s->slots = calloc(cap, sizeof *s->slots);
    if (!s->slots)
        return -1;
    s->mask = cap - 1;
    return 0;
}

int64_t lhv1_keyset_find(const lhv1_keyset *s, lhv1_bytes key)
{
    for (size_t i = key_hash(key) & s->mask;; i = (i + 1) & s->mask) {
        uint32_t v = s->slots[i];
        if (v == 0)
            return -1;
        if (lhv1_bytes_eq(s->nodes[v - 1].key, key))
            return (int64_t)(v - 1);
    }
}

int64_t lhv1_keyset_insert(lhv1_keyset *s, uint64_t idx)
{
    lhv1_bytes key = s->nodes[idx].key;
    for (size_t i = key_hash(key) & s->mask;; i = (i + 1) & s->mask) {
        uint32_t v = s->slots[i];
        if (v == 0) {
            s->slots[i] = (uint32_t)idx + 1;
            return -1;
        }
        if (lhv1_bytes_eq(s->nodes[v - 1].key, key))
            return (int64_t)(v - 1);
    }
}

void lhv1_keyset_free(lhv1_keyset *s)
{
    free(s->slots);
    s->slots = NULL;
}
