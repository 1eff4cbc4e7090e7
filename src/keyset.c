/* Key index of a layer's nodes: an open-addressing hash table (linear
 * probing, load <= 1/2) under SipHash-2-4 with a key drawn at random once
 * per process (libsodium's crypto_shorthash). An unkeyed hash let a crafted
 * file put every key of a layer in one probe cluster and the checks went
 * quadratic; a sorted index was safe but spent most of a load in binary
 * search. With a secret key an attacker cannot aim keys at slots. The
 * table holds node indexes only: keys are compared in the input, so a
 * table costs at most 6 bytes a node. */
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

/* Node j of the layer: its key, read from the input. */
static lhv1_bytes key_of(const lhv1_keyset *s, uint64_t j)
{
    return lhv1_node_key(s->g, s->layer.first + j);
}

static int key_is(const lhv1_keyset *s, uint32_t j, lhv1_bytes key)
{
    lhv1_bytes k = key_of(s, j);
    return k.len == key.len && (k.len == 0 || memcmp(k.data, key.data, k.len) == 0);
}

/* A hash onto [0, cap): multiply-shift, so the table need not be a power
 * of two (1.5 slots a node, not up to 4). */
static uint64_t home(const lhv1_keyset *s, lhv1_bytes key)
{
    return (uint64_t)(((unsigned __int128)key_hash(key) * s->cap) >> 64);
}

/* The slot holding `key`, or the empty slot where it would go. */
static uint64_t probe(const lhv1_keyset *s, lhv1_bytes key)
{
    uint64_t i = home(s, key);
    for (;;) {
        uint32_t e = s->slots[i];
        if (e == 0 || key_is(s, e - 1, key))
            return i;
        if (++i == s->cap)
            i = 0;
    }
}

int lhv1_keyset_build(lhv1_keyset *s, const lhv1_graph *g, const lhv1_layer *layer)
{
    uint64_t n = layer->n_nodes;
    s->g = g;
    s->layer = *layer;
    s->first_duplicate = -1;
    s->ready = 0;
    s->cap = 0;
    pthread_once(&hash_once, draw_hash_key);
    /* Slots hold node index + 1 in 32 bits, 1.5 slots a node: at most 6
     * bytes a node (a node takes at least 3 input bytes). A layer of 2^31
     * nodes (a section of more than 6 GB) is refused as an allocation
     * failure. */
    if (hash_ready != 1 || n >= (UINT32_MAX >> 1))
        return -1;
    if (n <= SMALL_LAYER) { /* no table: compared one by one, nothing allocated */
        for (uint64_t j = 1; j < n && s->first_duplicate < 0; j++)
            for (uint64_t k = 0; k < j; k++)
                if (lhv1_bytes_eq(key_of(s, k), key_of(s, j))) {
                    s->first_duplicate = (int64_t)j;
                    break;
                }
        s->ready = 1;
        return 0;
    }
    uint64_t cap = n + n / 2 + 1;
    if (cap > s->room) {
        lhv1_free(s->slots);
        s->slots = lhv1_malloc(cap * sizeof *s->slots);
        s->room = s->slots ? cap : 0;
        if (!s->slots)
            return -1;
    }
    memset(s->slots, 0, cap * sizeof *s->slots);
    s->cap = cap;
    /* File order: a key already present makes this node the first later
     * duplicate, and lookups keep finding the first node with the key. */
    for (uint64_t j = 0; j < n; j++) {
        uint64_t i = probe(s, key_of(s, j));
        if (s->slots[i] == 0)
            s->slots[i] = (uint32_t)(j + 1);
        else if (s->first_duplicate < 0)
            s->first_duplicate = (int64_t)j;
    }
    s->ready = 1;
    return 0;
}

static int64_t find_small(const lhv1_keyset *s, lhv1_bytes key)
{
    for (uint64_t j = 0; j < s->layer.n_nodes; j++)
        if (lhv1_bytes_eq(key_of(s, j), key))
            return (int64_t)j;
    return -1;
}

int64_t lhv1_keyset_find(const lhv1_keyset *s, lhv1_bytes key)
{
    if (!s->cap)
        return find_small(s, key);
    uint32_t e = s->slots[probe(s, key)];
    return e ? (int64_t)e - 1 : -1;
}

/* Looks keys up in groups, one kind of memory access at a time: hash and
 * prefetch the slots; prefetch the node offsets they name; prefetch those
 * keys' bytes; compare. The cache misses of a group overlap instead of
 * following one another (a node's neighbour keys sit all over the
 * section). */
void lhv1_keyset_find_many(const lhv1_keyset *s, const lhv1_bytes *keys, uint64_t n,
                           int64_t *out)
{
    enum { GROUP = 16 };
    if (!s->cap) {
        for (uint64_t k = 0; k < n; k++)
            out[k] = find_small(s, keys[k]);
        return;
    }
    const lhv1_graph *g = s->g;
    for (uint64_t base = 0; base < n; base += GROUP) {
        uint64_t m = n - base < GROUP ? n - base : GROUP;
        uint64_t slot[GROUP];
        uint32_t first[GROUP];
        for (uint64_t k = 0; k < m; k++) {
            slot[k] = home(s, keys[base + k]);
            __builtin_prefetch(&s->slots[slot[k]]);
        }
        for (uint64_t k = 0; k < m; k++) {
            first[k] = s->slots[slot[k]];
            if (first[k]) {
                uint64_t at = s->layer.first + first[k] - 1;
                __builtin_prefetch(g->wide ? (const void *)&((const uint64_t *)g->node_off)[at]
                                           : (const void *)&((const uint32_t *)g->node_off)[at]);
            }
        }
        for (uint64_t k = 0; k < m; k++)
            if (first[k])
                __builtin_prefetch(g->section + lhv1_off_get(g->node_off, g->wide,
                                                             s->layer.first + first[k] - 1));
        for (uint64_t k = 0; k < m; k++) {
            uint64_t i = slot[k];
            lhv1_bytes key = keys[base + k];
            uint32_t e;
            while ((e = s->slots[i]) != 0 && !key_is(s, e - 1, key))
                if (++i == s->cap)
                    i = 0;
            out[base + k] = e ? (int64_t)e - 1 : -1;
        }
    }
}

int64_t lhv1_keyset_first_duplicate(const lhv1_keyset *s) { return s->first_duplicate; }

void lhv1_keyset_free(lhv1_keyset *s)
{
    lhv1_free(s->slots);
    s->slots = NULL;
    s->room = 0;
    s->cap = 0;
}
