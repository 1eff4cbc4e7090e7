/* Semantic equality of two graphs: what Go would hold after Import,
 * independent of map order in the bytes. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"

static int nodes_equal(const lhv1_node *a, const lhv1_node *b)
{
    if (!lhv1_bytes_eq(a->key, b->key) || a->dim != b->dim ||
        a->n_neighbors != b->n_neighbors)
        return 0;
    if (a->dim && memcmp(a->vector, b->vector, (size_t)a->dim * 4) != 0)
        return 0;
    lhv1_bytes *na = lhv1_sorted_neighbors(a), *nb = lhv1_sorted_neighbors(b);
    int eq = na && nb;
    for (uint64_t k = 0; eq && k < a->n_neighbors; k++)
        eq = lhv1_bytes_eq(na[k], nb[k]);
    lhv1_free(na);
    lhv1_free(nb);
    return eq;
}

static int layers_equal(const lhv1_graph *ga, const lhv1_layer *a, const lhv1_graph *gb,
                        const lhv1_layer *b)
{
    if (a->n_nodes != b->n_nodes)
        return 0;
    uint64_t *oa = lhv1_sorted_node_order(ga, a), *ob = lhv1_sorted_node_order(gb, b);
    int eq = oa && ob;
    for (uint64_t j = 0; eq && j < a->n_nodes; j++) {
        lhv1_node na, nb;
        lhv1_layer_node(ga, a, oa[j], &na);
        lhv1_layer_node(gb, b, ob[j], &nb);
        eq = nodes_equal(&na, &nb);
    }
    lhv1_free(oa);
    lhv1_free(ob);
    return eq;
}

int lhv1_graph_equal(const lhv1_graph *a, const lhv1_graph *b)
{
    if (a->version != b->version || a->m != b->m || a->ef_search != b->ef_search ||
        memcmp(a->ml_raw, b->ml_raw, 8) != 0 || !lhv1_bytes_eq(a->distance, b->distance) ||
        a->n_layers != b->n_layers)
        return 0;
    for (uint64_t i = 0; i < a->n_layers; i++) {
        lhv1_layer la, lb;
        lhv1_graph_layer(a, i, &la);
        lhv1_graph_layer(b, i, &lb);
        if (!layers_equal(a, &la, b, &lb))
            return 0;
    }
    return 1;
}
