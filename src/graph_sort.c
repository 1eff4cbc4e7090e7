#define _GNU_SOURCE /* qsort_r */
/* Bytewise key order of nodes and neighbour lists, for the deterministic
 * encoder, the dump and semantic equality. Stable: file order among equal
 * keys, so inconsistent graphs still sort reproducibly. */
#include <stdlib.h>

#include "alloc.h"
#include "internal.h"

static int cmp_node_idx(const void *a, const void *b, void *ctx)
{
    const lhv1_node *nodes = ctx;
    uint64_t i = *(const uint64_t *)a, j = *(const uint64_t *)b;
    int c = lhv1_bytes_cmp(nodes[i].key, nodes[j].key);
    if (c != 0)
        return c;
    return i < j ? -1 : i > j;
}

uint64_t *lhv1_sorted_node_order(const lhv1_layer *layer)
{
    uint64_t n = layer->n_nodes;
    uint64_t *order = lhv1_malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (uint64_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof *order, cmp_node_idx, layer->nodes);
    return order;
}

static int cmp_bytes(const void *a, const void *b)
{
    return lhv1_bytes_cmp(*(const lhv1_bytes *)a, *(const lhv1_bytes *)b);
}

/* Equal neighbour keys are identical bytes, so no stability is needed. */
lhv1_bytes *lhv1_sorted_neighbors(const lhv1_node *node)
{
    uint64_t n = node->n_neighbors;
    lhv1_bytes *out = lhv1_malloc((n ? n : 1) * sizeof *out);
    if (!out)
        return NULL;
    lhv1_neighbor_iter it;
    lhv1_neighbor_iter_init(&it, node);
    for (uint64_t i = 0; i < n && lhv1_neighbor_next(&it, &out[i]); i++)
        ;
    qsort(out, n, sizeof *out, cmp_bytes);
    return out;
}
