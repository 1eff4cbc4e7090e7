/* Helpers shared by liblhv1's sources; not part of the public API. */
#ifndef LHV1_INTERNAL_H
#define LHV1_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"
#include "lhv1/graph.h"

/* Not exported from the shared liblhv1. */
#pragma GCC visibility push(hidden)

/* Go's utf8.Valid: no overlongs, no surrogates, nothing above U+10FFFF.
 * Returns the offset of the first invalid byte, or n when valid. */
size_t lhv1_utf8_invalid_at(const uint8_t *p, size_t n);
static inline int lhv1_utf8_valid(lhv1_bytes b)
{
    return lhv1_utf8_invalid_at(b.data, b.len) == b.len;
}

/* When p starts with a character that terminals act on rather than show
 * (C1 controls U+0080-U+009F, U+061C, U+200E, U+200F, U+2028-U+202E,
 * U+2066-U+2069), its length and code point; else 0. */
size_t lhv1_utf8_invisible(const uint8_t *p, size_t n, uint32_t *cp);

/* Whether `name` is a distance function of the format (src/lhv1/envelope/distance.c). */
int lhv1_distance_known(lhv1_bytes name);

/* Room for one more element in a growable array: `items` points to the
 * array pointer, `n` elements are used, `*cap` allocated, each `size`
 * bytes; the capacity doubles, starting at `first`. Returns 0, or -1 with
 * the array unchanged (allocation failure or size overflow). */
int lhv1_array_grow(void *items, size_t n, size_t *cap, size_t size, size_t first);

void lhv1_hex_append(lhv1_buf *out, const uint8_t *p, size_t n);
/* Dump STR / KEY of FORMAT.md section 6 (STR escapes controls, DEL and the
 * invisible characters above as \u00xx / \uxxxx). */
void lhv1_json_str_append(lhv1_buf *out, lhv1_bytes s);
void lhv1_json_key_append(lhv1_buf *out, lhv1_bytes s);

/* Offset i of a graph's layer or node offsets (graph.h): 4 bytes each
 * below 4 GiB, 8 above. */
static inline uint64_t lhv1_off_get(const void *a, int wide, uint64_t i)
{
    return wide ? ((const uint64_t *)a)[i] : ((const uint32_t *)a)[i];
}

/* A varint the graph decoder already validated, at p[*pos]; advances. */
static inline uint64_t lhv1_valid_varint(const uint8_t *p, size_t *pos)
{
    if (p[*pos] < 0x80) {
        uint8_t b = p[(*pos)++];
        return (uint64_t)((int64_t)(b >> 1) ^ -(int64_t)(b & 1));
    }
    int64_t v = 0;
    *pos += (size_t)lhv1_varint_read(p + *pos, LHV1_VARINT_MAX, &v);
    return (uint64_t)v;
}

/* Asks for the header of the graph's node number `index` ahead of use:
 * on wide vectors every node starts on lines of its own. */
static inline void lhv1_node_prefetch(const lhv1_graph *g, uint64_t index)
{
    if (index < g->n_nodes)
        __builtin_prefetch(g->section + lhv1_off_get(g->node_off, g->wide, index));
}

/* The key of the graph's node number `index` (all layers, file order). */
static inline lhv1_bytes lhv1_node_key(const lhv1_graph *g, uint64_t index)
{
    size_t pos = (size_t)lhv1_off_get(g->node_off, g->wide, index);
    size_t len = (size_t)lhv1_valid_varint(g->section, &pos);
    return (lhv1_bytes){g->section + pos, len};
}

/* Lookup of a layer's nodes by key, for the invariant checks: a hash
 * table under a keyed hash (src/lhv1/graph/keyset.c) of node indexes, with a copy of
 * the keys. One table can be rebuilt for layer after layer. */
typedef struct lhv1_keyset {
    const lhv1_graph *g;
    lhv1_layer layer;
    uint32_t *slots;  /* tag | (layer node index + 1), 0 when empty */
    uint64_t cap;     /* slots in use for this layer */
    size_t room;      /* slots allocated */
    uint8_t *arena;   /* the keys back to back, in node order */
    uint32_t *off;    /* node j's key is arena[off[j] .. off[j+1]) */
    size_t arena_room, off_room;
    unsigned ibits;   /* low bits of a slot holding the index */
    uint32_t imask;
    int use_arena;    /* 0 when the keys pass 4 GiB: compared in the input */
    int small;        /* no table: searched one by one */
    int64_t first_duplicate;
    int ready; /* set by a successful build */
} lhv1_keyset;

/* Indexes `layer` of g. `s` is zeroed or was built before (its table is
 * reused when large enough). -1 on allocation failure (or libsodium
 * failing to start). */
int lhv1_keyset_build(lhv1_keyset *s, const lhv1_graph *g, const lhv1_layer *layer);
/* Returns the index in the layer of the first node (in file order) with
 * that key, or -1. */
int64_t lhv1_keyset_find(const lhv1_keyset *s, lhv1_bytes key);
/* lhv1_keyset_find of each of n keys into out[n], faster than one by one. */
void lhv1_keyset_find_many(const lhv1_keyset *s, const lhv1_bytes *keys, uint64_t n,
                           int64_t *out);
/* The first node, in file order, whose key an earlier node already has; -1. */
int64_t lhv1_keyset_first_duplicate(const lhv1_keyset *s);
void lhv1_keyset_free(lhv1_keyset *s);

/* lhv1_graph_check that, when the graph holds and has layers, hands
 * layer 0's key set to the caller (who frees it) instead of freeing it:
 * the metadata cross-check looks keys up in the same set. Otherwise
 * *layer0 is left zeroed. */
int lhv1_graph_check_keep(const lhv1_graph *g, lhv1_status *st, lhv1_keyset *layer0);

/* Sorted order of a layer's nodes by key (stable: file order among
 * equals). Caller frees. NULL on allocation failure. */
uint64_t *lhv1_sorted_node_order(const lhv1_graph *g, const lhv1_layer *layer);
/* Sorted copy of a node's neighbour keys (stable). Caller frees. */
lhv1_bytes *lhv1_sorted_neighbors(const lhv1_node *node);
/* The same into out[node->n_neighbors], allocating nothing. */
void lhv1_sort_neighbors(const lhv1_node *node, lhv1_bytes *out);

/* Sorts a[0..n) by cmp (with ctx) in place, allocating nothing; not
 * stable (src/lhv1/core/sort_u32.c). */
typedef int (*lhv1_u32_cmp)(uint32_t x, uint32_t y, const void *ctx);
void lhv1_sort_u32(uint32_t *a, size_t n, lhv1_u32_cmp cmp, const void *ctx);

/* A key or name from the input, for a message: printable ASCII and
 * printable UTF-8 kept; '"', '\\', control bytes, invalid UTF-8 and the
 * characters terminals act on (lhv1_utf8_invisible) as \xHH; cut at about
 * 52 bytes ("..."). A quoted value cannot end its quote or forge text. */
#define LHV1_SHOW_MAX 64
const char *lhv1_show(lhv1_bytes k, char out[LHV1_SHOW_MAX]);

#pragma GCC visibility pop

#endif
