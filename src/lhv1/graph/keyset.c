/* Key index of a layer's nodes: an open-addressing hash table (linear
 * probing, load <= 1/2) under SipHash-2-4 with a key drawn at random once
 * per process (libsodium's crypto_shorthash). An unkeyed hash let a crafted
 * file put every key of a layer in one probe cluster and the checks went
 * quadratic; a sorted index was safe but spent most of a load in binary
 * search. With a secret key an attacker cannot aim keys at slots. A
 * table costs 6 bytes a node for its slots plus the keys' copy and 4
 * bytes a node for their offsets. */
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

/* Node j of the layer: its key, from the arena (or the input when the
 * keys pass 4 GiB). */
static inline __attribute__((always_inline)) lhv1_bytes key_of(const lhv1_keyset *s, uint64_t j)
{
    if (s->use_arena)
        return (lhv1_bytes){s->arena + s->off[j], s->off[j + 1] - s->off[j]};
    return lhv1_node_key(s->g, s->layer.first + j);
}

static inline __attribute__((always_inline)) int key_is(const lhv1_keyset *s, uint32_t j, lhv1_bytes key)
{
    lhv1_bytes k = key_of(s, j);
    if (k.len != key.len)
        return 0;
    if (k.len >= 8 && k.len <= 16) { /* most keys: two overlapping words, no call */
        uint64_t x0, y0, x1, y1;
        memcpy(&x0, k.data, 8);
        memcpy(&y0, key.data, 8);
        memcpy(&x1, k.data + k.len - 8, 8);
        memcpy(&y1, key.data + k.len - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (k.len < 8) {
        for (size_t i = 0; i < k.len; i++)
            if (k.data[i] != key.data[i])
                return 0;
        return 1;
    }
    return memcmp(k.data, key.data, k.len) == 0;
}

/* A hash onto [0, cap): multiply-shift of the high bits, so the table
 * need not be a power of two (1.5 slots a node, not up to 4). */
static uint64_t home(const lhv1_keyset *s, uint64_t h)
{
    return (uint64_t)(((unsigned __int128)h * s->cap) >> 64);
}

/* A slot: node index + 1 in the low `ibits` bits, the low bits of the
 * key's hash above them (a tag: most probes that meet another key are
 * told apart without reading it). */
static uint32_t tag_of(const lhv1_keyset *s, uint64_t h)
{
    return s->ibits >= 32 ? 0 : (uint32_t)(h << s->ibits);
}

/* The slot holding `key` (hash h), or the empty slot where it would go. */
static uint64_t probe(const lhv1_keyset *s, lhv1_bytes key, uint64_t h)
{
    uint64_t i = home(s, h);
    uint32_t tag = tag_of(s, h);
    for (;;) {
        uint32_t e = s->slots[i];
        if (e == 0 || ((e & ~s->imask) == tag && key_is(s, (e & s->imask) - 1, key)))
            return i;
        if (++i == s->cap)
            i = 0;
    }
}

/* Room for n elements of `size` bytes in *p (kept from an earlier build
 * when large enough). */
static int room_for(void *p, size_t *room, size_t n, size_t size)
{
    if (n <= *room)
        return 0;
    void **pp = p;
    lhv1_free(*pp);
    *pp = lhv1_malloc(n * size);
    *room = *pp ? n : 0;
    return *pp ? 0 : -1;
}

int lhv1_keyset_build(lhv1_keyset *s, const lhv1_graph *g, const lhv1_layer *layer)
{
    uint64_t n = layer->n_nodes;
    s->g = g;
    s->layer = *layer;
    s->first_duplicate = -1;
    s->ready = 0;
    s->cap = 0;
    s->use_arena = 0; /* keys from the input until the arena is filled */
    pthread_once(&hash_once, draw_hash_key);
    /* Slots hold node index + 1 in 32 bits, 1.5 slots a node (6 bytes);
     * the keys are copied next to each other with 4 bytes a node for
     * their offsets: lookups then compare within a small arena, not a
     * cache line (and a TLB entry) per key spread over the input. A node
     * takes at least 3 input bytes. A layer of 2^31 nodes (a section of
     * more than 6 GB) is refused as an allocation failure. */
    if (hash_ready != 1 || n >= (UINT32_MAX >> 1))
        return -1;
    if (n <= SMALL_LAYER) { /* no table: compared one by one, nothing allocated */
        for (uint64_t j = 1; j < n && s->first_duplicate < 0; j++)
            for (uint64_t k = 0; k < j; k++)
                if (lhv1_bytes_eq(key_of(s, k), key_of(s, j))) {
                    s->first_duplicate = (int64_t)j;
                    break;
                }
        s->small = 1;
        s->ready = 1;
        return 0;
    }
    s->small = 0;
    uint64_t cap = n + n / 2 + 1;
    size_t key_bytes = 0;
    for (uint64_t j = 0; j < n; j++) {
        lhv1_node_prefetch(g, layer->first + j + 8);
        key_bytes += lhv1_node_key(g, layer->first + j).len; /* <= the section's size */
    }
    int arena = key_bytes <= UINT32_MAX;
    if (room_for(&s->slots, &s->room, cap, sizeof *s->slots) != 0 ||
        (arena && (room_for(&s->off, &s->off_room, n + 1, sizeof *s->off) != 0 ||
                   room_for(&s->arena, &s->arena_room, key_bytes ? key_bytes : 1, 1) != 0)))
        return -1;
    memset(s->slots, 0, cap * sizeof *s->slots);
    s->cap = cap;
    s->ibits = 1;
    while (s->ibits < 32 && ((uint64_t)1 << s->ibits) <= n)
        s->ibits++;
    s->imask = s->ibits >= 32 ? UINT32_MAX : ((uint32_t)1 << s->ibits) - 1;
    if (arena) {
        uint32_t *off = s->off;
        size_t at = 0;
        for (uint64_t j = 0; j < n; j++) {
            lhv1_node_prefetch(g, layer->first + j + 8);
            lhv1_bytes k = lhv1_node_key(g, layer->first + j);
            off[j] = (uint32_t)at;
            if (k.len)
                memcpy(s->arena + at, k.data, k.len);
            at += k.len;
        }
        off[n] = (uint32_t)at;
        s->use_arena = 1;
    }
    /* File order: a key already present makes this node the first later
     * duplicate, and lookups keep finding the first node with the key. */
    for (uint64_t j = 0; j < n; j++) {
        lhv1_bytes k = key_of(s, j);
        uint64_t h = key_hash(k);
        uint64_t i = probe(s, k, h);
        if (s->slots[i] == 0)
            s->slots[i] = tag_of(s, h) | (uint32_t)(j + 1);
        else if (s->first_duplicate < 0)
            s->first_duplicate = (int64_t)j;
    }
    s->ready = 1;
    return 0;
}

static int64_t find_small(const lhv1_keyset *s, lhv1_bytes key)
{
    for (uint64_t j = 0; j < s->layer.n_nodes; j++)
        if (lhv1_bytes_eq(lhv1_node_key(s->g, s->layer.first + j), key))
            return (int64_t)j;
    return -1;
}

int64_t lhv1_keyset_find(const lhv1_keyset *s, lhv1_bytes key)
{
    if (s->small)
        return find_small(s, key);
    uint32_t e = s->slots[probe(s, key, key_hash(key))];
    return e ? (int64_t)(e & s->imask) - 1 : -1;
}

/* Looks keys up in groups, one kind of memory access at a time: hash and
 * prefetch the slots; prefetch the key offsets of the slots whose tags
 * match; prefetch those keys' bytes; compare. The cache misses of a group
 * overlap instead of following one another (a node's neighbour keys sit
 * all over the section). */
void lhv1_keyset_find_many(const lhv1_keyset *s, const lhv1_bytes *keys, uint64_t n,
                           int64_t *out)
{
    enum { GROUP = 16 };
    if (s->small || !s->use_arena) {
        for (uint64_t k = 0; k < n; k++)
            out[k] = lhv1_keyset_find(s, keys[k]);
        return;
    }
    for (uint64_t base = 0; base < n; base += GROUP) {
        uint64_t m = n - base < GROUP ? n - base : GROUP;
        uint64_t slot[GROUP], hash[GROUP];
        uint32_t first[GROUP];
        for (uint64_t k = 0; k < m; k++) {
            hash[k] = key_hash(keys[base + k]);
            slot[k] = home(s, hash[k]);
            __builtin_prefetch(&s->slots[slot[k]]);
        }
        for (uint64_t k = 0; k < m; k++) {
            uint32_t e = s->slots[slot[k]];
            first[k] = e && (e & ~s->imask) == tag_of(s, hash[k]) ? (e & s->imask) : 0;
            if (first[k])
                __builtin_prefetch(&s->off[first[k] - 1]);
        }
        for (uint64_t k = 0; k < m; k++)
            if (first[k])
                __builtin_prefetch(s->arena + s->off[first[k] - 1]);
        for (uint64_t k = 0; k < m; k++) {
            uint64_t i = slot[k];
            lhv1_bytes key = keys[base + k];
            uint32_t tag = tag_of(s, hash[k]), e;
            while ((e = s->slots[i]) != 0 &&
                   !((e & ~s->imask) == tag && key_is(s, (e & s->imask) - 1, key)))
                if (++i == s->cap)
                    i = 0;
            out[base + k] = e ? (int64_t)(e & s->imask) - 1 : -1;
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
    s->room = s->off_room = s->arena_room = 0;
    s->cap = 0;
}
