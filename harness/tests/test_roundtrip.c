/* Round trips: encode -> decode -> encode is byte-identical, decode of an
 * encoding is lhv1_graph_equal to the original, file order does not
 * matter, and equality notices every kind of difference. Random valid
 * graphs (seeded, reproducible) written in random orders drive it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "metadata.h"
#include "lhv1testing/prng.h"
#include "check_suites.h"

#define MAX_NODES 24
#define MAX_LAYERS 4
#define MAX_DIM 6
#define MAX_M 6

typedef struct rng {
    uint64_t s;
} rng;

static uint32_t below(rng *r, uint32_t n) { return (uint32_t)lhv1_prng_below(&r->s, n); }

/* A graph as a list of facts; written in any order by write_graph. */
typedef struct spec {
    int64_t m, ef;
    int dim, n_layers;
    int n_nodes;
    uint8_t key[MAX_NODES][12];
    size_t klen[MAX_NODES];
    float vec[MAX_NODES][MAX_DIM];
    int count[MAX_LAYERS];            /* members per layer */
    int member[MAX_LAYERS][MAX_NODES]; /* node ids */
    int nnb[MAX_LAYERS][MAX_NODES];
    int nb[MAX_LAYERS][MAX_NODES][MAX_M]; /* member slots of neighbours */
    int ascii;                            /* keys are [a-z0-9]: metadata can name them */
} spec;

static void random_spec(spec *s, rng *r)
{
    memset(s, 0, sizeof *s);
    s->m = 1 + below(r, MAX_M);
    s->ef = 1 + below(r, 50);
    s->dim = 1 + (int)below(r, MAX_DIM);
    s->n_nodes = 1 + (int)below(r, MAX_NODES);
    s->n_layers = 1 + (int)below(r, MAX_LAYERS);
    s->ascii = below(r, 2);
    for (int i = 0; i < s->n_nodes; i++) {
        size_t len = below(r, 8);
        for (size_t k = 0; k < len; k++)
            s->key[i][k] = s->ascii ? (uint8_t)("abcdefghijklmnopqrstuvwxyz0123456789"[below(r, 36)])
                                    : (uint8_t)below(r, 256);
        /* a unique suffix keeps keys distinct */
        s->key[i][len++] = s->ascii ? (uint8_t)('a' + i % 26) : (uint8_t)i;
        s->key[i][len++] = s->ascii ? (uint8_t)('a' + i / 26) : 0xff;
        s->klen[i] = len;
        for (int c = 0; c < s->dim; c++)
            s->vec[i][c] = (float)((int32_t)below(r, 2000000) - 1000000) / 1024.0f;
    }
    /* layer 0 holds everyone; each higher layer a non-empty subset of the one below */
    s->count[0] = s->n_nodes;
    for (int j = 0; j < s->n_nodes; j++)
        s->member[0][j] = j;
    for (int l = 1; l < s->n_layers; l++) {
        for (int j = 0; j < s->count[l - 1]; j++)
            if (j == 0 || below(r, 2))
                s->member[l][s->count[l]++] = s->member[l - 1][j];
    }
    for (int l = 0; l < s->n_layers; l++)
        for (int j = 0; j < s->count[l]; j++) {
            int want = (int)below(r, (uint32_t)s->m + 1);
            for (int t = 0; t < s->count[l] && s->nnb[l][j] < want; t++) {
                int cand = (int)below(r, (uint32_t)s->count[l]);
                int dup = cand == j;
                for (int q = 0; q < s->nnb[l][j]; q++)
                    dup |= s->nb[l][j][q] == cand;
                if (!dup)
                    s->nb[l][j][s->nnb[l][j]++] = cand;
            }
        }
}

static void shuffle(int *a, int n, rng *r)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)below(r, (uint32_t)i + 1), t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static lhv1_bytes key_of(const spec *s, int node)
{
    return (lhv1_bytes){s->key[node], s->klen[node]};
}

/* Writes the object with nodes and neighbour lists in an order drawn from r. */
static void write_object(const spec *s, rng *r, tb_object *o)
{
    lhv1_buf_printf(&o->env,
                    "{\"version\":1,\"params\":{\"name\":\"rt\",\"dimension\":%d,\"distance\":"
                    "\"euclidean\",\"m\":%lld,\"ef_search\":%lld},\"count\":%d",
                    s->dim, (long long)s->m, (long long)s->ef, s->n_nodes);
    if (s->ascii)
        lhv1_buf_printf(&o->env, ",\"metadata\":{\"%.*s\":{\"i\":1.5,\"t\":[true]}}",
                        (int)s->klen[0], (const char *)s->key[0]);
    lhv1_buf_putc(&o->env, '}');
    lhv1_gw_header(&o->graph, 1, s->m, 0.36067376022224085, s->ef,
                   lhv1_bytes_str("euclidean"), s->n_layers);
    for (int l = 0; l < s->n_layers; l++) {
        int order[MAX_NODES];
        for (int j = 0; j < s->count[l]; j++)
            order[j] = j;
        shuffle(order, s->count[l], r);
        lhv1_gw_varint(&o->graph, s->count[l]);
        for (int q = 0; q < s->count[l]; q++) {
            int j = order[q], node = s->member[l][j];
            int nbo[MAX_M];
            memcpy(nbo, s->nb[l][j], sizeof nbo);
            shuffle(nbo, s->nnb[l][j], r);
            lhv1_gw_node(&o->graph, key_of(s, node), s->vec[node], (uint64_t)s->dim,
                         s->nnb[l][j]);
            for (int k = 0; k < s->nnb[l][j]; k++)
                lhv1_gw_string(&o->graph, key_of(s, s->member[l][nbo[k]]));
        }
    }
    tb_finish(o);
}

static void load_ok(const tb_object *o, lhv1_index *idx, const char *what, uint64_t seed)
{
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load(o->body.data, o->body.len, NULL, idx, &st);
    ck_assert_msg(v == LHV1_OK, "seed %llu %s: %s %s: %s", (unsigned long long)seed, what,
                  lhv1_verdict_name(v), lhv1_reason_code(st.reason), st.message);
}

START_TEST(random_graphs_round_trip)
{
    for (uint64_t seed = 1; seed <= 300; seed++) {
        rng r = {seed};
        spec s;
        random_spec(&s, &r);
        tb_object a, b;
        tb_init(&a);
        tb_init(&b);
        write_object(&s, &r, &a);
        write_object(&s, &r, &b); /* same graph, other file order */
        lhv1_index ia, ib, ic;
        load_ok(&a, &ia, "order A", seed);
        load_ok(&b, &ib, "order B", seed);
        ck_assert_msg(lhv1_graph_equal(&ia.graph, &ib.graph), "seed %llu: orders differ",
                      (unsigned long long)seed);

        lhv1_buf ea, eb, ec;
        lhv1_buf_init(&ea);
        lhv1_buf_init(&eb);
        lhv1_buf_init(&ec);
        ck_assert_int_eq(lhv1_index_encode(&ia, &ea), 0);
        ck_assert_int_eq(lhv1_index_encode(&ib, &eb), 0);
        ck_assert_msg(ea.len == eb.len && memcmp(ea.data, eb.data, ea.len) == 0,
                      "seed %llu: encodings of one graph in two orders differ",
                      (unsigned long long)seed);

        /* decode(encode(x)) == x, and encode is a fixed point */
        tb_object c;
        tb_init(&c);
        lhv1_buf_append(&c.body, ea.data, ea.len);
        load_ok(&c, &ic, "re-encoded", seed);
        ck_assert(lhv1_graph_equal(&ia.graph, &ic.graph));
        ck_assert_int_eq(ic.env.count, ia.env.count);
        ck_assert_int_eq(lhv1_index_encode(&ic, &ec), 0);
        ck_assert_uint_eq(ec.len, ea.len);
        ck_assert_mem_eq(ec.data, ea.data, ea.len);
        if (ia.env.metadata) {
            cJSON *ma = lhv1_metadata_to_cjson(ia.env.metadata);
            cJSON *mc = lhv1_metadata_to_cjson(ic.env.metadata);
            ck_assert(cJSON_Compare(ma, mc, 1));
            cJSON_Delete(ma);
            cJSON_Delete(mc);
        }

        /* the graph section of the object is lhv1_graph_encode's output */
        lhv1_buf ge;
        lhv1_buf_init(&ge);
        ck_assert_int_eq(lhv1_graph_encode(&ia.graph, &ge), 0);
        lhv1_bytes env, graph;
        lhv1_status st;
        ck_assert_int_eq(lhv1_unframe(ea.data, ea.len, &env, &graph, &st), 0);
        ck_assert_uint_eq(graph.len, ge.len);
        ck_assert_mem_eq(graph.data, ge.data, ge.len);

        /* the encoder writes each layer's nodes and each neighbour list
         * sorted bytewise (strictly: these graphs have no duplicates) */
        for (uint64_t l = 0; l < ic.graph.n_layers; l++) {
            lhv1_layer ly;
            lhv1_graph_layer(&ic.graph, l, &ly);
            lhv1_node before = {{NULL, 0}, NULL, 0, {NULL, 0}, 0, 0};
            for (uint64_t j = 0; j < ly.n_nodes; j++) {
                lhv1_node ndv;
                lhv1_layer_node(&ic.graph, &ly, j, &ndv);
                const lhv1_node *nd = &ndv;
                if (j)
                    ck_assert_int_lt(lhv1_bytes_cmp(before.key, nd->key), 0);
                before = ndv;
                lhv1_neighbor_iter it;
                lhv1_bytes prev = {NULL, 0}, k;
                lhv1_neighbor_iter_init(&it, nd);
                for (int q = 0; lhv1_neighbor_next(&it, &k); q++, prev = k)
                    if (q)
                        ck_assert_msg(lhv1_bytes_cmp(prev, k) < 0,
                                      "seed %llu: neighbour list not sorted",
                                      (unsigned long long)seed);
            }
        }

        lhv1_buf_free(&ge);
        lhv1_buf_free(&ea);
        lhv1_buf_free(&eb);
        lhv1_buf_free(&ec);
        lhv1_index_free(&ia);
        lhv1_index_free(&ib);
        lhv1_index_free(&ic);
        tb_free(&a);
        tb_free(&b);
        tb_free(&c);
    }
}
END_TEST

/* Overlong varints and odd orders are not preserved: the encoder writes
 * the one canonical form, and graph_equal still holds. */
START_TEST(encoder_normalises_varints)
{
    tb_object o;
    tb_init(&o);
    lhv1_buf_append(&o.graph, "\x82\x00", 2); /* version 1, overlong */
    lhv1_gw_varint(&o.graph, TB_M);
    lhv1_buf_append(&o.graph, "\0\0\0\0\0\0\xd0\x3f", 8);
    lhv1_gw_varint(&o.graph, TB_EF);
    lhv1_gw_string(&o.graph, lhv1_bytes_str("cosine"));
    lhv1_buf_append(&o.graph, "\x82\x80\x00", 3); /* 1 layer, overlong */
    lhv1_gw_varint(&o.graph, 1);
    tb_node_x(&o.graph, "a", 0, NULL);
    lhv1_graph g, h;
    lhv1_status st;
    ck_assert_int_eq(lhv1_graph_decode(o.graph.data, o.graph.len, &g, &st), 0);
    lhv1_buf e;
    lhv1_buf_init(&e);
    ck_assert_int_eq(lhv1_graph_encode(&g, &e), 0);
    ck_assert_uint_eq(e.len, o.graph.len - 3);
    ck_assert_int_eq(e.data[0], 0x02);
    ck_assert_int_eq(lhv1_graph_decode(e.data, e.len, &h, &st), 0);
    ck_assert(lhv1_graph_equal(&g, &h));
    lhv1_graph_free(&g);
    lhv1_graph_free(&h);
    lhv1_buf_free(&e);
    tb_free(&o);
}
END_TEST

/* Ml's 8 stored bytes survive decode/encode bit for bit, even a NaN
 * payload (the graph is inconsistent, but it decodes). */
START_TEST(ml_bytes_kept)
{
    tb_object o;
    tb_init(&o);
    lhv1_gw_varint(&o.graph, 1);
    lhv1_gw_varint(&o.graph, TB_M);
    lhv1_buf_append(&o.graph, "\x01\x23\x45\x67\x89\xab\xf7\x7f", 8);
    lhv1_gw_varint(&o.graph, TB_EF);
    lhv1_gw_string(&o.graph, lhv1_bytes_str("cosine"));
    lhv1_gw_varint(&o.graph, 0);
    lhv1_graph g;
    lhv1_status st;
    ck_assert_int_eq(lhv1_graph_decode(o.graph.data, o.graph.len, &g, &st), 0);
    lhv1_buf e;
    lhv1_buf_init(&e);
    ck_assert_int_eq(lhv1_graph_encode(&g, &e), 0);
    ck_assert_uint_eq(e.len, o.graph.len);
    ck_assert_mem_eq(e.data, o.graph.data, e.len);
    ck_assert_int_eq(lhv1_graph_check(&g, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_BAD_PARAMS);
    lhv1_graph_free(&g);
    lhv1_buf_free(&e);
    tb_free(&o);
}
END_TEST

/* Each single difference makes graph_equal false. */
enum diff { D_NONE, D_VECTOR_BIT, D_NEIGHBOR, D_M, D_EF, D_ML, D_DIST, D_LAYER, D_KEY, N_DIFF };

static void small_graph(lhv1_buf *g, enum diff d)
{
    lhv1_gw_header(g, 1, d == D_M ? 5 : 4, d == D_ML ? 0.5 : 0.25, d == D_EF ? 9 : 8,
                   lhv1_bytes_str(d == D_DIST ? "euclidean" : "cosine"), d == D_LAYER ? 2 : 1);
    lhv1_gw_varint(g, 2);
    float v[2] = {1, 2};
    if (d == D_VECTOR_BIT) {
        uint32_t bits;
        memcpy(&bits, &v[1], 4);
        bits ^= 1;
        memcpy(&v[1], &bits, 4);
    }
    lhv1_gw_node(g, lhv1_bytes_str(d == D_KEY ? "x" : "a"), v, 2, 1);
    lhv1_gw_string(g, lhv1_bytes_str("b"));
    lhv1_gw_node(g, lhv1_bytes_str("b"), v, 2, d == D_NEIGHBOR ? 0 : 1);
    if (d != D_NEIGHBOR)
        lhv1_gw_string(g, lhv1_bytes_str(d == D_KEY ? "x" : "a"));
    if (d == D_LAYER) {
        lhv1_gw_varint(g, 1);
        lhv1_gw_node(g, lhv1_bytes_str("a"), v, 2, 0);
    }
}

START_TEST(equal_notices_each_difference)
{
    lhv1_buf a, b;
    lhv1_buf_init(&a);
    lhv1_buf_init(&b);
    small_graph(&a, D_NONE);
    small_graph(&b, (enum diff)_i);
    lhv1_graph ga, gb;
    lhv1_status st;
    ck_assert_int_eq(lhv1_graph_decode(a.data, a.len, &ga, &st), 0);
    ck_assert_int_eq(lhv1_graph_decode(b.data, b.len, &gb, &st), 0);
    ck_assert_int_eq(lhv1_graph_equal(&ga, &gb), _i == D_NONE);
    ck_assert_int_eq(lhv1_graph_equal(&gb, &ga), _i == D_NONE);
    lhv1_graph_free(&ga);
    lhv1_graph_free(&gb);
    lhv1_buf_free(&a);
    lhv1_buf_free(&b);
}
END_TEST

START_TEST(empty_index_round_trips)
{
    tb_object o;
    tb_init(&o);
    tb_env_std(&o, TB_DIM, 0, "{}");
    tb_graph_std_header(&o, 0);
    lhv1_bytes body = tb_finish(&o);
    lhv1_index idx;
    lhv1_status st;
    ck_assert_int_eq(lhv1_index_load(body.data, body.len, "docs", &idx, &st), LHV1_OK);
    ck_assert_uint_eq(lhv1_graph_count(&idx.graph), 0);
    lhv1_buf e;
    lhv1_buf_init(&e);
    ck_assert_int_eq(lhv1_index_encode(&idx, &e), 0);
    lhv1_index again;
    ck_assert_int_eq(lhv1_index_load(e.data, e.len, "docs", &again, &st), LHV1_OK);
    ck_assert(lhv1_graph_equal(&idx.graph, &again.graph));
    lhv1_index_free(&again);
    lhv1_index_free(&idx);
    lhv1_buf_free(&e);
    tb_free(&o);
}
END_TEST

/* Seeded mutations of a valid object (byte flips, cuts, insertions,
 * varint-sized splices): every load ends in a verdict of its reason's
 * class with a message and an offset inside the object; whatever loads
 * ok re-encodes to an object that loads ok, is equal, and dumps the same. */
START_TEST(mutated_objects_keep_the_contract)
{
    tb_object base;
    tb_init(&base);
    tb_env_std(&base, TB_DIM, TB_STD_COUNT, "{\"a\":{\"k\":[1,2.5,\"s\"]}}");
    tb_graph_std(&base);
    tb_finish(&base);
    rng r = {0x5eed5eed5eedULL};
    int ok = 0, verdicts[LHV1_VERDICT_COUNT] = {0};
    for (int iter = 0; iter < 3000; iter++) {
        /* a third of the time the whole body; otherwise one section,
         * re-framed, so the mutation reaches the decoders */
        int target = (int)below(&r, 3);
        const lhv1_buf *src = target == 0 ? &base.body : target == 1 ? &base.env : &base.graph;
        lhv1_buf m;
        lhv1_buf_init(&m);
        lhv1_buf_append(&m, src->data, src->len);
        int edits = 1 + (int)below(&r, 3);
        for (int e = 0; e < edits && m.len > 0; e++) {
            size_t at = below(&r, (uint32_t)m.len);
            switch (below(&r, 4)) {
            case 0: m.data[at] ^= (uint8_t)(1u << below(&r, 8)); break;
            case 1: m.data[at] = (uint8_t)below(&r, 256); break;
            case 2: m.len = at; break; /* cut */
            default: { /* insert a small varint-looking run */
                uint8_t ins[3] = {(uint8_t)below(&r, 256), 0x80, (uint8_t)below(&r, 3)};
                lhv1_buf tail;
                lhv1_buf_init(&tail);
                lhv1_buf_append(&tail, m.data + at, m.len - at);
                m.len = at;
                lhv1_buf_append(&m, ins, 1 + below(&r, 3));
                lhv1_buf_append(&m, tail.data, tail.len);
                lhv1_buf_free(&tail);
            }
            }
        }
        if (target != 0) {
            lhv1_buf framed;
            lhv1_buf_init(&framed);
            lhv1_bytes e = target == 1 ? (lhv1_bytes){m.data, m.len}
                                       : (lhv1_bytes){base.env.data, base.env.len};
            lhv1_bytes g = target == 2 ? (lhv1_bytes){m.data, m.len}
                                       : (lhv1_bytes){base.graph.data, base.graph.len};
            lhv1_status fst;
            ck_assert_int_eq(lhv1_frame(e, g, &framed, &fst), 0);
            lhv1_buf_free(&m);
            m = framed;
        }
        uint8_t *exact = malloc(m.len ? m.len : 1); /* ASan sees reads past the end */
        memcpy(exact, m.data, m.len);
        lhv1_index idx;
        lhv1_status st;
        lhv1_verdict v = lhv1_index_load(exact, m.len, NULL, &idx, &st);
        verdicts[v]++;
        ck_assert_msg(v == st.verdict && v == lhv1_reason_verdict(st.reason),
                      "iter %d: verdict %s, reason %s", iter, lhv1_verdict_name(v),
                      lhv1_reason_code(st.reason));
        ck_assert_msg(st.offset >= -1 && st.offset <= (int64_t)m.len, "iter %d: offset %lld of %zu",
                      iter, (long long)st.offset, m.len);
        ck_assert_msg((v == LHV1_OK) == (st.message[0] == '\0'), "iter %d: message \"%s\"", iter,
                      st.message);
        ck_assert_int_eq(idx.decoded, v == LHV1_OK || v == LHV1_INCONSISTENT);
        if (!idx.decoded) /* "otherwise idx is left empty" (index.h) */
            ck_assert(!idx.env.name && !idx.env.distance && !idx.env.metadata &&
                      !idx.graph.node_off && !idx.graph.layer_off && idx.graph.n_layers == 0);
        if (v == LHV1_OK) {
            ok++;
            lhv1_buf enc, d1, d2;
            lhv1_buf_init(&enc);
            lhv1_buf_init(&d1);
            lhv1_buf_init(&d2);
            ck_assert_int_eq(lhv1_index_encode(&idx, &enc), 0);
            ck_assert_int_eq(lhv1_index_dump(&idx, &d1), 0);
            lhv1_index again;
            lhv1_status st2;
            ck_assert_msg(lhv1_index_load(enc.data, enc.len, NULL, &again, &st2) == LHV1_OK,
                          "iter %d: re-encoded object: %s", iter, st2.message);
            ck_assert(lhv1_graph_equal(&idx.graph, &again.graph));
            ck_assert_int_eq(lhv1_index_dump(&again, &d2), 0);
            ck_assert_msg(d1.len == d2.len && memcmp(d1.data, d2.data, d1.len) == 0,
                          "iter %d: dump changed through encode", iter);
            lhv1_index_free(&again);
            lhv1_buf_free(&enc);
            lhv1_buf_free(&d1);
            lhv1_buf_free(&d2);
        } else if (v == LHV1_INCONSISTENT) {
            lhv1_buf d;
            lhv1_buf_init(&d);
            ck_assert_int_eq(lhv1_index_dump(&idx, &d), 0);
            lhv1_buf_free(&d);
        }
        lhv1_index_free(&idx);
        free(exact);
        lhv1_buf_free(&m);
    }
    printf("mutations: %d ok, %d bad-format, %d decode-error, %d inconsistent\n", ok,
           verdicts[LHV1_BAD_FORMAT], verdicts[LHV1_DECODE_ERROR], verdicts[LHV1_INCONSISTENT]);
    ck_assert_int_gt(verdicts[LHV1_DECODE_ERROR], 0);
    ck_assert_int_gt(verdicts[LHV1_INCONSISTENT], 0);
    tb_free(&base);
}
END_TEST

Suite *suite_roundtrip(void)
{
    Suite *s = suite_create("roundtrip");
    TCase *tc = tcase_create("roundtrip");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, random_graphs_round_trip);
    tcase_add_test(tc, mutated_objects_keep_the_contract);
    tcase_add_test(tc, encoder_normalises_varints);
    tcase_add_test(tc, ml_bytes_kept);
    tcase_add_loop_test(tc, equal_notices_each_difference, 0, N_DIFF);
    tcase_add_test(tc, empty_index_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
