/* The canonical dump (FORMAT.md section 6). */
#include <stdlib.h>

#include "alloc.h"
#include "internal.h"
#include "json_canon.h"
#include "lhv1/index.h"

static void dump_envelope(lhv1_buf *out, const lhv1_envelope *e)
{
    lhv1_buf_printf(out, "{\"version\":%lld,\"params\":{\"name\":", (long long)e->version);
    lhv1_json_str_append(out, lhv1_bytes_str(e->name));
    lhv1_buf_printf(out, ",\"dimension\":%lld,\"distance\":", (long long)e->dimension);
    lhv1_json_str_append(out, lhv1_bytes_str(e->distance));
    lhv1_buf_printf(out, ",\"m\":%lld,\"ef_search\":%lld},\"count\":%lld,\"metadata\":",
                    (long long)e->m, (long long)e->ef_search, (long long)e->count);
    lhv1_metadata_json(e->metadata, out);
    lhv1_buf_putc(out, '}');
}

static int dump_layer(lhv1_buf *out, const lhv1_graph *g, const lhv1_layer *ly)
{
    uint64_t *order = lhv1_sorted_node_order(g, ly);
    if (!order) {
        out->failed = 1;
        return -1;
    }
    lhv1_buf_puts(out, "{\"nodes\":[");
    for (uint64_t j = 0; j < ly->n_nodes; j++) {
        lhv1_node ndv;
        lhv1_layer_node(g, ly, order[j], &ndv);
        const lhv1_node *nd = &ndv;
        lhv1_buf_puts(out, j ? ",\n{\"key\":" : "\n{\"key\":");
        lhv1_json_key_append(out, nd->key);
        lhv1_buf_puts(out, ",\"vector\":\"");
        lhv1_hex_append(out, nd->vector, (size_t)nd->dim * 4);
        lhv1_buf_puts(out, "\",\"neighbors\":[");
        lhv1_bytes *nb = lhv1_sorted_neighbors(nd);
        if (!nb) {
            lhv1_free(order);
            out->failed = 1;
            return -1;
        }
        for (uint64_t k = 0; k < nd->n_neighbors; k++) {
            if (k)
                lhv1_buf_putc(out, ',');
            lhv1_json_key_append(out, nb[k]);
        }
        lhv1_free(nb);
        lhv1_buf_puts(out, "]}");
    }
    lhv1_buf_puts(out, "]}");
    lhv1_free(order);
    return 0;
}

int lhv1_index_dump(const lhv1_index *idx, lhv1_buf *out)
{
    if (!idx->decoded)
        return -1;
    const lhv1_graph *g = &idx->graph;
    lhv1_buf_puts(out, "{\"dump\":\"lhv1\",\"dump_version\":1,\n\"envelope\":");
    dump_envelope(out, &idx->env);
    lhv1_buf_printf(out, ",\n\"graph\":{\"version\":%lld,\"m\":%lld,\"ml\":\"",
                    (long long)g->version, (long long)g->m);
    lhv1_hex_append(out, g->ml_raw, 8);
    lhv1_buf_printf(out, "\",\"ef_search\":%lld,\"distance\":", (long long)g->ef_search);
    lhv1_json_key_append(out, g->distance);
    lhv1_buf_puts(out, ",\"layers\":[");
    for (uint64_t i = 0; i < g->n_layers; i++) {
        lhv1_buf_puts(out, i ? ",\n" : "\n");
        lhv1_layer ly;
        lhv1_graph_layer(g, i, &ly);
        if (dump_layer(out, g, &ly) != 0)
            return -1;
    }
    lhv1_buf_puts(out, "]}}\n");
    return out->failed ? -1 : 0;
}
