/* Deterministic encoder: layers in order, nodes and neighbour lists
 * sorted bytewise by key, shortest varints, Ml's stored bytes kept. */
#include <stdlib.h>

#include "alloc.h"
#include "internal.h"

/* An upper bound of the encoding (input varints may be overlong, ours are
 * not): the output is reserved once instead of grown by doubling. */
static size_t encoded_bound(const lhv1_graph *g)
{
    /* The same fields and strings in the same number, each varint at its
     * shortest: never longer than the input section. */
    return 64 + (size_t)g->end;
}

/* lhv1_gw_string of a key from the input: when the byte before it is
 * already its length's shortest varint (a key under 64 bytes, as nearly
 * all are), the two are copied at once. */
static void put_string(lhv1_buf *out, lhv1_bytes s)
{
    if (s.len < 64 && s.data && s.data[-1] == (uint8_t)(s.len << 1))
        lhv1_buf_append(out, s.data - 1, s.len + 1);
    else
        lhv1_gw_string(out, s);
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
    /* One scratch array for every neighbour list, grown to the longest. */
    uint64_t nb_cap = 64;
    lhv1_bytes *nb = lhv1_malloc(nb_cap * sizeof *nb);
    if (!nb) {
        out->failed = 1;
        return -1;
    }
    for (uint64_t i = 0; i < g->n_layers; i++) {
        lhv1_layer lyv;
        lhv1_graph_layer(g, i, &lyv);
        const lhv1_layer *ly = &lyv;
        uint64_t *order = lhv1_sorted_node_order(g, ly);
        if (!order) {
            lhv1_free(nb);
            out->failed = 1;
            return -1;
        }
        lhv1_gw_varint(out, (int64_t)ly->n_nodes);
        for (uint64_t j = 0; j < ly->n_nodes; j++) {
            /* Nodes in key order are all over the section: fetch ahead. */
            if (j + 8 < ly->n_nodes)
                __builtin_prefetch(g->section + lhv1_off_get(g->node_off, g->wide,
                                                             ly->first + order[j + 8]));
            lhv1_node ndv;
            lhv1_layer_node(g, ly, order[j], &ndv);
            const lhv1_node *nd = &ndv;
            if (nd->n_neighbors > nb_cap) {
                while (nb_cap < nd->n_neighbors)
                    nb_cap *= 2;
                lhv1_bytes *grown = lhv1_realloc(nb, nb_cap * sizeof *nb);
                if (!grown) {
                    lhv1_free(order);
                    lhv1_free(nb);
                    out->failed = 1;
                    return -1;
                }
                nb = grown;
            }
            put_string(out, nd->key);
            lhv1_gw_varint(out, (int64_t)nd->dim);
            lhv1_buf_append(out, nd->vector, (size_t)nd->dim * 4);
            lhv1_gw_varint(out, (int64_t)nd->n_neighbors);
            lhv1_sort_neighbors(nd, nb);
            for (uint64_t k = 0; k < nd->n_neighbors; k++)
                put_string(out, nb[k]);
        }
        lhv1_free(order);
    }
    lhv1_free(nb);
    return out->failed ? -1 : 0;
}
