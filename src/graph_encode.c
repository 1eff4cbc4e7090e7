/* Deterministic encoder: layers in order, nodes and neighbour lists
 * sorted bytewise by key, shortest varints, Ml's stored bytes kept. */
#include <stdlib.h>

#include "alloc.h"
#include "internal.h"

int lhv1_graph_encode(const lhv1_graph *g, lhv1_buf *out)
{
    lhv1_gw_varint(out, g->version);
    lhv1_gw_varint(out, g->m);
    lhv1_buf_append(out, g->ml_raw, 8);
    lhv1_gw_varint(out, g->ef_search);
    lhv1_gw_string(out, g->distance);
    lhv1_gw_varint(out, (int64_t)g->n_layers);
    for (uint64_t i = 0; i < g->n_layers; i++) {
        const lhv1_layer *ly = &g->layers[i];
        uint64_t *order = lhv1_sorted_node_order(ly);
        if (!order) {
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
            lhv1_bytes *nb = lhv1_sorted_neighbors(nd);
            if (!nb) {
                lhv1_free(order);
                out->failed = 1;
                return -1;
            }
            for (uint64_t k = 0; k < nd->n_neighbors; k++)
                lhv1_gw_string(out, nb[k]);
            lhv1_free(nb);
        }
        lhv1_free(order);
    }
    return out->failed ? -1 : 0;
}
