/* Key index of a layer's nodes: an open-addressing hash table (linear
 * probing, load <= 1/2) under SipHash-2-4 with a key drawn at random once
 * per process (libsodium's crypto_shorthash). An unkeyed hash let a crafted
 * file put every key of a layer in one probe cluster and the checks went
 * quadratic; a sorted index was safe but spent most of a load in binary
 * search. With a secret key an attacker cannot aim keys at slots. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"

/* Layers this small get no table: a one-node layer (4 input bytes) would
 * otherwise cost three allocations. */
enum { SMALL_LAYER = 8 };

static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static int hash_ready; /* 1: key drawn; -1: libsodium failed to start */
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void draw_hash_key(void)
{
    if (sodium_init() < 0) {
        hash_ready = -1;
        return;
    }
    crypto_shorthash_keygen(hash_key);
    hash_ready = 1;
}

static uint64_t key_hash(lhv1_bytes k)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, k.data, k.len, hash_key);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return v;
}

/* Node j's key as copied into the arena. */
static int key_is(const lhv1_keyset *s, uint32_t j, lhv1_bytes key)
{
    size_t at = s->off[j], len = s->off[j + 1] - at;
    return len == key.len && (len == 0 || memcmp(s->arena + at, key.data, len) == 0);
}

/* The slot holding `key`, or the empty slot where it would go. */
static uint64_t probe(const lhv1_keyset *s, lhv1_bytes key)
{
    uint64_t i = key_hash(key) & s->mask;
    for (;;) {
        uint32_t e = s->slots[i];
        if (e == 0 || key_is(s, e - 1, key))
            return i;
        i = (i + 1) & s->mask;
    }
}

int lhv1_keyset_init(lhv1_keyset *s, const lhv1_node *nodes, uint64_t n)
{
    memset(s, 0, sizeof *s);
    s->nodes = nodes;
    s->n = n;
    s->first_duplicate = -1;
    pthread_once(&hash_once, draw_hash_key);
    /* Slots hold node index + 1 in 32 bits: 4 bytes a slot keeps the
     * table at <= 16 bytes a node (plus 8 for the key's offset and the key
     * itself). A layer of 2^31 nodes (a section of
     * more than 6 GB) is refused as an allocation failure. */
    if (hash_ready != 1 || n >= (UINT32_MAX >> 1))
        return -1;
    s->ready = 1;
    if (n <= SMALL_LAYER) { /* no table: compared one by one, nothing allocated */
        for (uint64_t j = 1; j < n && s->first_duplicate < 0; j++)
            for (uint64_t k = 0; k < j; k++)
                if (lhv1_bytes_eq(nodes[k].key, nodes[j].key)) {
                    s->first_duplicate = (int64_t)j;
                    break;
                }
        return 0;
    }
    uint64_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    /* The keys are copied next to each other: lookups then compare within
     * a small arena, not a cache line (and a TLB entry) per key spread
     * over the whole section. */
    size_t key_bytes = 0;
    for (uint64_t j = 0; j < n; j++)
        key_bytes += nodes[j].key.len; /* <= the section's size */
    s->slots = lhv1_calloc(cap, sizeof *s->slots);
    s->off = lhv1_malloc((n + 1) * sizeof *s->off);
    s->arena = lhv1_malloc(key_bytes ? key_bytes : 1);
    if (!s->slots || !s->off || !s->arena) {
        lhv1_keyset_free(s);
        return -1;
    }
    s->mask = cap - 1;
    size_t at = 0;
    for (uint64_t j = 0; j < n; j++) {
        s->off[j] = at;
        if (nodes[j].key.len)
            memcpy(s->arena + at, nodes[j].key.data, nodes[j].key.len);
        at += nodes[j].key.len;
    }
    s->off[n] = at;
    /* File order: a key already present makes this node the first later
     * duplicate, and lookups keep finding the first node with the key. */
    for (uint64_t j = 0; j < n; j++) {
        uint64_t i = probe(s, nodes[j].key);
        if (s->slots[i] == 0)
            s->slots[i] = (uint32_t)(j + 1);
        else if (s->first_duplicate < 0)
            s->first_duplicate = (int64_t)j;
    }
    return 0;
}

static int64_t find_small(const lhv1_keyset *s, lhv1_bytes key)
{
    for (uint64_t j = 0; j < s->n; j++)
        if (lhv1_bytes_eq(s->nodes[j].key, key))
            return (int64_t)j;
    return -1;
}

int64_t lhv1_keyset_find(const lhv1_keyset *s, lhv1_bytes key)
{
    if (!s->slots)
        return find_small(s, key);
    uint32_t e = s->slots[probe(s, key)];
    return e ? (int64_t)e - 1 : -1;
}

/* Looks keys up in groups, one kind of memory access at a time: hash and
 * prefetch the slots; prefetch the key offsets they name; prefetch those
 * keys' bytes; compare. The cache misses of a group overlap instead of
 * following one another (a node's neighbour keys sit all over the
 * section). */
void lhv1_keyset_find_many(const lhv1_keyset *s, const lhv1_bytes *keys, uint64_t n,
                           int64_t *out)
{
    enum { GROUP = 16 };
    if (!s->slots) {
        for (uint64_t k = 0; k < n; k++)
            out[k] = find_small(s, keys[k]);
        return;
    }
    for (uint64_t base = 0; base < n; base += GROUP) {
        uint64_t m = n - base < GROUP ? n - base : GROUP;
        uint64_t slot[GROUP];
        uint32_t first[GROUP];
        for (uint64_t k = 0; k < m; k++) {
            slot[k] = key_hash(keys[base + k]) & s->mask;
            __builtin_prefetch(&s->slots[slot[k]]);
        }
        for (uint64_t k = 0; k < m; k++) {
            first[k] = s->slots[slot[k]];
            if (first[k])
                __builtin_prefetch(&s->off[first[k] - 1]);
        }
        for (uint64_t k = 0; k < m; k++)
            if (first[k])
                __builtin_prefetch(s->arena + s->off[first[k] - 1]);
        for (uint64_t k = 0; k < m; k++) {
            uint64_t i = slot[k];
            lhv1_bytes key = keys[base + k];
            uint32_t e;
            while ((e = s->slots[i]) != 0 && !key_is(s, e - 1, key))
                i = (i + 1) & s->mask;
            out[base + k] = e ? (int64_t)e - 1 : -1;
        }
    }
}

int64_t lhv1_keyset_first_duplicate(const lhv1_keyset *s) { return s->first_duplicate; }

void lhv1_keyset_free(lhv1_keyset *s)
{
    lhv1_free(s->slots);
    lhv1_free(s->off);
    lhv1_free(s->arena);
    s->slots = NULL;
    s->off = NULL;
    s->arena = NULL;
}
