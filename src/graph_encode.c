/* Deterministic encoder: layers in order, nodes and neighbour lists
 * sorted bytewise by key, shortest varints, Ml's stored bytes kept. */
#include <stdlib.h>

#include "alloc.h"
#include "internal.h"

/* An upper bound of the encoding (input varints may be overlong, ours are
 * not): the output is reserved once instead of grown by doubling. */
static size_t encoded_bound(const lhv1_graph *g)
{
    size_t n = 64 + g->distance.len + 10 * (size_t)g->n_layers;
    for (uint64_t i = 0; i < g->n_layers; i++)
        for (uint64_t j = 0; j < g->layers[i].n_nodes; j++) {
            const lhv1_node *nd = &g->layers[i].nodes[j];
            n += 30 + nd->key.len + (size_t)nd->dim * 4 + nd->neighbors.len;
        }
    return n;
}

int lhv1_graph_encode(const lhv1_graph *g, lhv1_buf *out)
{
    if (lhv1_buf_reserve(out, encoded_bound(g)) != 0)
        return -1;
    lhv1_gw_varint(out, g->version);
    lhv1_gw_varint(out, g->m);
    lhv1_buf_append(out, g->ml_raw, 8);
    lhv1_gw_varint(out, g->ef_search);
    lhv1_gw_string(out, g->distance);
    lhv1_gw_varint(out, (int64_t)g->n_layers);
    uint64_t most = 0; /* longest neighbour list: one scratch array for all */
    for (uint64_t i = 0; i < g->n_layers; i++)
        for (uint64_t j = 0; j < g->layers[i].n_nodes; j++)
            if (g->layers[i].nodes[j].n_neighbors > most)
                most = g->layers[i].nodes[j].n_neighbors;
    lhv1_bytes *nb = lhv1_malloc((most ? most : 1) * sizeof *nb);
    if (!nb) {
        out->failed = 1;
        return -1;
    }
    for (uint64_t i = 0; i < g->n_layers; i++) {
        const lhv1_layer *ly = &g->layers[i];
        uint64_t *order = lhv1_sorted_node_order(ly);
        if (!order) {
            lhv1_free(nb);
            out->failed = 1;
            return -1;
        }
        lhv1_gw_varint(out, (int64_t)ly->n_nodes);
        for (uint64_t j = 0; j < ly->n_nodes; j++) {
            const lhv1_node *nd = &ly->nodes[order[j]];
            lhv1_gw_string(out, nd->key);
            lhv1_gw_varint(out, (int64_t)nd->dim);
            lhv1_buf_append(out, nd->vector, (size_t)nd->dim * 4);
            lhv1_gw_varint(out, (int64_t)nd->n_neighbors);
            lhv1_sort_neighbors(nd, nb);
            for (uint64_t k = 0; k < nd->n_neighbors; k++)
                lhv1_gw_string(out, nb[k]);
        }
        lhv1_free(order);
    }
    lhv1_free(nb);
    return out->failed ? -1 : 0;
}
