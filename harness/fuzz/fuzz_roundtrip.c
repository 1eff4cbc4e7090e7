/* roundtrip: builds an index from fuzzer-chosen parameters and content with
 * the graph writer and the envelope encoder, optionally plants exactly one
 * defect, frames it and loads it. The verdict must be the defect's reason
 * (or ok); an ok index must survive encode/decode, and writing the same
 * content in another node order must give an equal graph and the same
 * dump. Every input is a build plan, so this target reaches deep states
 * byte mutation of files rarely reaches. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_helpers.h"

#define MAX_NODES 12
#define MAX_LAYERS 4
#define MAX_DIM 8
#define MAX_KEY 6
#define MAX_NB (MAX_NODES + 2)

/* A key no built node has: longer than MAX_KEY. */
static const uint8_t ABSENT_KEY[] = "absent-key";

typedef enum defect {
    D_NONE, D_BAD_PARAMS, D_EMPTY_LAYER, D_DUPLICATE_NODE, D_VECTOR_LENGTH, D_NON_FINITE,
    D_SELF_NEIGHBOR, D_DUPLICATE_NEIGHBOR, D_TOO_MANY_NEIGHBORS, D_DANGLING_NEIGHBOR,
    D_LAYER_NOT_SUBSET, D_LAYER_VECTOR_DIFFERS, D_TRAILING_BYTES, D_CROSS_DISTANCE,
    D_CROSS_M, D_CROSS_EF_SEARCH, D_CROSS_COUNT, D_CROSS_DIMENSION, D_CROSS_METADATA_ORPHAN,
    D_CROSS_NAME, D_COUNT
} defect;

static const lhv1_reason defect_reason[D_COUNT] = {
    LHV1_R_NONE, LHV1_R_GRAPH_BAD_PARAMS, LHV1_R_GRAPH_EMPTY_LAYER, LHV1_R_GRAPH_DUPLICATE_NODE,
    LHV1_R_GRAPH_VECTOR_LENGTH, LHV1_R_GRAPH_NON_FINITE, LHV1_R_GRAPH_SELF_NEIGHBOR,
    LHV1_R_GRAPH_DUPLICATE_NEIGHBOR, LHV1_R_GRAPH_TOO_MANY_NEIGHBORS,
    LHV1_R_GRAPH_DANGLING_NEIGHBOR, LHV1_R_GRAPH_LAYER_NOT_SUBSET,
    LHV1_R_GRAPH_LAYER_VECTOR_DIFFERS, LHV1_R_GRAPH_TRAILING_BYTES, LHV1_R_CROSS_DISTANCE,
    LHV1_R_CROSS_M, LHV1_R_CROSS_EF_SEARCH, LHV1_R_CROSS_COUNT, LHV1_R_CROSS_DIMENSION,
    LHV1_R_CROSS_METADATA_ORPHAN, LHV1_R_CROSS_NAME,
};

/* One node as written into one layer. */
typedef struct entry {
    lhv1_bytes key;
    float vec[MAX_DIM + 1];
    uint64_t dim;
    lhv1_bytes nbs[MAX_NB];
    int n_nb;
} entry;

typedef struct plan {
    int64_t m, ef_search;
    double ml;
    const char *distance;
    uint64_t dim;
    int n_layers;
    entry layers[MAX_LAYERS + 1][MAX_NODES + 1];
    int n_nodes[MAX_LAYERS + 1];
    uint8_t keys[MAX_NODES][MAX_KEY];
    lhv1_bytes key[MAX_NODES];
    int trailing;
} plan;

static float pick_component(fuzz_reader *r)
{
    uint32_t bits = fuzz_u32(r);
    float f;
    memcpy(&f, &bits, sizeof f);
    return isfinite(f) ? f : (float)((int)(bits % 2001) - 1000) / 8.0f;
}

static void pick_keys(plan *p, fuzz_reader *r, int n)
{
    for (int i = 0; i < n; i++) {
        size_t len = fuzz_range(r, 0, MAX_KEY - 1);
        for (size_t k = 0; k < len; k++)
            p->keys[i][k] = (uint8_t)fuzz_range(r, 0, 255);
        p->key[i] = (lhv1_bytes){p->keys[i], len};
        /* Unique by construction: a clash becomes a MAX_KEY-byte key, a
         * length no chosen key has, made unique by the node's index. */
        for (int j = 0; j < i; j++)
            if (lhv1_bytes_eq(p->key[i], p->key[j])) {
                memset(p->keys[i], 0xfe, MAX_KEY - 1);
                p->keys[i][MAX_KEY - 1] = (uint8_t)i;
                p->key[i].len = MAX_KEY;
                break;
            }
    }
}

/* Layer l's members (node ids), each a subset of the layer below. */
static void build_layers(plan *p, fuzz_reader *r, int n0, int want_layers, float vecs[][MAX_DIM])
{
    int members[MAX_LAYERS][MAX_NODES], count[MAX_LAYERS];
    count[0] = n0;
    for (int i = 0; i < n0; i++)
        members[0][i] = i;
    p->n_layers = n0 ? 1 : 0;
    for (int l = 1; l < want_layers && n0; l++) {
        count[l] = 0;
        for (int i = 0; i < count[l - 1]; i++)
            if (fuzz_bool(r))
                members[l][count[l]++] = members[l - 1][i];
        if (count[l] == 0)
            break;
        p->n_layers = l + 1;
    }
    for (int l = 0; l < p->n_layers; l++) {
        p->n_nodes[l] = count[l];
        for (int i = 0; i < count[l]; i++) {
            entry *e = &p->layers[l][i];
            int id = members[l][i];
            e->key = p->key[id];
            e->dim = p->dim;
            memcpy(e->vec, vecs[id], sizeof vecs[id]);
            /* Distinct neighbours among the other members, at most M. */
            e->n_nb = 0;
            int cap = (int)fuzz_range(r, 0, (uint32_t)(p->m < MAX_NODES ? p->m : MAX_NODES));
            for (int j = 0; j < count[l] && e->n_nb < cap; j++)
                if (j != i && fuzz_bool(r))
                    e->nbs[e->n_nb++] = p->key[members[l][j]];
        }
    }
}

static entry *find_entry(plan *p, int l, int (*ok)(const entry *, const plan *))
{
    for (int i = 0; i < p->n_nodes[l]; i++)
        if (ok(&p->layers[l][i], p))
            return &p->layers[l][i];
    return NULL;
}

static int has_nb(const entry *e, const plan *p) { (void)p; return e->n_nb > 0; }
static int below_m(const entry *e, const plan *p) { return e->n_nb < p->m && e->n_nb < MAX_NB - 1; }

/* Plants defect d; returns 0 when it does not apply to this content. */
static int plant(plan *p, defect d, const char *name, int *n_layers_written)
{
    entry *e;
    switch (d) {
    case D_BAD_PARAMS: p->m = 0; return 1;
    case D_EMPTY_LAYER: (*n_layers_written)++; p->n_nodes[p->n_layers] = 0; return 1;
    case D_DUPLICATE_NODE:
        if (!p->n_nodes[0]) return 0;
        p->layers[0][p->n_nodes[0]] = p->layers[0][0];
        p->n_nodes[0]++;
        return 1;
    case D_VECTOR_LENGTH:
        if (p->n_nodes[0] < 2) return 0;
        e = &p->layers[0][p->n_nodes[0] - 1];
        e->vec[e->dim] = 0.5f;
        e->dim++;
        return 1;
    case D_NON_FINITE:
        if (!p->n_nodes[0]) return 0;
        p->layers[0][0].vec[0] = NAN;
        return 1;
    case D_SELF_NEIGHBOR:
        if (!p->n_nodes[0]) return 0;
        e = &p->layers[0][0];
        e->nbs[e->n_nb++] = e->key;
        return 1;
    case D_DUPLICATE_NEIGHBOR:
        if (!p->n_nodes[0] || !(e = find_entry(p, 0, has_nb))) return 0;
        e->nbs[e->n_nb] = e->nbs[0];
        e->n_nb++;
        return 1;
    case D_TOO_MANY_NEIGHBORS:
        /* M+1 distinct other nodes: needs M+2 nodes in layer 0. */
        if (p->n_nodes[0] < p->m + 2) return 0;
        e = &p->layers[0][0];
        e->n_nb = 0;
        for (int i = 1; i <= p->m + 1; i++)
            e->nbs[e->n_nb++] = p->layers[0][i].key;
        return 1;
    case D_DANGLING_NEIGHBOR:
        if (!p->n_nodes[0] || !(e = find_entry(p, 0, below_m))) return 0;
        e->nbs[e->n_nb++] = (lhv1_bytes){ABSENT_KEY, sizeof ABSENT_KEY - 1};
        return 1;
    case D_LAYER_NOT_SUBSET:
        if (p->n_layers < 2) return 0;
        e = &p->layers[1][p->n_nodes[1]++];
        *e = p->layers[1][0];
        e->key = (lhv1_bytes){ABSENT_KEY, sizeof ABSENT_KEY - 1};
        e->n_nb = 0;
        return 1;
    case D_LAYER_VECTOR_DIFFERS:
        if (p->n_layers < 2) return 0;
        e = &p->layers[1][0];
        e->vec[0] = e->vec[0] == 1.0f ? 2.0f : 1.0f;
        return 1;
    case D_TRAILING_BYTES: p->trailing = 1; return 1;
    case D_CROSS_DIMENSION: return p->n_nodes[0] > 0;
    case D_CROSS_METADATA_ORPHAN:
    case D_CROSS_DISTANCE: case D_CROSS_M: case D_CROSS_EF_SEARCH: case D_CROSS_COUNT:
    case D_CROSS_NAME: (void)name; return 1;
    default: return 1;
    }
}

static void write_graph(const plan *p, int n_layers, const int *order_rev, lhv1_buf *out)
{
    lhv1_gw_header(out, LHV1_GRAPH_VERSION, p->m, p->ml, p->ef_search,
                   lhv1_bytes_str(p->distance), n_layers);
    for (int l = 0; l < n_layers; l++) {
        int n = p->n_nodes[l];
        lhv1_gw_varint(out, n);
        for (int k = 0; k < n; k++) {
            const entry *e = &p->layers[l][*order_rev ? n - 1 - k : k];
            lhv1_gw_node(out, e->key, e->vec, e->dim, e->n_nb);
            for (int j = 0; j < e->n_nb; j++)
                lhv1_gw_string(out, e->nbs[*order_rev ? e->n_nb - 1 - j : j]);
        }
    }
    if (p->trailing)
        lhv1_buf_putc(out, 0);
}

/* The buffers are kept across inputs (reset, not freed): fewer allocations
 * per input. */
static void build_object(const plan *p, int n_layers, int rev, const lhv1_envelope *env,
                         lhv1_buf *obj)
{
    static lhv1_buf g, e;
    lhv1_buf_reset(&g);
    lhv1_buf_reset(&e);
    write_graph(p, n_layers, &rev, &g);
    FUZZ_ASSERT(lhv1_envelope_encode(env, &e) == 0 && !e.failed && !g.failed);
    lhv1_status st;
    lhv1_buf_reset(obj);
    FUZZ_ASSERT(lhv1_frame((lhv1_bytes){e.data, e.len}, (lhv1_bytes){g.data, g.len}, obj, &st) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader r;
    fuzz_reader_init(&r, data, size);
    /* 17 KB, zeroed for every input but allocated once: a fresh calloc per
     * input walks ASan's quarantine through new pages. */
    static plan the_plan;
    plan *p = &the_plan;
    memset(p, 0, sizeof *p);

    p->m = fuzz_range(&r, 1, 6);
    p->ef_search = fuzz_range(&r, 1, 64);
    p->ml = fuzz_range(&r, 1, 4000) / 1000.0;
    p->distance = fuzz_bool(&r) ? "euclidean" : "cosine";
    p->dim = fuzz_range(&r, 1, MAX_DIM);
    int n0 = (int)fuzz_range(&r, 0, MAX_NODES);
    int want_layers = (int)fuzz_range(&r, 1, MAX_LAYERS);
    defect d = (defect)fuzz_range(&r, 0, D_COUNT - 1);
    char name[9];
    size_t name_len = fuzz_range(&r, 1, 8);
    for (size_t i = 0; i < name_len; i++)
        name[i] = "abcdefghijklmnopqrstuvwxyz0123456789_-."[fuzz_range(&r, 0, 38)];
    name[name_len] = '\0';

    float vecs[MAX_NODES][MAX_DIM];
    pick_keys(p, &r, n0);
    for (int i = 0; i < n0; i++)
        for (uint64_t k = 0; k < p->dim; k++)
            vecs[i][k] = pick_component(&r);
    build_layers(p, &r, n0, want_layers, vecs);

    int n_layers = p->n_layers;
    int64_t graph_m = p->m;
    if (!plant(p, d, name, &n_layers))
        d = D_NONE;

    lhv1_envelope env;
    FUZZ_ASSERT(lhv1_envelope_init(&env, name, (int64_t)p->dim, p->distance, graph_m,
                                   p->ef_search, n0) == 0);
    if (d == D_CROSS_DISTANCE) {
        free(env.distance);
        env.distance = strdup(strcmp(p->distance, "cosine") ? "cosine" : "euclidean");
    }
    env.m += d == D_CROSS_M;
    env.ef_search += d == D_CROSS_EF_SEARCH;
    env.count += d == D_CROSS_COUNT;
    env.dimension += d == D_CROSS_DIMENSION;
    /* Metadata for printable keys (cJSON keys are C strings), built as a
     * tree and then kept as its text. */
    cJSON *meta = NULL;
    for (int i = 0; i < n0; i++) {
        int printable = p->key[i].len > 0;
        for (size_t k = 0; k < p->key[i].len; k++)
            printable &= p->key[i].data[k] >= 0x20 && p->key[i].data[k] < 0x7f;
        if (!printable || !fuzz_bool(&r))
            continue;
        if (!meta)
            meta = cJSON_CreateObject();
        char k[MAX_KEY + 2];
        memcpy(k, p->key[i].data, p->key[i].len);
        k[p->key[i].len] = '\0';
        cJSON *v = cJSON_CreateObject();
        cJSON_AddNumberToObject(v, "rank", i);
        cJSON_AddItemToObject(meta, k, v);
    }
    if (d == D_CROSS_METADATA_ORPHAN) {
        if (!meta)
            meta = cJSON_CreateObject();
        cJSON_AddItemToObject(meta, (const char *)ABSENT_KEY, cJSON_CreateObject());
    }
    if (meta)
        env.metadata = lhv1_metadata_from_cjson(meta);

    static lhv1_buf obj, obj_rev;
    build_object(p, n_layers, 0, &env, &obj);
    build_object(p, n_layers, 1, &env, &obj_rev);
    const char *load_as = d == D_CROSS_NAME ? "another-name" : name;

    fuzz_emit(lhv1_reason_code(defect_reason[d]), obj.data, obj.len);
    lhv1_go go = lhv1_predict_go(obj.data, obj.len, NULL, 0);
    FUZZ_ASSERT_MSG(go == LHV1_GO_OK, "Go would load every built object, predicted %s",
                    lhv1_go_name(go));
    lhv1_index idx, idx_rev;
    lhv1_status st, st_rev;
    lhv1_verdict v = lhv1_index_load(obj.data, obj.len, load_as, &idx, &st);
    lhv1_verdict v_rev = lhv1_index_load(obj_rev.data, obj_rev.len, load_as, &idx_rev, &st_rev);
    fuzz_check_status(v, &st, obj.len);
    FUZZ_ASSERT_MSG(st.reason == defect_reason[d], "planted %s, got %s (%s)",
                    lhv1_reason_code(defect_reason[d]), lhv1_reason_code(st.reason), st.message);
    FUZZ_ASSERT_MSG(st_rev.reason == st.reason, "node order changed the verdict: %s vs %s",
                    lhv1_reason_code(st.reason), lhv1_reason_code(st_rev.reason));
    FUZZ_ASSERT(idx.decoded && idx_rev.decoded);
    FUZZ_ASSERT_MSG(lhv1_graph_equal(&idx.graph, &idx_rev.graph),
                    "node order changed the decoded graph");
    if (v == LHV1_OK) {
        FUZZ_ASSERT(lhv1_graph_count(&idx.graph) == (uint64_t)n0);
        FUZZ_ASSERT(idx.graph.n_layers == (uint64_t)p->n_layers);
        lhv1_buf d1, d2;
        lhv1_buf_init(&d1);
        lhv1_buf_init(&d2);
        FUZZ_ASSERT(lhv1_index_dump(&idx, &d1) == 0 && lhv1_index_dump(&idx_rev, &d2) == 0);
        FUZZ_ASSERT_MSG(d1.len == d2.len && memcmp(d1.data, d2.data, d1.len) == 0,
                        "node order changed the dump");
        /* d1 == d2 is the dump's determinism too (same content, other
         * order): the round trip reuses d1. */
        fuzz_check_index_roundtrip(&idx, load_as, &d1);
        lhv1_buf_free(&d1);
        lhv1_buf_free(&d2);
    }
    (void)v_rev;
    lhv1_index_free(&idx);
    lhv1_index_free(&idx_rev);
    lhv1_envelope_free(&env);
    return 0;
}
