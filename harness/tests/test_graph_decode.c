/* The graph section's decoder (FORMAT.md 3a): each length and count
 * negative or larger than the bytes left, exact fits, allocation-bomb
 * counts in a few bytes, every truncation, Go's read order, and the
 * decoded values themselves. */
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "check_suites.h"

/* The counts of the graph section, in file order, and the fewest bytes
 * one element of each can take. */
enum field { F_DIST, F_LAYERS, F_NODES, F_KEY, F_DIM, F_NEIGHBORS, F_NB_KEY, N_FIELDS };
static const char *const field_names[N_FIELDS] = {"distance name length", "n_layers", "n_nodes",
                                                  "key length", "dim", "n_neighbors",
                                                  "neighbour key length"};
static const uint64_t min_size[N_FIELDS] = {1, 1, 3, 1, 4, 1, 1};

/* A minimal graph (1 layer, node "a" of dim 2 listing "a"), with the
 * count `poison` replaced by `value` (the bytes after it unchanged).
 * Returns the count's position. */
static size_t poisoned_graph(lhv1_buf *g, enum field poison, int64_t value)
{
    size_t at = 0;
#define COUNT(f, normal)                                     \
    do {                                                     \
        if (poison == (f))                                   \
            at = g->len;                                     \
        lhv1_gw_varint(g, poison == (f) ? value : (normal)); \
    } while (0)
    lhv1_gw_varint(g, 1);
    lhv1_gw_varint(g, TB_M);
    lhv1_buf_append(g, "\0\0\0\0\0\0\xd0\x3f", 8);
    lhv1_gw_varint(g, TB_EF);
    COUNT(F_DIST, 6);
    lhv1_buf_puts(g, "cosine");
    COUNT(F_LAYERS, 1);
    COUNT(F_NODES, 1);
    COUNT(F_KEY, 1);
    lhv1_buf_puts(g, "a");
    COUNT(F_DIM, 2);
    lhv1_buf_append(g, "\0\0\x80\x3f\0\0\0\x40", 8);
    COUNT(F_NEIGHBORS, 1);
    COUNT(F_NB_KEY, 1);
    lhv1_buf_puts(g, "a");
#undef COUNT
    return at;
}

static int decode(const lhv1_buf *g, lhv1_status *st)
{
    lhv1_graph graph;
    int rc = lhv1_graph_decode(g->data, g->len, &graph, st);
    if (rc == 0)
        lhv1_graph_free(&graph);
    return rc;
}

START_TEST(unpoisoned_graph_decodes)
{
    lhv1_buf g;
    lhv1_buf_init(&g);
    poisoned_graph(&g, N_FIELDS, 0);
    lhv1_status st;
    ck_assert_msg(decode(&g, &st) == 0, "%s", st.message);
    lhv1_buf_free(&g);
}
END_TEST

START_TEST(negative_count)
{
    static const int64_t negatives[] = {-1, -2, -64, INT64_MIN};
    for (size_t k = 0; k < sizeof negatives / sizeof negatives[0]; k++) {
        lhv1_buf g;
        lhv1_buf_init(&g);
        size_t at = poisoned_graph(&g, (enum field)_i, negatives[k]);
        lhv1_status st;
        ck_assert_int_eq(decode(&g, &st), -1);
        ck_assert_msg(st.reason == LHV1_R_GRAPH_NEGATIVE_COUNT, "%s = %lld: %s (%s)",
                      field_names[_i], (long long)negatives[k], lhv1_reason_code(st.reason),
                      st.message);
        ck_assert_int_eq(st.verdict, LHV1_DECODE_ERROR);
        ck_assert_msg(st.offset == (int64_t)at, "%s: offset %lld, want %zu", field_names[_i],
                      (long long)st.offset, at);
        lhv1_buf_free(&g);
    }
}
END_TEST

/* One more element than the remaining bytes can hold at the element's
 * smallest size, and far more (allocation-bomb sizes). */
START_TEST(count_exceeds_input)
{
    lhv1_buf probe;
    lhv1_buf_init(&probe);
    size_t at = poisoned_graph(&probe, (enum field)_i, 0);
    size_t left = probe.len - at - 1; /* a 1-byte count; values below stay < 64 */
    lhv1_buf_free(&probe);
    const int64_t just_over = (int64_t)(left / min_size[_i]) + 1;
    ck_assert_int_lt(just_over, 64);
    const int64_t values[] = {just_over, 1LL << 28, 1LL << 31, 1LL << 33, 1LL << 36, INT64_MAX};
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        lhv1_buf g;
        lhv1_buf_init(&g);
        at = poisoned_graph(&g, (enum field)_i, values[k]);
        lhv1_status st;
        ck_assert_int_eq(decode(&g, &st), -1);
        ck_assert_msg(st.reason == LHV1_R_GRAPH_COUNT_EXCEEDS_INPUT, "%s = %lld: %s (%s)",
                      field_names[_i], (long long)values[k], lhv1_reason_code(st.reason),
                      st.message);
        ck_assert_int_eq(st.offset, (int64_t)at);
        lhv1_buf_free(&g);
    }
}
END_TEST

/* Counts that the remaining bytes hold exactly are accepted: no
 * off-by-one in the bound. */
START_TEST(exact_fits_are_accepted)
{
    lhv1_status st;
    lhv1_graph graph;

    /* 40 layers of 1 byte each (empty layers decode; the check rejects them). */
    tb_object o;
    tb_init(&o);
    tb_graph_std_header(&o, 40);
    for (int i = 0; i < 40; i++)
        lhv1_gw_varint(&o.graph, 0);
    ck_assert_int_eq(lhv1_graph_decode(o.graph.data, o.graph.len, &graph, &st), 0);
    ck_assert_uint_eq(graph.n_layers, 40);
    lhv1_graph_free(&graph);
    tb_free(&o);

    /* 20 minimal nodes of 3 bytes each (empty key, dim 0, no neighbours). */
    tb_init(&o);
    tb_graph_std_header(&o, 1);
    lhv1_gw_varint(&o.graph, 20);
    for (int i = 0; i < 20; i++)
        lhv1_buf_append(&o.graph, "\0\0\0", 3);
    ck_assert_int_eq(lhv1_graph_decode(o.graph.data, o.graph.len, &graph, &st), 0);
    lhv1_layer ly0;
    lhv1_graph_layer(&graph, 0, &ly0);
    ck_assert_uint_eq(ly0.n_nodes, 20);
    ck_assert_uint_eq(graph.n_nodes, 20);
    ck_assert_uint_eq(graph.trailing, 0);
    lhv1_graph_free(&graph);
    tb_free(&o);

    /* 30 one-byte (empty) neighbour keys. */
    tb_init(&o);
    tb_graph_std_header(&o, 1);
    lhv1_gw_varint(&o.graph, 1);
    lhv1_gw_node(&o.graph, lhv1_bytes_str("k"), NULL, 0, 30);
    for (int i = 0; i < 30; i++)
        lhv1_gw_varint(&o.graph, 0);
    ck_assert_int_eq(lhv1_graph_decode(o.graph.data, o.graph.len, &graph, &st), 0);
    lhv1_node nd0;
    lhv1_graph_layer(&graph, 0, &ly0);
    lhv1_layer_node(&graph, &ly0, 0, &nd0);
    ck_assert_uint_eq(nd0.n_neighbors, 30);
    ck_assert_uint_eq(nd0.neighbors.len, 30);
    lhv1_graph_free(&graph);
    tb_free(&o);

    /* A key and a vector that end exactly at the end of the section: they
     * fit; the decode then fails on the next field, truncated. */
    tb_init(&o);
    tb_graph_std_header(&o, 1);
    lhv1_gw_varint(&o.graph, 1);
    lhv1_gw_varint(&o.graph, 2);
    lhv1_buf_puts(&o.graph, "kk");
    lhv1_gw_varint(&o.graph, 0); /* dim 0 ... */
    lhv1_buf_putc(&o.graph, 0x80); /* ... then a cut neighbour count */
    ck_assert_int_eq(lhv1_graph_decode(o.graph.data, o.graph.len, &graph, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_TRUNCATED);
    tb_free(&o);

    tb_init(&o);
    tb_graph_std_header(&o, 1);
    lhv1_gw_varint(&o.graph, 1);
    lhv1_gw_node(&o.graph, lhv1_bytes_str("k"), (const float[]){1, 2}, 2, 0);
    o.graph.len--; /* drop the neighbour count: the vector ends the section */
    size_t end = o.graph.len;
    ck_assert_int_eq(lhv1_graph_decode(o.graph.data, o.graph.len, &graph, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_TRUNCATED);
    ck_assert_int_eq(st.offset, (int64_t)end);
    tb_free(&o);
}
END_TEST

/* Every proper prefix of a valid section fails to decode, as truncated or
 * as a count the rest cannot hold, and never reads past its end. */
START_TEST(every_prefix_fails_cleanly)
{
    tb_object o;
    tb_init(&o);
    tb_graph_std(&o);
    for (size_t n = 0; n < o.graph.len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, o.graph.data, n);
        lhv1_graph graph;
        lhv1_status st;
        ck_assert_msg(lhv1_graph_decode(copy, n, &graph, &st) == -1, "prefix %zu decoded", n);
        ck_assert_msg(st.reason == LHV1_R_GRAPH_TRUNCATED ||
                          st.reason == LHV1_R_GRAPH_COUNT_EXCEEDS_INPUT,
                      "prefix %zu: %s", n, lhv1_reason_code(st.reason));
        ck_assert_int_le(st.offset, (int64_t)n);
        ck_assert_ptr_null(graph.node_off); /* freed on failure */
        ck_assert_ptr_null(graph.layer_off);
        free(copy);
    }
    tb_free(&o);
}
END_TEST

START_TEST(truncated_ml_names_ml)
{
    lhv1_buf g;
    lhv1_buf_init(&g);
    lhv1_gw_varint(&g, 1);
    lhv1_gw_varint(&g, TB_M);
    size_t at = g.len;
    lhv1_buf_append(&g, "\0\0\0", 3);
    lhv1_status st;
    ck_assert_int_eq(decode(&g, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_TRUNCATED);
    ck_assert_int_eq(st.offset, (int64_t)at);
    ck_assert_ptr_nonnull(strstr(st.message, "Ml"));
    lhv1_buf_free(&g);
}
END_TEST

START_TEST(varint_overflow_in_each_header_varint)
{
    static const char over[] = "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02";
    for (int which = 0; which < 3; which++) { /* version, M, EfSearch */
        lhv1_buf g;
        lhv1_buf_init(&g);
        size_t at = 0;
        for (int f = 0; f < 3; f++) {
            if (f == which) {
                at = g.len;
                lhv1_buf_append(&g, over, 10);
            } else {
                lhv1_gw_varint(&g, f == 0 ? 1 : 4);
            }
            if (f == 1)
                lhv1_buf_append(&g, "\0\0\0\0\0\0\xd0\x3f", 8);
        }
        lhv1_gw_string(&g, lhv1_bytes_str("cosine"));
        lhv1_gw_varint(&g, 0);
        lhv1_status st;
        ck_assert_int_eq(decode(&g, &st), -1);
        ck_assert_int_eq(st.reason, LHV1_R_GRAPH_VARINT_OVERFLOW);
        ck_assert_int_eq(st.offset, (int64_t)at);
        lhv1_buf_free(&g);
    }
}
END_TEST

/* Go's Import reads the five header fields, resolves the distance, and
 * only then looks at the version. */
START_TEST(go_header_order)
{
    lhv1_buf g;
    lhv1_status st;
    lhv1_buf_init(&g);
    lhv1_gw_header(&g, 2, TB_M, TB_ML, TB_EF, lhv1_bytes_str("dot"), 0);
    ck_assert_int_eq(decode(&g, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_UNKNOWN_DISTANCE);

    lhv1_buf_reset(&g); /* version 2, EfSearch cut: truncated comes first */
    lhv1_gw_varint(&g, 2);
    lhv1_gw_varint(&g, TB_M);
    lhv1_buf_append(&g, "\0\0\0\0\0\0\xd0\x3f\x80", 9);
    ck_assert_int_eq(decode(&g, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_TRUNCATED);

    lhv1_buf_reset(&g); /* version 2, valid distance, n_layers negative */
    lhv1_gw_header(&g, 2, TB_M, TB_ML, TB_EF, lhv1_bytes_str("euclidean"), -1);
    ck_assert_int_eq(decode(&g, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_BAD_VERSION);
    ck_assert_int_eq(st.offset, 0);

    lhv1_buf_reset(&g); /* version 0 */
    lhv1_gw_header(&g, 0, TB_M, TB_ML, TB_EF, lhv1_bytes_str("cosine"), 0);
    ck_assert_int_eq(decode(&g, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_BAD_VERSION);

    lhv1_buf_reset(&g); /* version 1 written overlong as 82 00 decodes */
    lhv1_buf_append(&g, "\x82\x00", 2);
    lhv1_gw_varint(&g, TB_M);
    lhv1_buf_append(&g, "\0\0\0\0\0\0\xd0\x3f", 8);
    lhv1_gw_varint(&g, TB_EF);
    lhv1_gw_string(&g, lhv1_bytes_str("cosine"));
    lhv1_gw_varint(&g, 0);
    ck_assert_msg(decode(&g, &st) == 0, "%s", st.message);

    lhv1_buf_reset(&g); /* negative n_nodes: a decode error here (Go reads an empty layer) */
    lhv1_gw_header(&g, 1, TB_M, TB_ML, TB_EF, lhv1_bytes_str("cosine"), 1);
    lhv1_gw_varint(&g, -5);
    ck_assert_int_eq(decode(&g, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_NEGATIVE_COUNT);
    lhv1_buf_free(&g);
}
END_TEST

START_TEST(decoded_values)
{
    tb_object o;
    tb_init(&o);
    tb_graph_std(&o);
    size_t trailing_at = o.graph.len;
    lhv1_buf_append(&o.graph, "xyz", 3);
    lhv1_graph g;
    lhv1_status st;
    ck_assert_int_eq(lhv1_graph_decode(o.graph.data, o.graph.len, &g, &st), 0);
    ck_assert_int_eq(g.version, 1);
    ck_assert_int_eq(g.m, TB_M);
    ck_assert(g.ml == TB_ML);
    ck_assert_mem_eq(g.ml_raw, "\0\0\0\0\0\0\xd0\x3f", 8);
    ck_assert_int_eq(g.ef_search, TB_EF);
    ck_assert_uint_eq(g.distance.len, 6);
    ck_assert_mem_eq(g.distance.data, "cosine", 6);
    ck_assert_uint_eq(g.n_layers, 2);
    ck_assert_uint_eq(lhv1_graph_count(&g), 3);
    lhv1_layer l0, l1;
    lhv1_graph_layer(&g, 0, &l0);
    lhv1_graph_layer(&g, 1, &l1);
    ck_assert_uint_eq(l1.n_nodes, 2);
    ck_assert_uint_eq(l1.first, 3);
    ck_assert_uint_eq(l0.end, l1.offset);
    ck_assert_uint_eq(l1.end, g.end);
    ck_assert_uint_eq(g.n_nodes, 5);
    ck_assert_uint_eq(g.end, trailing_at);
    ck_assert_uint_eq(g.trailing, 3);
    lhv1_node bv;
    lhv1_layer_node(&g, &l0, 1, &bv);
    const lhv1_node *b = &bv;
    ck_assert_uint_eq(b->key.len, 1);
    ck_assert_int_eq(b->key.data[0], 'b');
    ck_assert_uint_eq(b->dim, 2);
    ck_assert(lhv1_vector_get(b, 0) == 1.0f && lhv1_vector_get(b, 1) == 2.0f);
    /* views point into the input */
    ck_assert(b->key.data > o.graph.data && b->key.data < o.graph.data + o.graph.len);
    ck_assert(b->vector > b->key.data && b->vector < o.graph.data + o.graph.len);
    ck_assert_int_eq(o.graph.data[b->offset], 0x02); /* b starts with its key's length */
    ck_assert_int_eq(o.graph.data[b->offset + 1], 'b');
    ck_assert_int_eq(o.graph.data[l1.offset], 0x04); /* layer 1 count: 2 */
    lhv1_neighbor_iter it;
    lhv1_bytes k;
    lhv1_neighbor_iter_init(&it, b);
    ck_assert_int_eq(lhv1_neighbor_next(&it, &k), 1);
    ck_assert(k.len == 1 && k.data[0] == 'a');
    ck_assert_int_eq(lhv1_neighbor_next(&it, &k), 1);
    ck_assert(k.len == 1 && k.data[0] == 'c');
    ck_assert_int_eq(lhv1_neighbor_next(&it, &k), 0);
    lhv1_graph_free(&g);
    tb_free(&o);
}
END_TEST

/* The four allocation bombs Go dies on (string 2^36, n_layers 2^31,
 * n_nodes 2^28, vector 2^33), each in a file of a few dozen bytes, through
 * the whole load path. The memory suite measures that nothing big is
 * allocated; here the verdict and reason. */
START_TEST(go_fatal_bombs_are_rejected)
{
    for (int bomb = 0; bomb < 4; bomb++) {
        tb_object o;
        tb_init(&o);
        tb_env_std(&o, TB_DIM, 1, NULL);
        if (bomb == 1) {
            tb_graph_std_header(&o, 1LL << 31);
        } else {
            tb_graph_std_header(&o, 1);
            lhv1_gw_varint(&o.graph, bomb == 2 ? 1LL << 28 : 1);
            if (bomb == 0)
                lhv1_gw_varint(&o.graph, 1LL << 36);
            if (bomb == 3) {
                lhv1_gw_string(&o.graph, lhv1_bytes_str("a"));
                lhv1_gw_varint(&o.graph, 1LL << 33);
            }
        }
        lhv1_buf_append(&o.graph, "\0\0\0", 3);
        lhv1_bytes body = tb_finish(&o);
        lhv1_status st;
        ck_assert_int_eq(tb_load(body, NULL, &st), LHV1_DECODE_ERROR);
        ck_assert_msg(st.reason == LHV1_R_GRAPH_COUNT_EXCEEDS_INPUT, "bomb %d: %s", bomb,
                      lhv1_reason_code(st.reason));
        tb_free(&o);
    }
}
END_TEST

Suite *suite_graph_decode(void)
{
    Suite *s = suite_create("graph_decode");
    TCase *tc = tcase_create("counts");
    tcase_add_test(tc, unpoisoned_graph_decodes);
    tcase_add_loop_test(tc, negative_count, 0, N_FIELDS);
    tcase_add_loop_test(tc, count_exceeds_input, 0, N_FIELDS);
    tcase_add_test(tc, exact_fits_are_accepted);
    tcase_add_test(tc, go_fatal_bombs_are_rejected);
    suite_add_tcase(s, tc);
    TCase *tr = tcase_create("read");
    tcase_add_test(tr, every_prefix_fails_cleanly);
    tcase_add_test(tr, truncated_ml_names_ml);
    tcase_add_test(tr, varint_overflow_in_each_header_varint);
    tcase_add_test(tr, go_header_order);
    tcase_add_test(tr, decoded_values);
    suite_add_tcase(s, tr);
    return s;
}
