/* lhv1_predict_go against FORMAT.md section 5a and the Go behaviour the
 * design notes record as verified: each row is an object and what Go's
 * loader does with it (ok, error, panic, fatal). */
#include <string.h>

#include "builder.h"
#include "check_suites.h"

#define STD_PARAMS                                                                    \
    "\"params\":{\"name\":\"docs\",\"dimension\":2,\"distance\":\"cosine\",\"m\":4," \
    "\"ef_search\":8}"

typedef struct go_case {
    const char *title;
    void (*build)(tb_object *o);
    lhv1_go want;
} go_case;

static void g_ok(tb_object *o) { tb_std_object(o); }

static void g_inconsistent(tb_object *o) /* Go loads what breaks our invariants */
{
    tb_env_std(o, TB_DIM, 3, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 3);
    tb_node_x(&o->graph, "a", 0, (const char *const[]){"zz", "a", NULL});
    tb_node_x(&o->graph, "a", 1, NULL);
    tb_node(&o->graph, "b", (const float[]){__builtin_nanf("")}, 1, NULL);
    lhv1_buf_puts(&o->graph, "trailing bytes are ignored");
    tb_finish(o);
}

static void g_bad_magic(tb_object *o)
{
    tb_std_object(o);
    o->body.data[0] = 'X';
}

static void env_then_std_graph(tb_object *o, const char *env)
{
    tb_env_raw(o, env);
    tb_graph_std(o);
    tb_finish(o);
}

static void g_env_syntax(tb_object *o) { env_then_std_graph(o, "{\"version\":1,"); }
static void g_env_trailing(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":3} x");
}
static void g_env_type(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":\"1\"," STD_PARAMS ",\"count\":3}");
}
static void g_env_version(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":2," STD_PARAMS ",\"count\":3}");
}
/* Not errors in Go: missing fields, out-of-range integers, unknown
 * distances, duplicate keys, \u0000 and invalid UTF-8 in strings. */
static void g_env_missing(tb_object *o) { env_then_std_graph(o, "{\"version\":1}"); }
static void g_env_range(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1,\"params\":{\"name\":\"\",\"dimension\":-5,"
                          "\"distance\":\"dot\",\"m\":0,\"ef_search\":8},\"count\":-1}");
}
static void g_env_dup(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1,\"count\":7," STD_PARAMS ",\"count\":3}");
}
static void g_env_nul_utf8(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1,\"params\":{\"name\":\"d\\u0000\xff\",\"dimension\":2,"
                          "\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},\"count\":3}");
}

/* Go's int fields take the literal text: "1.0" and "1e3" are type errors
 * there although liblhv1 reads them as integers. */
static void g_int_literal_1_0(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1.0," STD_PARAMS ",\"count\":3}");
}
static void g_int_literal_1e3(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                          "\"distance\":\"cosine\",\"m\":4,\"ef_search\":1e3},\"count\":3}");
}
static void g_int_non_integral(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":2.5}");
}
/* Field names match case-insensitively, and the last match wins. */
static void g_case_folded_keys(tb_object *o)
{
    env_then_std_graph(o, "{\"VERSION\":1,\"Params\":{\"NAME\":\"docs\",\"Dimension\":2,"
                          "\"distance\":\"cosine\",\"M\":4,\"EF_SEARCH\":8},\"Count\":3}");
}
static void g_case_folded_last_wins(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":3,\"Version\":2}");
}
static void g_long_s_folds_to_s(tb_object *o) /* U+017F folds to 's' */
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":3,\"ver\xc5\xbfion\":2}");
}
/* U+0130 and U+0131 are fold orbits of their own (Go 1.26's foldRune):
 * neither key names version, so version stays 1. */
static void g_dotted_i_not_folded(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":3,\"vers\xc4\xb0on\":2,"
                          "\"vers\\u0131on\":2}");
}
/* A key holding \u0000 is compared whole (cJSON would cut it at the NUL). */
static void g_nul_key_not_a_field(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":3,\"count\\u0000\":\"s\","
                          "\"version\\u0000\":2}");
}
/* Keys are unescaped before they are folded: \u017f and \u212a included. */
static void g_escaped_fold(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":3,\"ver\\u017fion\":2}");
}
static void g_kelvin_no_field(tb_object *o) /* K folds to k; no field has a k */
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":3,\"\\u212aount\":\"s\"}");
}
/* Nesting: 10,000 levels are fine, one more is an error; deep metadata
 * numbers beyond float64 are errors, deep unknown ones are not. */
static void deep(tb_object *o, int depth, const char *member, const char *leaf)
{
    tb_env_raw(o, "{\"version\":1," STD_PARAMS ",\"count\":3,");
    tb_env_raw(o, member);
    for (int i = 0; i < depth; i++)
        tb_env_raw(o, "[");
    tb_env_raw(o, leaf);
    for (int i = 0; i < depth; i++)
        tb_env_raw(o, "]");
    tb_env_raw(o, member[1] == 'm' ? "}}}" : "}");
    tb_graph_std(o);
    tb_finish(o);
}
static void g_depth_10000(tb_object *o) { deep(o, 9999, "\"x\":", "1e999"); }
static void g_depth_10001(tb_object *o) { deep(o, 10000, "\"x\":", "1"); }
static void g_deep_metadata_inf(tb_object *o)
{
    deep(o, 5000, "\"metadata\":{\"a\":{\"b\":", "2e308");
}
static void g_deep_metadata_small(tb_object *o)
{
    deep(o, 5000, "\"metadata\":{\"a\":{\"b\":", "1e-400");
}
/* Just below and above float64's largest value plus half an ulp. */
static void g_meta_max_double(tb_object *o)
{
    env_then_std_graph(o, "{\"version\":1," STD_PARAMS ",\"count\":3,\"metadata\":{\"a\":"
                          "{\"x\":1.7976931348623158e308}}}");
}
/* 2^1024 - 2^970, halfway between the largest double and 2^1024: a tie
 * that rounds to even, i.e. to infinity; one less is the largest double. */
static void meta_literal(tb_object *o, const char *lit)
{
    tb_env_raw(o, "{\"version\":1," STD_PARAMS ",\"count\":3,\"metadata\":{\"a\":{\"x\":");
    tb_env_raw(o, lit);
    tb_env_raw(o, "}}}");
    tb_graph_std(o);
    tb_finish(o);
}
static void g_meta_halfway_past_max(tb_object *o)
{
    meta_literal(o,
                          "1797693134862315807937289714053034150799341327100378269361737789804449"
                          "6829276475094664901797758720709633028641669288791094655554785194040263"
                          "0657488671505820681908902000708383676273854845817711531764475730270069"
                          "8555713669596228429148198608349364752927190741684443655107043427115596"
                          "99508093042880177904174497792");
}
static void g_meta_below_halfway(tb_object *o)
{
    meta_literal(o,
                          "1797693134862315807937289714053034150799341327100378269361737789804449"
                          "6829276475094664901797758720709633028641669288791094655554785194040263"
                          "0657488671505820681908902000708383676273854845817711531764475730270069"
                          "8555713669596228429148198608349364752927190741684443655107043427115596"
                          "99508093042880177904174497791");
}

static void g_graph_eof(tb_object *o)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    tb_graph_std_header(o, 2);
    lhv1_gw_varint(&o->graph, 1);
    tb_node_x(&o->graph, "a", 0, NULL); /* layer 1 never comes */
    tb_finish(o);
}

static void g_graph_overflow(tb_object *o)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    lhv1_buf_append(&o->graph, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10);
    tb_finish(o);
}

static void g_unknown_distance(tb_object *o)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    lhv1_gw_header(&o->graph, 1, TB_M, TB_ML, TB_EF, lhv1_bytes_str("dot"), 0);
    tb_finish(o);
}

static void g_bad_version(tb_object *o)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    lhv1_gw_header(&o->graph, 2, TB_M, TB_ML, TB_EF, lhv1_bytes_str("cosine"), 0);
    tb_finish(o);
}

static void g_negative_n_nodes(tb_object *o) /* an empty layer in Go */
{
    tb_env_std(o, TB_DIM, 0, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, -3);
    tb_finish(o);
}

/* One node whose field `which` (0 key length, 1 vector length, 2
 * neighbour count, 3 neighbour key length) holds `v`, then a few bytes. */
static void node_with(tb_object *o, int which, int64_t v)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 1);
    if (which == 0) {
        lhv1_gw_varint(&o->graph, v);
    } else {
        lhv1_gw_string(&o->graph, lhv1_bytes_str("a"));
        if (which == 1) {
            lhv1_gw_varint(&o->graph, v);
        } else {
            lhv1_gw_varint(&o->graph, 0);
            lhv1_gw_varint(&o->graph, which == 2 ? v : 1);
            if (which == 3)
                lhv1_gw_varint(&o->graph, v);
        }
    }
    lhv1_buf_append(&o->graph, "\0\0\0\0", 4);
    tb_finish(o);
}

static void g_neg_key(tb_object *o) { node_with(o, 0, -1); }
static void g_neg_vector(tb_object *o) { node_with(o, 1, -1); }
static void g_neg_neighbors(tb_object *o) { node_with(o, 2, -1); }
static void g_neg_nb_key(tb_object *o) { node_with(o, 3, -1); }
static void g_neg_layers(tb_object *o)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    tb_graph_std_header(o, -1);
    tb_finish(o);
}
static void g_neg_distance(tb_object *o)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    lhv1_gw_varint(&o->graph, 1);
    lhv1_gw_varint(&o->graph, TB_M);
    lhv1_buf_append(&o->graph, "\0\0\0\0\0\0\xd0\x3f", 8);
    lhv1_gw_varint(&o->graph, TB_EF);
    lhv1_gw_varint(&o->graph, -1);
    lhv1_buf_append(&o->graph, "\0\0", 2);
    tb_finish(o);
}

/* The four bombs Go dies on, verified (design notes). */
static void g_key_2_36(tb_object *o) { node_with(o, 0, 1LL << 36); }
static void g_vector_2_33(tb_object *o) { node_with(o, 1, 1LL << 33); }
static void g_nodes_2_28(tb_object *o)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 1LL << 28);
    lhv1_buf_append(&o->graph, "\0\0\0", 3);
    tb_finish(o);
}
static void g_layers_2_31(tb_object *o)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    tb_graph_std_header(o, 1LL << 31);
    lhv1_buf_append(&o->graph, "\0\0\0", 3);
    tb_finish(o);
}
/* Beyond Go's allocation limit (2^48 bytes): makeslice panics. */
static void g_key_2_50(tb_object *o) { node_with(o, 0, 1LL << 50); }
/* Small enough to allocate: the read then hits EOF. */
static void g_key_1000(tb_object *o) { node_with(o, 0, 1000); }

static const go_case cases[] = {
    {"valid", g_ok, LHV1_GO_OK},
    {"inconsistent", g_inconsistent, LHV1_GO_OK},
    {"bad magic", g_bad_magic, LHV1_GO_ERROR},
    {"envelope syntax", g_env_syntax, LHV1_GO_ERROR},
    {"envelope trailing bytes", g_env_trailing, LHV1_GO_ERROR},
    {"envelope version a string", g_env_type, LHV1_GO_ERROR},
    {"envelope version 2", g_env_version, LHV1_GO_ERROR},
    {"envelope fields missing", g_env_missing, LHV1_GO_OK},
    {"envelope values out of range", g_env_range, LHV1_GO_OK},
    {"envelope duplicate key", g_env_dup, LHV1_GO_OK},
    {"envelope \\u0000 and invalid UTF-8", g_env_nul_utf8, LHV1_GO_OK},
    {"int field holding 1.0", g_int_literal_1_0, LHV1_GO_ERROR},
    {"int field holding 1e3", g_int_literal_1e3, LHV1_GO_ERROR},
    {"int field holding 2.5", g_int_non_integral, LHV1_GO_ERROR},
    {"field names in other cases", g_case_folded_keys, LHV1_GO_OK},
    {"Version:2 after version:1", g_case_folded_last_wins, LHV1_GO_ERROR},
    {"ver\u017fion:2 after version:1", g_long_s_folds_to_s, LHV1_GO_ERROR},
    {"U+0130 and U+0131 do not fold", g_dotted_i_not_folded, LHV1_GO_OK},
    {"keys with \\u0000 read whole", g_nul_key_not_a_field, LHV1_GO_OK},
    {"ver\\u017fion escaped", g_escaped_fold, LHV1_GO_ERROR},
    {"Kelvin-sign key is unknown", g_kelvin_no_field, LHV1_GO_OK},
    {"nested 10,000 deep", g_depth_10000, LHV1_GO_OK},
    {"nested 10,001 deep", g_depth_10001, LHV1_GO_ERROR},
    {"metadata 1e999-like 5,000 deep", g_deep_metadata_inf, LHV1_GO_ERROR},
    {"metadata 1e-400 5,000 deep", g_deep_metadata_small, LHV1_GO_OK},
    {"metadata largest double", g_meta_max_double, LHV1_GO_OK},
    {"metadata 2^1024 - 2^970", g_meta_halfway_past_max, LHV1_GO_ERROR},
    {"metadata 2^1024 - 2^970 - 1", g_meta_below_halfway, LHV1_GO_OK},
    {"graph ends inside a layer", g_graph_eof, LHV1_GO_ERROR},
    {"graph varint overflow", g_graph_overflow, LHV1_GO_ERROR},
    {"graph unknown distance", g_unknown_distance, LHV1_GO_ERROR},
    {"graph version 2", g_bad_version, LHV1_GO_ERROR},
    {"negative n_nodes", g_negative_n_nodes, LHV1_GO_OK},
    {"negative key length", g_neg_key, LHV1_GO_PANIC},
    {"negative vector length", g_neg_vector, LHV1_GO_PANIC},
    {"negative neighbour count", g_neg_neighbors, LHV1_GO_PANIC},
    {"negative neighbour key length", g_neg_nb_key, LHV1_GO_PANIC},
    {"negative n_layers", g_neg_layers, LHV1_GO_PANIC},
    {"negative distance length", g_neg_distance, LHV1_GO_PANIC},
    {"key length 2^36", g_key_2_36, LHV1_GO_FATAL},
    {"vector length 2^33", g_vector_2_33, LHV1_GO_FATAL},
    {"n_nodes 2^28", g_nodes_2_28, LHV1_GO_FATAL},
    {"n_layers 2^31", g_layers_2_31, LHV1_GO_FATAL},
    {"key length 2^50", g_key_2_50, LHV1_GO_PANIC},
    {"key length 1000, 4 bytes left", g_key_1000, LHV1_GO_ERROR},
};

START_TEST(predicts_go)
{
    tb_object o;
    tb_init(&o);
    cases[_i].build(&o);
    char why[256] = "";
    lhv1_go got = lhv1_predict_go(o.body.data, o.body.len, why, sizeof why);
    tb_free(&o); /* before asserting: a failed check must not leak in no-fork mode */
    ck_assert_msg(got == cases[_i].want, "%s: predicted %s, Go does %s (%s)", cases[_i].title,
                  lhv1_go_name(got), lhv1_go_name(cases[_i].want), why);
    if (got != LHV1_GO_OK)
        ck_assert_msg(why[0] != '\0', "%s: no reason given", cases[_i].title);
}
END_TEST

/* lhv1_predict_go_peak: the largest allocation one read asks Go for
 * (FORMAT.md 5a's costs), also when the read is the fatal one. */
static void p_key_1000(tb_object *o) { node_with(o, 0, 1000); }
static void p_vector_1000(tb_object *o) { node_with(o, 1, 1000); }
static void p_neighbors_1000(tb_object *o) { node_with(o, 2, 1000); }
static void p_nb_key_1000(tb_object *o) { node_with(o, 3, 1000); }
static void p_layers_1000(tb_object *o)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    tb_graph_std_header(o, 1000);
    tb_finish(o);
}

static const struct {
    const char *title;
    void (*build)(tb_object *o);
    uint64_t peak;
} peaks[] = {
    {"key length 1000: the slice and binary.Read's buffer", p_key_1000, 2000},
    {"vector of 1000: 4 bytes twice", p_vector_1000, 8000},
    {"1000 neighbours: 16 bytes a key", p_neighbors_1000, 16000},
    {"neighbour key length 1000", p_nb_key_1000, 2000},
    {"1000 layers: 8 bytes a layer", p_layers_1000, 8000},
    {"key length 2^36 (fatal)", g_key_2_36, 1ULL << 37},
    {"n_layers 2^31 (fatal)", g_layers_2_31, 1ULL << 34},
};

START_TEST(reports_peak)
{
    tb_object o;
    tb_init(&o);
    peaks[_i].build(&o);
    uint64_t peak = 0;
    lhv1_predict_go_peak(o.body.data, o.body.len, NULL, 0, &peak);
    tb_free(&o);
    ck_assert_msg(peak == peaks[_i].peak, "%s: peak %llu, want %llu", peaks[_i].title,
                  (unsigned long long)peak, (unsigned long long)peaks[_i].peak);
}
END_TEST

Suite *suite_go_predict(void)
{
    Suite *s = suite_create("go_predict");
    TCase *tc = tcase_create("go");
    tcase_add_loop_test(tc, predicts_go, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_loop_test(tc, reports_peak, 0, (int)(sizeof peaks / sizeof peaks[0]));
    suite_add_tcase(s, tc);
    return s;
}
