/* The campaign's workload: indexes of real content built with the graph
 * writer, saved and deleted in the order of go/lhv1campaign/workload.tsv,
 * the one table of the C and Go campaigns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_internal.h"
#include "campaign_workload_table.h"
#include "metadata.h"
#include "lhv1testing/prng.h"

typedef struct spec {
    const char *index;
    int gen;
    int dim, n_nodes, n_layers, m;
    const char *distance;
    uint64_t value_seed; /* vectors */
    int meta_gen;        /* metadata; 0 = none */
} spec;

/* The workload's table, go/lhv1campaign/workload.tsv (what its rows
 * mean, and why these contents), generated at configure time. */
static const spec specs[] = {CAMP_WORKLOAD_CONTENTS};
enum { N_SPECS = sizeof specs / sizeof specs[0] };
static const camp_op ops[] = {CAMP_WORKLOAD_OPS};
static const char *const names[] = {CAMP_WORKLOAD_NAMES};

static float component(uint64_t seed, int node, int d)
{
    uint64_t h = lhv1_prng_hash(seed * 1000003u + (uint64_t)node * 131u + (uint64_t)d);
    return (float)((double)(h >> 40) / (double)(1u << 24) * 2.0 - 1.0);
}

/* Layer l holds the nodes whose number is a multiple of 4^l. */
static int in_layer(int node, int layer)
{
    int step = 1;
    for (int i = 0; i < layer; i++)
        step *= 4;
    return node % step == 0;
}

static void write_graph(const spec *s, lhv1_buf *out)
{
    lhv1_gw_header(out, LHV1_GRAPH_VERSION, s->m, 1.0 / log((double)s->m), 20,
                   lhv1_bytes_str(s->distance), s->n_layers);
    float vec[64]; /* campaign_workload_gen.py refuses a larger dim, n_nodes */
    char key[16], nkey[16];
    for (int l = 0; l < s->n_layers; l++) {
        int members[256], n = 0;
        for (int i = 0; i < s->n_nodes; i++)
            if (in_layer(i, l))
                members[n++] = i;
        lhv1_gw_varint(out, n);
        /* Ring neighbours: the next k members, k <= M and < n, so no
         * duplicates and no self-loops. */
        int k = s->m < n - 1 ? s->m : n - 1;
        for (int p = 0; p < n; p++) {
            for (int d = 0; d < s->dim; d++)
                vec[d] = component(s->value_seed, members[p], d);
            snprintf(key, sizeof key, "v%03d", members[p]);
            lhv1_gw_node(out, lhv1_bytes_str(key), vec, (uint64_t)s->dim, k);
            for (int j = 1; j <= k; j++) {
                snprintf(nkey, sizeof nkey, "v%03d", members[(p + j) % n]);
                lhv1_gw_string(out, lhv1_bytes_str(nkey));
            }
        }
    }
}

static int build_one(const spec *s, lhv1_format format, camp_content *c, char *why,
                     size_t why_len)
{
    memset(c, 0, sizeof *c);
    c->index = s->index;
    c->gen = s->gen;
    lhv1_status st;
    write_graph(s, &c->graph_bytes);
    if (c->graph_bytes.failed ||
        lhv1_graph_decode(c->graph_bytes.data, c->graph_bytes.len, &c->idx.graph, &st) < 0) {
        snprintf(why, why_len, "%s/%d: graph does not decode: %s", s->index, s->gen,
                 st.message);
        return -1;
    }
    c->idx.decoded = 1; /* from here on lhv1_index_free releases it */
    if (lhv1_envelope_init(&c->idx.env, s->index, s->dim, s->distance, s->m, 20,
                           s->n_nodes) < 0)
        return -1;
    if (s->meta_gen) {
        cJSON *meta = cJSON_CreateObject();
        cJSON *first = cJSON_AddObjectToObject(meta, "v000");
        cJSON_AddNumberToObject(first, "gen", s->meta_gen);
        cJSON_AddStringToObject(first, "source", "campaign");
        c->idx.env.metadata = lhv1_metadata_from_cjson(meta);
    }
    if (lhv1_index_encode_as(&c->idx, format, &c->body) < 0 || c->body.failed) {
        snprintf(why, why_len, "%s/%d: encode failed", s->index, s->gen);
        return -1;
    }
    lhv1_index back;
    lhv1_verdict v = lhv1_index_load_any(c->body.data, c->body.len, s->index, &back, NULL, &st);
    int rc = 0;
    if (v != LHV1_OK) {
        snprintf(why, why_len, "%s/%d: workload content is %s: %s", s->index, s->gen,
                 lhv1_verdict_name(v), st.message);
        rc = -1;
    } else if (lhv1_index_dump(&back, &c->dump) < 0 || c->dump.failed) {
        snprintf(why, why_len, "%s/%d: dump failed", s->index, s->gen);
        rc = -1;
    }
    lhv1_index_free(&back);
    return rc;
}

int camp_workload_build(camp_workload *w, lhv1_format format, char *why, size_t why_len)
{
    memset(w, 0, sizeof *w);
    w->format = format;
    w->contents = calloc(N_SPECS, sizeof *w->contents);
    if (!w->contents) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    w->n_contents = N_SPECS;
    for (int i = 0; i < N_SPECS; i++)
        if (build_one(&specs[i], format, &w->contents[i], why, why_len) < 0)
            return -1;
    /* The classifier tells states apart by their dumps. */
    for (int i = 0; i < N_SPECS; i++)
        for (int j = i + 1; j < N_SPECS; j++)
            if (!strcmp(specs[i].index, specs[j].index) &&
                lhv1_bytes_eq((lhv1_bytes){w->contents[i].dump.data, w->contents[i].dump.len},
                              (lhv1_bytes){w->contents[j].dump.data, w->contents[j].dump.len})) {
                snprintf(why, why_len, "%s: generations %d and %d are equal", specs[i].index,
                         specs[i].gen, specs[j].gen);
                return -1;
            }
    w->ops = ops;
    w->n_ops = sizeof ops / sizeof ops[0];
    w->names = names;
    w->n_names = sizeof names / sizeof names[0];
    for (size_t i = 0; i < w->n_ops; i++) {
        if (ops[i].content < 0)
            w->n_dels++;
        else
            w->n_puts++;
    }
    return 0;
}

void camp_workload_free(camp_workload *w)
{
    for (size_t i = 0; i < w->n_contents; i++) {
        lhv1_index_free(&w->contents[i].idx);
        lhv1_buf_free(&w->contents[i].graph_bytes);
        lhv1_buf_free(&w->contents[i].body);
        lhv1_buf_free(&w->contents[i].dump);
    }
    free(w->contents);
    memset(w, 0, sizeof *w);
}
