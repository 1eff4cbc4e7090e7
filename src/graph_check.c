/* The graph invariants of FORMAT.md section 3b: one function per
 * invariant, run from `invariants[]` in the table's order.
 *
 * Whole-graph invariants run on their own. Per-node invariants that stand
 * next to each other in the table run in one walk over the nodes (layers
 * in order, nodes in file order), which gives the same answer as one walk
 * per invariant: the walk remembers the first invariant that failed and
 * from then on checks only the ones before it, so what it reports is the
 * first invariant in table order that any node breaks, at the first node
 * that breaks it. A node's neighbour keys are resolved through the layer's
 * key set once, for the checks that need them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"

typedef struct check_ctx {
    const lhv1_graph *g;
    lhv1_keyset *sets; /* per layer, built by check_duplicate_node */
    /* The current node's neighbours: key and node index (-1: not a node of
     * the layer), resolved once per node. */
    const lhv1_node *resolved_for;
    lhv1_bytes *nb_key;
    int64_t *nb_idx;
    uint64_t nb_cap;
    /* Per node of a layer: the stamp of the last list that named it, to
     * find a node listed twice without comparing keys. */
    uint32_t *seen;
    uint64_t seen_cap;
    uint32_t stamp;
} check_ctx;

/* Whole-graph invariant: 0, or -1 with `st` filled. */
typedef int (*graph_fn)(check_ctx *c, lhv1_status *st);
/* Per-node invariant: 0 holds, 1 broken, -1 out of memory. With `st` set
 * it fills the message of a broken invariant. */
typedef int (*node_fn)(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st);

static const char *show(lhv1_bytes k, char out[LHV1_SHOW_MAX]) { return lhv1_show(k, out); }

static const lhv1_node *node_at(const check_ctx *c, uint64_t layer, uint64_t j)
{
    return &c->g->layers[layer].nodes[j];
}

/* Fills `st` for a broken per-node invariant (when asked) and returns 1. */
#define NODE_BROKEN(st, reason, nd, layer, fmt, ...)                                     \
    do {                                                                                 \
        if (st) {                                                                        \
            char kb_[64];                                                                \
            lhv1_fail(st, reason, (int64_t)(nd)->offset, "layer %llu node \"%s\": " fmt, \
                      (unsigned long long)(layer), show((nd)->key, kb_), __VA_ARGS__);   \
        }                                                                                \
        return 1;                                                                        \
    } while (0)

/* --- whole-graph invariants ------------------------------------------- */

static int check_params(check_ctx *c, lhv1_status *st)
{
    const lhv1_graph *g = c->g;
    if (g->m <= 0 || g->ef_search <= 0 || !isfinite(g->ml) || !(g->ml > 0))
        return lhv1_fail(st, LHV1_R_GRAPH_BAD_PARAMS, 0,
                         "M=%lld EfSearch=%lld Ml=%g: need M>0, EfSearch>0, finite Ml>0",
                         (long long)g->m, (long long)g->ef_search, g->ml);
    return 0;
}

static int check_empty_layer(check_ctx *c, lhv1_status *st)
{
    for (uint64_t i = 0; i < c->g->n_layers; i++)
        if (c->g->layers[i].n_nodes == 0)
            return lhv1_fail(st, LHV1_R_GRAPH_EMPTY_LAYER, (int64_t)c->g->layers[i].offset,
                             "layer %llu has no nodes", (unsigned long long)i);
    return 0;
}

/* Builds every layer's key set: the later invariants look keys up in it. */
static int check_duplicate_node(check_ctx *c, lhv1_status *st)
{
    const lhv1_graph *g = c->g;
    c->sets = lhv1_calloc(g->n_layers ? g->n_layers : 1, sizeof *c->sets);
    if (!c->sets)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    for (uint64_t i = 0; i < g->n_layers; i++) {
        const lhv1_layer *ly = &g->layers[i];
        if (lhv1_keyset_init(&c->sets[i], ly->nodes, ly->n_nodes) != 0)
            return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory indexing layer %llu",
                             (unsigned long long)i);
        int64_t dup = lhv1_keyset_first_duplicate(&c->sets[i]);
        if (dup >= 0) {
            NODE_BROKEN(st, LHV1_R_GRAPH_DUPLICATE_NODE, &ly->nodes[dup], i, "%s",
                        "key appears twice in the layer");
        }
        if (ly->n_nodes > c->seen_cap)
            c->seen_cap = ly->n_nodes;
    }
    c->seen = lhv1_calloc(c->seen_cap ? c->seen_cap : 1, sizeof *c->seen);
    if (!c->seen)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    return 0;
}

static int check_trailing_bytes(check_ctx *c, lhv1_status *st)
{
    if (c->g->trailing)
        return lhv1_fail(st, LHV1_R_GRAPH_TRAILING_BYTES, (int64_t)c->g->end,
                         "%llu bytes after the last layer", (unsigned long long)c->g->trailing);
    return 0;
}

/* --- per-node invariants ---------------------------------------------- */

static int check_vector_length(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    const lhv1_node *nd = node_at(c, layer, j);
    uint64_t dim = c->g->layers[0].nodes[0].dim;
    if (nd->dim != dim)
        NODE_BROKEN(st, LHV1_R_GRAPH_VECTOR_LENGTH, nd, layer,
                    "vector length %llu, first vector has %llu", (unsigned long long)nd->dim,
                    (unsigned long long)dim);
    return 0;
}

/* Nonzero when a component is NaN or ±Inf: its 8 exponent bits are all
 * ones, so adding 1 at the exponent's low bit carries into bit 31. A
 * branch-free sweep of add/and/or that the compiler vectorises: the
 * vectors are most of the bytes. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("tree-vectorize")))
#endif
static uint32_t any_non_finite(const uint8_t *p, uint64_t n)
{
    uint32_t bad = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint32_t w;
        memcpy(&w, p + 4 * k, 4);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
        w = __builtin_bswap32(w);
#endif
        bad |= (w & 0x7f800000u) + 0x00800000u;
    }
    return bad & 0x80000000u;
}

static int check_non_finite(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    const lhv1_node *nd = node_at(c, layer, j);
    if (!any_non_finite(nd->vector, nd->dim))
        return 0;
    for (uint64_t k = 0; k < nd->dim; k++)
        if (!isfinite(lhv1_vector_get(nd, k)))
            NODE_BROKEN(st, LHV1_R_GRAPH_NON_FINITE, nd, layer, "component %llu is %g",
                        (unsigned long long)k, (double)lhv1_vector_get(nd, k));
    return 0;
}

/* The neighbour keys of node j and the node each names in its layer. */
static int resolve_neighbors(check_ctx *c, uint64_t layer, uint64_t j)
{
    const lhv1_node *nd = node_at(c, layer, j);
    if (c->resolved_for == nd)
        return 0;
    if (nd->n_neighbors > c->nb_cap) {
        uint64_t cap = c->nb_cap ? c->nb_cap : 32;
        while (cap < nd->n_neighbors)
            cap *= 2;
        lhv1_bytes *k = lhv1_realloc(c->nb_key, cap * sizeof *k);
        if (k)
            c->nb_key = k;
        int64_t *x = lhv1_realloc(c->nb_idx, cap * sizeof *x);
        if (x)
            c->nb_idx = x;
        if (!k || !x)
            return -1;
        c->nb_cap = cap;
    }
    lhv1_neighbor_iter it;
    lhv1_neighbor_iter_init(&it, nd);
    for (uint64_t k = 0; k < nd->n_neighbors && lhv1_neighbor_next(&it, &c->nb_key[k]); k++)
        ;
    lhv1_keyset_find_many(&c->sets[layer], c->nb_key, nd->n_neighbors, c->nb_idx);
    c->resolved_for = nd;
    return 0;
}

/* Keys are unique in the layer by now (graph-duplicate-node comes first),
 * so naming oneself is naming one's own index. */
static int check_self_neighbor(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    if (resolve_neighbors(c, layer, j) != 0)
        return -1;
    const lhv1_node *nd = node_at(c, layer, j);
    for (uint64_t k = 0; k < nd->n_neighbors; k++)
        if (c->nb_idx[k] == (int64_t)j)
            NODE_BROKEN(st, LHV1_R_GRAPH_SELF_NEIGHBOR, nd, layer, "%s",
                        "lists itself as a neighbour");
    return 0;
}

static int cmp_bytes(const void *a, const void *b)
{
    return lhv1_bytes_cmp(*(const lhv1_bytes *)a, *(const lhv1_bytes *)b);
}

/* Neighbours that are nodes: a stamp per node. Those that are not (a
 * dangling list, rare): sorted, then compared side by side. */
static int check_duplicate_neighbor(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    if (resolve_neighbors(c, layer, j) != 0)
        return -1;
    const lhv1_node *nd = node_at(c, layer, j);
    char kb[64];
    if (++c->stamp == 0) { /* wrapped: forget every old stamp */
        memset(c->seen, 0, c->seen_cap * sizeof *c->seen);
        c->stamp = 1;
    }
    uint64_t dangling = 0;
    for (uint64_t k = 0; k < nd->n_neighbors; k++) {
        int64_t x = c->nb_idx[k];
        if (x < 0) {
            dangling++;
            continue;
        }
        if (c->seen[x] == c->stamp)
            NODE_BROKEN(st, LHV1_R_GRAPH_DUPLICATE_NEIGHBOR, nd, layer,
                        "neighbour \"%s\" listed twice", show(c->nb_key[k], kb));
        c->seen[x] = c->stamp;
    }
    if (dangling < 2)
        return 0;
    /* Sorted in place at the front of the cache (no second copy of a long
     * list), which the cache then no longer is. */
    lhv1_bytes *keys = c->nb_key;
    uint64_t n = 0;
    for (uint64_t k = 0; k < nd->n_neighbors; k++)
        if (c->nb_idx[k] < 0)
            keys[n++] = c->nb_key[k];
    c->resolved_for = NULL;
    qsort(keys, n, sizeof *keys, cmp_bytes);
    for (uint64_t k = 1; k < n; k++)
        if (lhv1_bytes_eq(keys[k - 1], keys[k]))
            NODE_BROKEN(st, LHV1_R_GRAPH_DUPLICATE_NEIGHBOR, nd, layer,
                        "neighbour \"%s\" listed twice", show(keys[k], kb));
    return 0;
}

static int check_too_many_neighbors(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    const lhv1_node *nd = node_at(c, layer, j);
    if (nd->n_neighbors > (uint64_t)c->g->m)
        NODE_BROKEN(st, LHV1_R_GRAPH_TOO_MANY_NEIGHBORS, nd, layer, "%llu neighbours, M is %lld",
                    (unsigned long long)nd->n_neighbors, (long long)c->g->m);
    return 0;
}

static int check_dangling_neighbor(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    if (resolve_neighbors(c, layer, j) != 0)
        return -1;
    const lhv1_node *nd = node_at(c, layer, j);
    char kb[64];
    for (uint64_t k = 0; k < nd->n_neighbors; k++)
        if (c->nb_idx[k] < 0)
            NODE_BROKEN(st, LHV1_R_GRAPH_DANGLING_NEIGHBOR, nd, layer,
                        "neighbour \"%s\" is not a node of this layer", show(c->nb_key[k], kb));
    return 0;
}

static int check_layer_not_subset(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    const lhv1_node *nd = node_at(c, layer, j);
    if (layer > 0 && lhv1_keyset_find(&c->sets[layer - 1], nd->key) < 0)
        NODE_BROKEN(st, LHV1_R_GRAPH_LAYER_NOT_SUBSET, nd, layer, "missing from layer %llu",
                    (unsigned long long)(layer - 1));
    return 0;
}

/* Runs only where graph-layer-not-subset held: the node is found below. */
static int check_layer_vector_differs(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    const lhv1_node *nd = node_at(c, layer, j);
    if (layer == 0)
        return 0;
    int64_t below = lhv1_keyset_find(&c->sets[layer - 1], nd->key);
    const lhv1_node *lo = node_at(c, layer - 1, (uint64_t)below);
    if (lo->dim != nd->dim ||
        (nd->dim && memcmp(lo->vector, nd->vector, (size_t)nd->dim * 4) != 0))
        NODE_BROKEN(st, LHV1_R_GRAPH_LAYER_VECTOR_DIFFERS, nd, layer,
                    "vector differs from layer %llu", (unsigned long long)(layer - 1));
    return 0;
}

/* --- the table: FORMAT.md 3b, in its order ----------------------------- */

static const struct invariant {
    lhv1_reason reason;
    graph_fn on_graph; /* exactly one of the two */
    node_fn on_node;
} invariants[] = {
    {LHV1_R_GRAPH_BAD_PARAMS, check_params, NULL},
    {LHV1_R_GRAPH_EMPTY_LAYER, check_empty_layer, NULL},
    {LHV1_R_GRAPH_DUPLICATE_NODE, check_duplicate_node, NULL},
    {LHV1_R_GRAPH_VECTOR_LENGTH, NULL, check_vector_length},
    {LHV1_R_GRAPH_NON_FINITE, NULL, check_non_finite},
    {LHV1_R_GRAPH_SELF_NEIGHBOR, NULL, check_self_neighbor},
    {LHV1_R_GRAPH_DUPLICATE_NEIGHBOR, NULL, check_duplicate_neighbor},
    {LHV1_R_GRAPH_TOO_MANY_NEIGHBORS, NULL, check_too_many_neighbors},
    {LHV1_R_GRAPH_DANGLING_NEIGHBOR, NULL, check_dangling_neighbor},
    {LHV1_R_GRAPH_LAYER_NOT_SUBSET, NULL, check_layer_not_subset},
    {LHV1_R_GRAPH_LAYER_VECTOR_DIFFERS, NULL, check_layer_vector_differs},
    {LHV1_R_GRAPH_TRAILING_BYTES, check_trailing_bytes, NULL},
};
enum { N_INVARIANTS = sizeof invariants / sizeof invariants[0] };

/* One walk over every node for the per-node invariants [from, to). */
static int walk_nodes(check_ctx *c, size_t from, size_t to, lhv1_status *st)
{
    size_t limit = to; /* invariants at or past it need no more checking */
    uint64_t at_layer = 0, at_node = 0;
    for (uint64_t i = 0; i < c->g->n_layers && limit > from; i++)
        for (uint64_t j = 0; j < c->g->layers[i].n_nodes; j++)
            for (size_t k = from; k < limit; k++) {
                int r = invariants[k].on_node(c, i, j, NULL);
                if (r < 0)
                    return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
                if (r > 0) {
                    limit = k;
                    at_layer = i;
                    at_node = j;
                }
            }
    if (limit == to)
        return 0;
    /* Run the broken one again on its node, this time for the message. */
    c->resolved_for = NULL;
    if (invariants[limit].on_node(c, at_layer, at_node, st) < 0)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    return -1;
}

int lhv1_graph_check(const lhv1_graph *g, lhv1_status *st)
{
    return lhv1_graph_check_keep(g, st, NULL);
}

int lhv1_graph_check_keep(const lhv1_graph *g, lhv1_status *st, lhv1_keyset *layer0)
{
    if (layer0)
        memset(layer0, 0, sizeof *layer0);
    lhv1_status_ok(st);
    check_ctx c = {.g = g};
    int rc = 0;
    for (size_t k = 0; k < N_INVARIANTS && rc == 0;) {
        if (invariants[k].on_graph) {
            rc = invariants[k].on_graph(&c, st) != 0 ? -1 : 0;
            k++;
            continue;
        }
        size_t end = k;
        while (end < N_INVARIANTS && invariants[end].on_node)
            end++;
        rc = walk_nodes(&c, k, end, st);
        k = end;
    }
    if (c.sets && rc == 0 && layer0 && g->n_layers) {
        *layer0 = c.sets[0]; /* handed over: not freed below */
        memset(&c.sets[0], 0, sizeof c.sets[0]);
    }
    if (c.sets) {
        for (uint64_t i = 0; i < g->n_layers; i++)
            lhv1_keyset_free(&c.sets[i]);
        lhv1_free(c.sets);
    }
    lhv1_free(c.seen);
    lhv1_free(c.nb_key);
    lhv1_free(c.nb_idx);
    return rc;
}
