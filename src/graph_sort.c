#define _GNU_SOURCE /* qsort_r */
/* Bytewise key order of nodes and neighbour lists, for the deterministic
 * encoder, the dump and semantic equality. Stable: file order among equal
 * keys, so inconsistent graphs still sort reproducibly. */
#include <stdlib.h>

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
    uint64_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (uint64_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof *order, cmp_node_idx, layer->nodes);
    return order;
}

typedef struct {
    lhv1_bytes key;
    uint64_t pos;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = lhv1_bytes_cmp(x->key, y->key);
    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

lhv1_bytes *lhv1_sorted_neighbors(const lhv1_node *node)
{
    uint64_t n = node->n_neighbors;
    keyed *tmp = malloc((n ? n : 1) * sizeof *tmp);
    lhv1_bytes *out = malloc((n ? n : 1) * sizeof *out);
    if (!tmp || !out) {
        free(tmp);
        free(out);
        return NULL;
    }
    lhv1_neighbor_iter it;
    lhv1_neighbor_iter_init(&it, node);
    for (uint64_t i = 0; i < n && lhv1_neighbor_next(&it, &tmp[i].key); i++)
        tmp[i].pos = i;
    qsort(tmp, n, sizeof *tmp, cmp_keyed);
    for (uint64_t i = 0; i < n; i++)
        out[i] = tmp[i].key;
    free(tmp);
    return out;
}
