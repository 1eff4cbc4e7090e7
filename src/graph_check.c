/* The graph invariants of FORMAT.md section 3b, in its order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"

/* A short printable rendering of a key for messages. */
static const char *show(lhv1_bytes k, char out[64])
{
    size_t o = 0;
    for (size_t i = 0; i < k.len && o < 52; i++) {
        uint8_t c = k.data[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, 64 - o, "\\x%02x", c);
    }
    if (o >= 52 && k.len)
        o += (size_t)snprintf(out + o, 64 - o, "...");
    out[o] = '\0';
    return out;
}

#define NODE_FAIL(reason, nd, layer, fmt, ...)                                            \
    do {                                                                                  \
        char kb_[64];                                                                     \
        rc = lhv1_fail(st, reason, (int64_t)(nd)->offset, "layer %llu node \"%s\": " fmt, \
                       (unsigned long long)(layer), show((nd)->key, kb_), __VA_ARGS__);   \
        goto done;                                                                        \
    } while (0)

static int neighbors_have_duplicate(const lhv1_node *nd, lhv1_bytes *dup, int *oom)
{
    *oom = 0;
    if (nd->n_neighbors < 2)
        return 0;
    lhv1_bytes *sorted = lhv1_sorted_neighbors(nd);
    if (!sorted) {
        *oom = 1;
        return 0;
    }
    int found = 0;
    for (uint64_t k = 1; k < nd->n_neighbors && !found; k++)
        if (lhv1_bytes_eq(sorted[k - 1], sorted[k])) {
            *dup = sorted[k];
            found = 1;
        }
    lhv1_free(sorted);
    return found;
}

int lhv1_graph_check(const lhv1_graph *g, lhv1_status *st)
{
    lhv1_status_ok(st);
    int rc = 0;
    lhv1_keyset *sets = NULL;
    char kb[64];

    if (g->m <= 0 || g->ef_search <= 0 || !isfinite(g->ml) || !(g->ml > 0))
        return lhv1_fail(st, LHV1_R_GRAPH_BAD_PARAMS, 0,
                         "M=%lld EfSearch=%lld Ml=%g: need M>0, EfSearch>0, finite Ml>0",
                         (long long)g->m, (long long)g->ef_search, g->ml);
    for (uint64_t i = 0; i < g->n_layers; i++)
        if (g->layers[i].n_nodes == 0)
            return lhv1_fail(st, LHV1_R_GRAPH_EMPTY_LAYER, (int64_t)g->layers[i].offset,
                             "layer %llu has no nodes", (unsigned long long)i);

    sets = lhv1_calloc(g->n_layers ? g->n_layers : 1, sizeof *sets);
    if (!sets)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    for (uint64_t i = 0; i < g->n_layers; i++) {
        const lhv1_layer *ly = &g->layers[i];
        if (lhv1_keyset_init(&sets[i], ly->nodes, ly->n_nodes) != 0) {
            rc = lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory indexing layer %llu",
                           (unsigned long long)i);
            goto done;
        }
        int64_t dup = lhv1_keyset_first_duplicate(&sets[i]);
        if (dup >= 0)
            NODE_FAIL(LHV1_R_GRAPH_DUPLICATE_NODE, &ly->nodes[dup], i, "%s",
                      "key appears twice in the layer");
    }

    uint64_t dim = g->n_layers ? g->layers[0].nodes[0].dim : 0;
    for (uint64_t i = 0; i < g->n_layers; i++)
        for (uint64_t j = 0; j < g->layers[i].n_nodes; j++) {
            const lhv1_node *nd = &g->layers[i].nodes[j];
            if (nd->dim != dim)
                NODE_FAIL(LHV1_R_GRAPH_VECTOR_LENGTH, nd, i,
                          "vector length %llu, first vector has %llu",
                          (unsigned long long)nd->dim, (unsigned long long)dim);
        }
    for (uint64_t i = 0; i < g->n_layers; i++)
        for (uint64_t j = 0; j < g->layers[i].n_nodes; j++) {
            const lhv1_node *nd = &g->layers[i].nodes[j];
            for (uint64_t c = 0; c < nd->dim; c++)
                if (!isfinite(lhv1_vector_get(nd, c)))
                    NODE_FAIL(LHV1_R_GRAPH_NON_FINITE, nd, i, "component %llu is %g",
                              (unsigned long long)c, (double)lhv1_vector_get(nd, c));
        }

    /* Per-neighbour-list checks, each over the whole graph. */
    for (int pass = 0; pass < 4; pass++)
        for (uint64_t i = 0; i < g->n_layers; i++)
            for (uint64_t j = 0; j < g->layers[i].n_nodes; j++) {
                const lhv1_node *nd = &g->layers[i].nodes[j];
                lhv1_neighbor_iter it;
                lhv1_bytes nk;
                int oom;
                switch (pass) {
                case 0:
                    lhv1_neighbor_iter_init(&it, nd);
                    while (lhv1_neighbor_next(&it, &nk))
                        if (lhv1_bytes_eq(nk, nd->key))
                            NODE_FAIL(LHV1_R_GRAPH_SELF_NEIGHBOR, nd, i, "%s",
                                      "lists itself as a neighbour");
                    break;
                case 1:
                    if (neighbors_have_duplicate(nd, &nk, &oom))
                        NODE_FAIL(LHV1_R_GRAPH_DUPLICATE_NEIGHBOR, nd, i,
                                  "neighbour \"%s\" listed twice", show(nk, kb));
                    if (oom) {
                        rc = lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
                        goto done;
                    }
                    break;
                case 2:
                    if (nd->n_neighbors > (uint64_t)g->m)
                        NODE_FAIL(LHV1_R_GRAPH_TOO_MANY_NEIGHBORS, nd, i,
                                  "%llu neighbours, M is %lld",
                                  (unsigned long long)nd->n_neighbors, (long long)g->m);
                    break;
                case 3:
                    lhv1_neighbor_iter_init(&it, nd);
                    while (lhv1_neighbor_next(&it, &nk))
                        if (lhv1_keyset_find(&sets[i], nk) < 0)
                            NODE_FAIL(LHV1_R_GRAPH_DANGLING_NEIGHBOR, nd, i,
                                      "neighbour \"%s\" is not a node of this layer",
                                      show(nk, kb));
                    break;
                }
            }

    for (int pass = 0; pass < 2; pass++)
        for (uint64_t i = 1; i < g->n_layers; i++)
            for (uint64_t j = 0; j < g->layers[i].n_nodes; j++) {
                const lhv1_node *nd = &g->layers[i].nodes[j];
                int64_t below = lhv1_keyset_find(&sets[i - 1], nd->key);
                if (pass == 0 && below < 0)
                    NODE_FAIL(LHV1_R_GRAPH_LAYER_NOT_SUBSET, nd, i,
                              "missing from layer %llu", (unsigned long long)(i - 1));
                if (pass == 1) {
                    const lhv1_node *lo = &g->layers[i - 1].nodes[below];
                    if (lo->dim != nd->dim ||
                        (nd->dim && memcmp(lo->vector, nd->vector, (size_t)nd->dim * 4) != 0))
                        NODE_FAIL(LHV1_R_GRAPH_LAYER_VECTOR_DIFFERS, nd, i,
                                  "vector differs from layer %llu", (unsigned long long)(i - 1));
                }
            }

    if (g->trailing)
        rc = lhv1_fail(st, LHV1_R_GRAPH_TRAILING_BYTES, (int64_t)g->end,
                       "%llu bytes after the last layer", (unsigned long long)g->trailing);
done:
    if (sets) {
        for (uint64_t i = 0; i < g->n_layers; i++)
            lhv1_keyset_free(&sets[i]);
        lhv1_free(sets);
    }
    return rc;
}
