/* The verdict path: unframe, envelope, graph, invariants, cross-checks. */
#include <string.h>

#include "internal.h"
#include "lhv1/index.h"
#include "lhv1/lhv2.h"
#include "metadata.h"

typedef struct orphan_search {
    const lhv1_keyset *layer0;
    char shown[LHV1_SHOW_MAX];
} orphan_search;

/* 1 (and the key shown) when the metadata key names no node of layer 0. */
static int find_orphan(lhv1_bytes key, void *arg)
{
    orphan_search *o = arg;
    if (o->layer0->ready && lhv1_keyset_find(o->layer0, key) >= 0)
        return 0;
    lhv1_show(key, o->shown);
    return 1;
}

/* `layer0`: layer 0's key set from the invariant checks (zeroed when the
 * graph has no layer). */
static int cross_check(const lhv1_index *idx, const char *name, int64_t env_base,
                       int64_t graph_base, const lhv1_keyset *layer0, lhv1_status *st)
{
    const lhv1_envelope *e = &idx->env;
    const lhv1_graph *g = &idx->graph;
    char gb[LHV1_SHOW_MAX];
    if (!lhv1_bytes_eq(lhv1_bytes_str(e->distance), g->distance))
        return lhv1_fail(st, LHV1_R_CROSS_DISTANCE, graph_base,
                         "envelope distance \"%s\", graph distance \"%s\"", e->distance,
                         lhv1_show(g->distance, gb));
    if (e->m != g->m)
        return lhv1_fail(st, LHV1_R_CROSS_M, graph_base, "envelope m=%lld, graph M=%lld",
                         (long long)e->m, (long long)g->m);
    if (e->ef_search != g->ef_search)
        return lhv1_fail(st, LHV1_R_CROSS_EF_SEARCH, graph_base,
                         "envelope ef_search=%lld, graph EfSearch=%lld", (long long)e->ef_search,
                         (long long)g->ef_search);
    uint64_t count = lhv1_graph_count(g);
    if ((uint64_t)e->count != count)
        return lhv1_fail(st, LHV1_R_CROSS_COUNT, graph_base,
                         "envelope count=%lld, layer 0 holds %llu nodes", (long long)e->count,
                         (unsigned long long)count);
    /* The invariants made every vector as long as the first one. */
    lhv1_layer ly0;
    lhv1_node first;
    if (count) {
        lhv1_graph_layer(g, 0, &ly0);
        lhv1_layer_node(g, &ly0, 0, &first);
    }
    if (count && first.dim != (uint64_t)e->dimension)
        return lhv1_fail(st, LHV1_R_CROSS_DIMENSION, graph_base + (int64_t)first.offset,
                         "envelope dimension=%lld, vectors have %llu", (long long)e->dimension,
                         (unsigned long long)first.dim);
    orphan_search o = {layer0, ""};
    int found = lhv1_metadata_each_key(e->metadata, find_orphan, &o);
    if (found < 0)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    if (found > 0)
        return lhv1_fail(st, LHV1_R_CROSS_METADATA_ORPHAN, env_base,
                         "metadata key \"%s\" is not a node of layer 0", o.shown);
    char nb[LHV1_SHOW_MAX], lb[LHV1_SHOW_MAX];
    if (name && strcmp(name, e->name) != 0)
        return lhv1_fail(st, LHV1_R_CROSS_NAME, env_base, "params.name \"%s\", loaded as \"%s\"",
                         lhv1_show(lhv1_bytes_str(e->name), nb), lhv1_show(lhv1_bytes_str(name), lb));
    return 0;
}

/* Everything after the container: envelope, graph, invariants, cross-checks. */
static lhv1_verdict load_sections(const uint8_t *body, lhv1_bytes env, lhv1_bytes graph,
                                  const char *name, lhv1_index *idx, lhv1_status *st)
{
    int64_t env_base = (int64_t)(env.data - body);
    if (lhv1_envelope_decode(env.data, env.len, &idx->env, st) != 0) {
        lhv1_status_rebase(st, env_base);
        goto failed;
    }
    int64_t graph_base = (int64_t)(graph.data - body);
    if (lhv1_graph_decode(graph.data, graph.len, &idx->graph, st) != 0) {
        lhv1_status_rebase(st, graph_base);
        lhv1_envelope_free(&idx->env);
        goto failed;
    }
    idx->decoded = 1;
    lhv1_keyset layer0;
    if (lhv1_graph_check_keep(&idx->graph, st, &layer0) != 0) {
        lhv1_status_rebase(st, graph_base);
        goto failed;
    }
    int crossed = cross_check(idx, name, env_base, graph_base, &layer0, st);
    lhv1_keyset_free(&layer0);
    if (crossed != 0)
        goto failed;
    return st->verdict;
failed:
    /* The contract of index.h on every path: only ok and inconsistent keep
     * decoded content (out-of-memory can strike after the decode). */
    if (st->verdict != LHV1_INCONSISTENT)
        lhv1_index_free(idx);
    return st->verdict;
}

lhv1_verdict lhv1_index_load(const uint8_t *body, size_t len, const char *name,
                             lhv1_index *idx, lhv1_status *st)
{
    memset(idx, 0, sizeof *idx);
    lhv1_bytes env, graph;
    if (lhv1_unframe(body, len, &env, &graph, st) != 0)
        return st->verdict;
    return load_sections(body, env, graph, name, idx, st);
}

lhv1_verdict lhv1_index_load_any(const uint8_t *body, size_t len, const char *name,
                                 lhv1_index *idx, lhv1_format *format, lhv1_status *st)
{
    memset(idx, 0, sizeof *idx);
    lhv1_bytes env, graph;
    if (lhv1_unframe_any(body, len, &env, &graph, format, st) != 0)
        return st->verdict;
    return load_sections(body, env, graph, name, idx, st);
}

void lhv1_index_free(lhv1_index *idx)
{
    if (idx->decoded) {
        lhv1_envelope_free(&idx->env);
        lhv1_graph_free(&idx->graph);
    }
    idx->decoded = 0;
}
