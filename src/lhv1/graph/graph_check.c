/* The graph invariants of FORMAT.md section 3b: one function per
 * invariant, run from `invariants[]` in the table's order.
 *
 * Whole-graph invariants run on their own. Per-node invariants that stand
 * next to each other in the table run in one walk over the nodes (layers
 * in order, nodes in file order), which gives the same answer as one walk
 * per invariant: the walk remembers the first invariant that failed and
 * from then on checks only the ones before it, so what it reports is the
 * first invariant in table order that any node breaks, at the first node
 * that breaks it. Each node is decoded from the input once, and its
 * neighbour keys are resolved through the layer's key set once, for the
 * checks that need them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"

typedef struct check_ctx {
    const lhv1_graph *g;
    uint64_t dim;    /* the first vector's length */
    uint64_t widest; /* nodes in the largest layer */
    /* Layer 0's key set (kept for the cross-checks) and two tables reused
     * for the layers above: the walk needs a layer's set and the one of
     * the layer below, never more, so the sets cost what two layers and
     * layer 0 cost, not what every layer costs. */
    lhv1_keyset set0, scratch[2];
    const lhv1_keyset *cur, *below;
    lhv1_layer ly, ly_below;
    lhv1_node nd; /* the node being checked, decoded once */
    /* The current node's neighbours: the node each names in the layer (-1:
     * not a node of the layer), resolved once per node. 4 bytes a
     * neighbour; a neighbour takes at least 1 input byte. */
    int resolved;
    int32_t *nb_idx;
    uint64_t nb_cap;
    int64_t below_idx; /* the node's index in the layer below, or -1 */
    int below_looked;  /* below_idx is known */
    int same_as_below; /* 1: its vector is the below node's; 0: differs; -1: not compared */
    /* Per node of a layer: the stamp of the last list that named it, to
     * find a node listed twice without comparing keys. */
    uint32_t *seen;
    uint32_t stamp;
} check_ctx;

/* Whole-graph invariant: 0, or -1 with `st` filled. */
typedef int (*graph_fn)(check_ctx *c, lhv1_status *st);
/* Per-node invariant on c->nd, node j of layer `layer`: 0 holds, 1
 * broken, -1 out of memory. With `st` set it fills the message of a
 * broken invariant. */
typedef int (*node_fn)(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st);

static const char *show(lhv1_bytes k, char out[LHV1_SHOW_MAX]) { return lhv1_show(k, out); }

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
    for (uint64_t i = 0; i < c->g->n_layers; i++) {
        lhv1_layer ly;
        lhv1_graph_layer(c->g, i, &ly);
        if (ly.n_nodes == 0)
            return lhv1_fail(st, LHV1_R_GRAPH_EMPTY_LAYER, (int64_t)ly.offset,
                             "layer %llu has no nodes", (unsigned long long)i);
    }
    return 0;
}

/* Indexes every layer in turn (layer 0's set is kept; the others share
 * one table, the one the walk then uses for layer 1, 3, ...) and reports
 * the first layer holding a key twice. */
static int check_duplicate_node(check_ctx *c, lhv1_status *st)
{
    const lhv1_graph *g = c->g;
    for (uint64_t i = 0; i < g->n_layers; i++) {
        lhv1_layer ly;
        lhv1_graph_layer(g, i, &ly);
        lhv1_keyset *s = i == 0 ? &c->set0 : &c->scratch[1];
        if (lhv1_keyset_build(s, g, &ly) != 0)
            return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory indexing layer %llu",
                             (unsigned long long)i);
        int64_t dup = lhv1_keyset_first_duplicate(s);
        if (dup >= 0) {
            lhv1_node nd;
            lhv1_layer_node(g, &ly, (uint64_t)dup, &nd);
            NODE_BROKEN(st, LHV1_R_GRAPH_DUPLICATE_NODE, &nd, i, "%s",
                        "key appears twice in the layer");
        }
        if (ly.n_nodes > c->widest)
            c->widest = ly.n_nodes;
        if (i == 0 && ly.n_nodes) {
            lhv1_node first;
            lhv1_layer_node(g, &ly, 0, &first);
            c->dim = first.dim;
        }
    }
    c->seen = lhv1_calloc(c->widest ? c->widest : 1, sizeof *c->seen);
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
    (void)j;
    const lhv1_node *nd = &c->nd;
    if (nd->dim != c->dim)
        NODE_BROKEN(st, LHV1_R_GRAPH_VECTOR_LENGTH, nd, layer,
                    "vector length %llu, first vector has %llu", (unsigned long long)nd->dim,
                    (unsigned long long)c->dim);
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

static void look_below(check_ctx *c, uint64_t layer)
{
    if (layer == 0 || c->below_looked)
        return;
    c->below_idx = lhv1_keyset_find(c->below, c->nd.key);
    c->below_looked = 1;
}

/* Whether the current node's vector is the one of its node in the layer
 * below (that node must exist). */
static int same_as_below(check_ctx *c)
{
    if (c->same_as_below < 0) {
        lhv1_node lo;
        lhv1_layer_node(c->g, &c->ly_below, (uint64_t)c->below_idx, &lo);
        c->same_as_below = lo.dim == c->nd.dim &&
                           (c->nd.dim == 0 ||
                            memcmp(lo.vector, c->nd.vector, (size_t)c->nd.dim * 4) == 0);
    }
    return c->same_as_below;
}

static int check_non_finite(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    (void)j;
    const lhv1_node *nd = &c->nd;
    /* A vector equal to its node's in the layer below is finite: the walk
     * reached this check, so no node before broke it, that one included.
     * The comparison is the one graph-layer-vector-differs needs anyway:
     * the vector is read once, not twice. */
    look_below(c, layer);
    if (layer > 0 && c->below_idx >= 0 && same_as_below(c))
        return 0;
    if (!any_non_finite(nd->vector, nd->dim))
        return 0;
    for (uint64_t k = 0; k < nd->dim; k++)
        if (!isfinite(lhv1_vector_get(nd, k)))
            NODE_BROKEN(st, LHV1_R_GRAPH_NON_FINITE, nd, layer, "component %llu is %g",
                        (unsigned long long)k, (double)lhv1_vector_get(nd, k));
    return 0;
}

/* Neighbour key number k of the current node (k < n_neighbors). */
static lhv1_bytes nth_neighbor(const check_ctx *c, uint64_t k)
{
    lhv1_neighbor_iter it;
    lhv1_bytes key = {NULL, 0};
    lhv1_neighbor_iter_init(&it, &c->nd);
    for (uint64_t i = 0; i <= k && lhv1_neighbor_next(&it, &key); i++)
        ;
    return key;
}

/* The node each neighbour key of the current node names in its layer,
 * looked up in groups (lhv1_keyset_find_many) of a few keys. */
static int resolve_neighbors(check_ctx *c)
{
    const lhv1_node *nd = &c->nd;
    if (c->resolved)
        return 0;
    if (nd->n_neighbors > c->nb_cap) {
        uint64_t cap = c->nb_cap ? c->nb_cap : 32;
        while (cap < nd->n_neighbors)
            cap *= 2;
        int32_t *x = lhv1_realloc(c->nb_idx, cap * sizeof *x);
        if (!x)
            return -1;
        c->nb_idx = x;
        c->nb_cap = cap;
    }
    enum { GROUP = 32 };
    lhv1_bytes keys[GROUP];
    int64_t idx[GROUP];
    lhv1_neighbor_iter it;
    lhv1_neighbor_iter_init(&it, nd);
    for (uint64_t base = 0; base < nd->n_neighbors; base += GROUP) {
        uint64_t m = 0;
        while (m < GROUP && base + m < nd->n_neighbors && lhv1_neighbor_next(&it, &keys[m]))
            m++;
        lhv1_keyset_find_many(c->cur, keys, m, idx);
        for (uint64_t k = 0; k < m; k++)
            c->nb_idx[base + k] = (int32_t)idx[k];
    }
    c->resolved = 1;
    return 0;
}

/* Keys are unique in the layer by now (graph-duplicate-node comes first),
 * so naming oneself is naming one's own index. */
static int check_self_neighbor(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    if (resolve_neighbors(c) != 0)
        return -1;
    const lhv1_node *nd = &c->nd;
    for (uint64_t k = 0; k < nd->n_neighbors; k++)
        if (c->nb_idx[k] == (int64_t)j)
            NODE_BROKEN(st, LHV1_R_GRAPH_SELF_NEIGHBOR, nd, layer, "%s",
                        "lists itself as a neighbour");
    return 0;
}

static lhv1_bytes key_at(const uint8_t *list, uint32_t off)
{
    size_t pos = off;
    size_t len = (size_t)lhv1_valid_varint(list, &pos);
    return (lhv1_bytes){list + pos, len};
}

/* Dangling keys by their offsets in the neighbour list `list`. */
static int cmp_key_offsets(uint32_t a, uint32_t b, const void *list)
{
    return lhv1_bytes_cmp(key_at(list, a), key_at(list, b));
}

/* Neighbours that are nodes: a stamp per node. Those that are not (a
 * dangling list, rare): their offsets in the list, sorted by key, then
 * compared side by side. */
static int check_duplicate_neighbor(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    (void)j;
    if (resolve_neighbors(c) != 0)
        return -1;
    const lhv1_node *nd = &c->nd;
    char kb[64];
    if (++c->stamp == 0) { /* wrapped: forget every old stamp */
        memset(c->seen, 0, (c->widest ? c->widest : 1) * sizeof *c->seen);
        c->stamp = 1;
    }
    uint64_t dangling = 0;
    for (uint64_t k = 0; k < nd->n_neighbors; k++) {
        int32_t x = c->nb_idx[k];
        if (x < 0) {
            dangling++;
            continue;
        }
        if (c->seen[x] == c->stamp)
            NODE_BROKEN(st, LHV1_R_GRAPH_DUPLICATE_NEIGHBOR, nd, layer,
                        "neighbour \"%s\" listed twice", show(nth_neighbor(c, k), kb));
        c->seen[x] = c->stamp;
    }
    if (dangling < 2)
        return 0;
    if (nd->neighbors.len > UINT32_MAX)
        return -1; /* a list of 4 GiB: refused as an allocation failure */
    /* The offsets overwrite the resolved indexes in place (the k-th
     * dangling key is written at or before position k), which then no
     * longer hold. */
    uint32_t *offs = (uint32_t *)(void *)c->nb_idx;
    uint64_t n = 0;
    lhv1_neighbor_iter it;
    lhv1_neighbor_iter_init(&it, nd);
    lhv1_bytes key;
    for (uint64_t k = 0; k < nd->n_neighbors; k++) {
        const uint8_t *at = it.p;
        if (!lhv1_neighbor_next(&it, &key))
            break;
        if (c->nb_idx[k] < 0)
            offs[n++] = (uint32_t)(at - nd->neighbors.data);
    }
    c->resolved = 0;
    lhv1_sort_u32(offs, n, cmp_key_offsets, nd->neighbors.data);
    for (uint64_t k = 1; k < n; k++) {
        lhv1_bytes x = key_at(nd->neighbors.data, offs[k - 1]);
        lhv1_bytes y = key_at(nd->neighbors.data, offs[k]);
        if (lhv1_bytes_eq(x, y))
            NODE_BROKEN(st, LHV1_R_GRAPH_DUPLICATE_NEIGHBOR, nd, layer,
                        "neighbour \"%s\" listed twice", show(y, kb));
    }
    return 0;
}

static int check_too_many_neighbors(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    (void)j;
    const lhv1_node *nd = &c->nd;
    if (nd->n_neighbors > (uint64_t)c->g->m)
        NODE_BROKEN(st, LHV1_R_GRAPH_TOO_MANY_NEIGHBORS, nd, layer, "%llu neighbours, M is %lld",
                    (unsigned long long)nd->n_neighbors, (long long)c->g->m);
    return 0;
}

static int check_dangling_neighbor(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    (void)j;
    if (resolve_neighbors(c) != 0)
        return -1;
    const lhv1_node *nd = &c->nd;
    char kb[64];
    for (uint64_t k = 0; k < nd->n_neighbors; k++)
        if (c->nb_idx[k] < 0)
            NODE_BROKEN(st, LHV1_R_GRAPH_DANGLING_NEIGHBOR, nd, layer,
                        "neighbour \"%s\" is not a node of this layer",
                        show(nth_neighbor(c, k), kb));
    return 0;
}

static int check_layer_not_subset(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    (void)j;
    const lhv1_node *nd = &c->nd;
    if (layer == 0)
        return 0;
    look_below(c, layer);
    if (c->below_idx < 0)
        NODE_BROKEN(st, LHV1_R_GRAPH_LAYER_NOT_SUBSET, nd, layer, "missing from layer %llu",
                    (unsigned long long)(layer - 1));
    return 0;
}

/* Runs only where graph-layer-not-subset held: the node is found below
 * (c->below_idx). */
static int check_layer_vector_differs(check_ctx *c, uint64_t layer, uint64_t j, lhv1_status *st)
{
    (void)j;
    const lhv1_node *nd = &c->nd;
    if (layer == 0)
        return 0;
    if (!same_as_below(c))
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

/* Makes layer i the current one: its key set, and the set of the layer
 * below (already built by the previous layer's call unless `rebuild`). */
static int enter_layer(check_ctx *c, uint64_t i, int rebuild)
{
    lhv1_graph_layer(c->g, i, &c->ly);
    if (i == 0) {
        c->cur = &c->set0;
        c->below = NULL;
        return 0;
    }
    lhv1_keyset *cur = &c->scratch[i & 1], *below = i == 1 ? &c->set0 : &c->scratch[(i - 1) & 1];
    lhv1_graph_layer(c->g, i - 1, &c->ly_below);
    if (rebuild && i > 1 && lhv1_keyset_build(below, c->g, &c->ly_below) != 0)
        return -1;
    if (lhv1_keyset_build(cur, c->g, &c->ly) != 0)
        return -1;
    c->cur = cur;
    c->below = below;
    return 0;
}

static void enter_node(check_ctx *c, uint64_t j)
{
    lhv1_layer_node(c->g, &c->ly, j, &c->nd);
    c->resolved = 0;
    c->below_idx = -1;
    c->below_looked = 0;
    c->same_as_below = -1;
}

/* One walk over every node for the per-node invariants [from, to). */
static int walk_nodes(check_ctx *c, size_t from, size_t to, lhv1_status *st)
{
    size_t limit = to; /* invariants at or past it need no more checking */
    uint64_t at_layer = 0, at_node = 0;
    for (uint64_t i = 0; i < c->g->n_layers && limit > from; i++) {
        if (enter_layer(c, i, 0) != 0)
            return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory indexing layer %llu",
                             (unsigned long long)i);
        for (uint64_t j = 0; j < c->ly.n_nodes; j++) {
            lhv1_node_prefetch(c->g, c->ly.first + j + 4);
            enter_node(c, j);
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
        }
    }
    if (limit == to)
        return 0;
    /* Run the invariants up to the broken one again on its node, this time
     * with the message (the earlier ones held there, and the later checks
     * rely on what they found). */
    if (enter_layer(c, at_layer, 1) != 0)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    enter_node(c, at_node);
    for (size_t k = from; k < limit; k++)
        if (invariants[k].on_node(c, at_layer, at_node, NULL) < 0)
            return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
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
    if (rc == 0 && layer0 && g->n_layers) {
        *layer0 = c.set0; /* handed over: not freed below */
        memset(&c.set0, 0, sizeof c.set0);
    }
    lhv1_keyset_free(&c.set0);
    lhv1_keyset_free(&c.scratch[0]);
    lhv1_keyset_free(&c.scratch[1]);
    lhv1_free(c.seen);
    lhv1_free(c.nb_idx);
    return rc;
}
