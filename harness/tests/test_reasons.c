/* Every reason code of LHV1_REASONS (except the store layer's) produced
 * from crafted bytes through lhv1_index_load_any (lhv1_index_load, the
 * LHV1-only path, where a case says so): verdict, reason, the offset
 * of the spot and a message that names it. The table below is the test;
 * the meta-test fails when a reason code has no row. */
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "check_suites.h"

/* What a case expects beyond its reason: the offset range that names the
 * spot (inclusive; lo == hi for an exact offset), a message substring,
 * and the name the object is loaded as. */
typedef struct expect {
    int64_t lo, hi;
    const char *msg;
    const char *name;
    int lhv1_only; /* load through the LHV1-only path */
} expect;

static void exact(expect *ex, int64_t off) { ex->lo = ex->hi = off; }

/* The envelope fields of the standard object, without braces, so cases
 * can wrap them with one odd member. */
#define STD_FIELDS                                                                     \
    "\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,\"distance\":\"cosine\"," \
    "\"m\":4,\"ef_search\":8},\"count\":3"

/* The envelope as a whole, for the cross-checks and decode-only cases. */
static void in_envelope(const tb_object *o, expect *ex)
{
    ex->lo = LHV1_HEADER_LEN;
    ex->hi = tb_env_abs(o->env.len) - 1;
}

/* ---- frame ------------------------------------------------------------ */

static void c_none(tb_object *o, expect *ex)
{
    tb_std_object(o);
    exact(ex, -1);
}

static void c_frame_too_short(tb_object *o, expect *ex)
{
    lhv1_buf_append(&o->body, "LHV1\0\0\0", 7);
    exact(ex, 0);
}

static void c_frame_bad_magic(tb_object *o, expect *ex)
{
    tb_std_object(o);
    o->body.data[3] = '3';
    exact(ex, 0);
}

/* ---- LHV2 (lhv2.h): the standard object's sections in the successor ---- */

static void lhv2_object(tb_object *o)
{
    tb_std_object(o);
    lhv1_bytes env, graph;
    lhv1_status st;
    lhv1_buf v2;
    lhv1_buf_init(&v2);
    ck_assert_int_eq(lhv1_unframe(o->body.data, o->body.len, &env, &graph, &st), 0);
    ck_assert_int_eq(lhv1_lhv2_frame(env, graph, &v2, &st), 0);
    lhv1_buf_free(&o->body);
    o->body = v2;
}

static void c_frame_newer_format(tb_object *o, expect *ex)
{
    lhv2_object(o);
    ex->lhv1_only = 1;
    ex->msg = "newer format";
    exact(ex, 0);
}

static void c_lhv2_too_short(tb_object *o, expect *ex)
{
    lhv1_buf_append(&o->body, "LHV2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 23);
    exact(ex, 0);
}

static void c_lhv2_header_checksum(tb_object *o, expect *ex)
{
    lhv2_object(o);
    o->body.data[9] ^= 0x40; /* graph_len, not yet trusted */
    exact(ex, 16);
}

static void c_lhv2_length_mismatch(tb_object *o, expect *ex)
{
    lhv2_object(o);
    o->body.len -= 1; /* torn: the trailer's last byte lost */
    exact(ex, 4);
}

static void c_lhv2_body_checksum(tb_object *o, expect *ex)
{
    lhv2_object(o);
    o->body.data[o->body.len - 10] ^= 0x01; /* a bit of a vector */
    ex->lo = ex->hi = (int64_t)o->body.len - LHV2_TRAILER_LEN;
    ex->msg = "CRC-32C";
}

static void c_frame_overrun(tb_object *o, expect *ex)
{
    tb_std_object(o);
    uint32_t lie = (uint32_t)(o->body.len - LHV1_HEADER_LEN + 1);
    o->body.data[4] = (uint8_t)(lie >> 24);
    o->body.data[5] = (uint8_t)(lie >> 16);
    o->body.data[6] = (uint8_t)(lie >> 8);
    o->body.data[7] = (uint8_t)lie;
    exact(ex, 4);
}

/* ---- envelope ----------------------------------------------------------- */

static void std_graph_and_finish(tb_object *o)
{
    tb_graph_std(o);
    tb_finish(o);
}

static void c_env_utf8(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"note\":\"");
    size_t at = o->env.len;
    tb_env_bytes(o, "\xc3\x28", 2); /* a lead byte without its continuation */
    tb_env_raw(o, "\"," STD_FIELDS "}");
    std_graph_and_finish(o);
    exact(ex, tb_env_abs(at));
}

static void c_env_nul(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"note\":\"ab");
    size_t at = o->env.len;
    tb_env_raw(o, "\\u0000\"," STD_FIELDS "}");
    std_graph_and_finish(o);
    exact(ex, tb_env_abs(at));
}

static void c_env_syntax(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"version\" 1," STD_FIELDS "}");
    std_graph_and_finish(o);
    in_envelope(o, ex);
}

static void c_env_trailing(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{" STD_FIELDS "} \n");
    size_t at = o->env.len;
    tb_env_raw(o, "x");
    std_graph_and_finish(o);
    exact(ex, tb_env_abs(at));
}

static void c_env_not_object(tb_object *o, expect *ex)
{
    tb_env_raw(o, "[1,2]");
    std_graph_and_finish(o);
    exact(ex, LHV1_HEADER_LEN);
}

static void c_env_duplicate(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"count\":3,\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                  "\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},");
    size_t at = o->env.len; /* the second "count": the key literal, not the envelope */
    tb_env_raw(o, "\"count\":3}");
    std_graph_and_finish(o);
    exact(ex, tb_env_abs(at));
    ex->msg = "count";
}

static void c_env_folded_key(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{" STD_FIELDS ",");
    size_t at = o->env.len;
    tb_env_raw(o, "\"Count\":4}"); /* Go would read it as count, and keep the last */
    std_graph_and_finish(o);
    exact(ex, tb_env_abs(at));
    ex->msg = "Count";
}

static void c_env_integer_spelling(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                  "\"distance\":\"cosine\",\"m\":");
    size_t at = o->env.len;
    tb_env_raw(o, "4.0,\"ef_search\":8},\"count\":3}");
    std_graph_and_finish(o);
    exact(ex, tb_env_abs(at));
    ex->msg = "params.m";
}

static void c_env_missing(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                  "\"distance\":\"cosine\",\"m\":4},\"count\":3}");
    std_graph_and_finish(o);
    in_envelope(o, ex);
    ex->msg = "params.ef_search";
}

static void c_env_wrong_type(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                  "\"distance\":\"cosine\",\"m\":\"4\",\"ef_search\":8},\"count\":3}");
    std_graph_and_finish(o);
    in_envelope(o, ex);
    ex->msg = "params.m";
}

static void c_env_not_integer(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2.5,"
                  "\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},\"count\":3}");
    std_graph_and_finish(o);
    in_envelope(o, ex);
    ex->msg = "params.dimension";
}

static void c_env_out_of_range(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                  "\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},\"count\":-1}");
    std_graph_and_finish(o);
    in_envelope(o, ex);
    ex->msg = "count";
}

static void c_env_bad_version(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"version\":2,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                  "\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},\"count\":3}");
    std_graph_and_finish(o);
    in_envelope(o, ex);
    ex->msg = "version";
}

static void c_env_unknown_distance(tb_object *o, expect *ex)
{
    tb_env_raw(o, "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                  "\"distance\":\"dot\",\"m\":4,\"ef_search\":8},\"count\":3}");
    std_graph_and_finish(o);
    in_envelope(o, ex);
    ex->msg = "dot";
}

/* ---- graph decode --------------------------------------------------------- */

static void c_graph_truncated(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 1);
    lhv1_gw_string(&o->graph, lhv1_bytes_str("a"));
    size_t at = o->graph.len;
    lhv1_buf_putc(&o->graph, 0x80); /* the vector length's varint, cut short */
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "vector length";
}

static void c_graph_overflow(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    lhv1_gw_varint(&o->graph, 1);
    size_t at = o->graph.len;
    /* M: nine continuation bytes, then a 10th byte above 1. */
    lhv1_buf_append(&o->graph, "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", 10);
    lhv1_buf_append(&o->graph, "\0\0\0\0\0\0\xd0\x3f", 8);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "M";
}

static void c_graph_negative(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    lhv1_gw_header(&o->graph, 1, TB_M, TB_ML, TB_EF, lhv1_bytes_str("cosine"), 1);
    o->graph.len--; /* rewrite n_layers */
    size_t at = o->graph.len;
    lhv1_gw_varint(&o->graph, -1);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "layer";
}

static void c_graph_exceeds(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    tb_graph_std_header(o, 1);
    size_t at = o->graph.len;
    lhv1_gw_varint(&o->graph, 2); /* two nodes need 6 bytes; 5 follow */
    lhv1_buf_append(&o->graph, "\x02" "a" "\0\0\0", 5);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "node";
}

static void c_graph_unknown_distance(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    lhv1_gw_varint(&o->graph, 1);
    lhv1_gw_varint(&o->graph, TB_M);
    lhv1_buf_append(&o->graph, "\0\0\0\0\0\0\xd0\x3f", 8);
    lhv1_gw_varint(&o->graph, TB_EF);
    size_t at = o->graph.len;
    lhv1_gw_string(&o->graph, lhv1_bytes_str("dot"));
    lhv1_gw_varint(&o->graph, 0);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "dot";
}

static void c_graph_bad_version(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 0, NULL);
    lhv1_gw_header(&o->graph, 2, TB_M, TB_ML, TB_EF, lhv1_bytes_str("cosine"), 0);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, 0));
    ex->msg = "2";
}

/* ---- graph invariants --------------------------------------------------------- */

static void c_bad_params(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    lhv1_gw_header(&o->graph, 1, TB_M, -0.5, TB_EF, lhv1_bytes_str("cosine"), 1);
    size_t end = o->graph.len - 1;
    lhv1_gw_varint(&o->graph, 1);
    tb_node_x(&o->graph, "a", 0, NULL);
    tb_finish(o);
    ex->lo = tb_graph_abs(o, 0); /* somewhere in the header */
    ex->hi = tb_graph_abs(o, end);
    ex->msg = "Ml";
}

static void c_empty_layer(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 1, NULL);
    tb_graph_std_header(o, 2);
    lhv1_gw_varint(&o->graph, 1);
    tb_node_x(&o->graph, "a", 0, NULL);
    size_t at = o->graph.len;
    lhv1_gw_varint(&o->graph, 0);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "layer 1";
}

static void c_duplicate_node(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 3, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 3);
    tb_node_x(&o->graph, "a", 0, NULL);
    tb_node_x(&o->graph, "b", 1, NULL);
    size_t at = o->graph.len;
    tb_node_x(&o->graph, "a", 2, NULL);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "\"a\"";
}

static void c_vector_length(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 2, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, NULL);
    size_t at = o->graph.len;
    tb_node(&o->graph, "b", (const float[]){1, 2, 3}, 3, NULL);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "\"b\"";
}

static void c_non_finite(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 2, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, NULL);
    size_t at = o->graph.len;
    tb_node(&o->graph, "b", (const float[]){1, __builtin_nanf("")}, 2, NULL);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "\"b\"";
}

/* Layer 0 of a, b, c where the node `odd` (written second) gets the
 * neighbour list `nb`; the others list nothing. */
static void one_odd_list(tb_object *o, expect *ex, const char *const *nb)
{
    tb_env_std(o, TB_DIM, 3, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 3);
    tb_node_x(&o->graph, "a", 0, NULL);
    size_t at = o->graph.len;
    tb_node_x(&o->graph, "b", 1, nb);
    tb_node_x(&o->graph, "c", 2, NULL);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "\"b\"";
}

static void c_self_neighbor(tb_object *o, expect *ex)
{
    one_odd_list(o, ex, (const char *const[]){"a", "b", NULL});
}

static void c_duplicate_neighbor(tb_object *o, expect *ex)
{
    one_odd_list(o, ex, (const char *const[]){"c", "a", "c", NULL});
}

static void c_dangling_neighbor(tb_object *o, expect *ex)
{
    one_odd_list(o, ex, (const char *const[]){"a", "z", NULL});
}

static void c_too_many_neighbors(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, TB_M + 2, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, TB_M + 2);
    size_t at = o->graph.len;
    tb_node_x(&o->graph, "n0", 0, (const char *const[]){"n1", "n2", "n3", "n4", "n5", NULL});
    char key[8];
    for (int i = 1; i < TB_M + 2; i++) {
        snprintf(key, sizeof key, "n%d", i);
        tb_node_x(&o->graph, key, (float)i, NULL);
    }
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "\"n0\"";
}

static void c_layer_not_subset(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 2, NULL);
    tb_graph_std_header(o, 2);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, NULL);
    tb_node_x(&o->graph, "b", 1, NULL);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, NULL);
    size_t at = o->graph.len;
    tb_node_x(&o->graph, "z", 1, NULL);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "\"z\"";
}

static void c_layer_vector_differs(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, 2, NULL);
    tb_graph_std_header(o, 2);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, NULL);
    tb_node_x(&o->graph, "b", 1, NULL);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, NULL);
    size_t at = o->graph.len;
    tb_node_x(&o->graph, "b", 7, NULL);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "\"b\"";
}

static void c_trailing(tb_object *o, expect *ex)
{
    tb_env_std(o, TB_DIM, TB_STD_COUNT, NULL);
    tb_graph_std(o);
    size_t at = o->graph.len;
    lhv1_buf_append(&o->graph, "\0\0", 2);
    tb_finish(o);
    exact(ex, tb_graph_abs(o, at));
    ex->msg = "2";
}

/* ---- cross-checks ----------------------------------------------------------------- */

static void cross(tb_object *o, expect *ex, const char *envelope, const char *msg)
{
    tb_env_raw(o, envelope);
    std_graph_and_finish(o);
    ex->lo = 0;
    ex->hi = (int64_t)o->body.len - 1;
    ex->msg = msg;
}

static void c_cross_distance(tb_object *o, expect *ex)
{
    cross(o, ex,
          "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,\"distance\":"
          "\"euclidean\",\"m\":4,\"ef_search\":8},\"count\":3}",
          "euclidean");
}

static void c_cross_m(tb_object *o, expect *ex)
{
    cross(o, ex,
          "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,\"distance\":"
          "\"cosine\",\"m\":5,\"ef_search\":8},\"count\":3}",
          "5");
}

static void c_cross_ef(tb_object *o, expect *ex)
{
    cross(o, ex,
          "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,\"distance\":"
          "\"cosine\",\"m\":4,\"ef_search\":9},\"count\":3}",
          "9");
}

static void c_cross_count(tb_object *o, expect *ex)
{
    cross(o, ex,
          "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,\"distance\":"
          "\"cosine\",\"m\":4,\"ef_search\":8},\"count\":4}",
          "4");
}

static void c_cross_dimension(tb_object *o, expect *ex)
{
    cross(o, ex,
          "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":3,\"distance\":"
          "\"cosine\",\"m\":4,\"ef_search\":8},\"count\":3}",
          "dimension");
}

static void c_cross_orphan(tb_object *o, expect *ex)
{
    cross(o, ex, "{" STD_FIELDS ",\"metadata\":{\"a\":{},\"zebra\":{\"k\":1}}}", "zebra");
}

/* A key quoted in a message cannot end its quote or forge text: '"' and
 * control bytes come out as \xHH. */
static void c_cross_orphan_hostile(tb_object *o, expect *ex)
{
    cross(o, ex, "{" STD_FIELDS ",\"metadata\":{\"v0\\\" is ok; \\u0007\":{}}}",
          "metadata key \"v0\\x22 is ok; \\x07\" is not a node");
}

static void c_cross_name(tb_object *o, expect *ex)
{
    cross(o, ex, "{" STD_FIELDS "}", "other");
    ex->name = "other";
}

typedef struct reason_case {
    const char *title;
    lhv1_reason reason;
    void (*build)(tb_object *o, expect *ex);
} reason_case;

static const reason_case cases[] = {
    {"valid object", LHV1_R_NONE, c_none},
    {"7-byte body", LHV1_R_FRAME_TOO_SHORT, c_frame_too_short},
    {"magic LHV3", LHV1_R_FRAME_BAD_MAGIC, c_frame_bad_magic},
    {"envelope_len one past the body", LHV1_R_FRAME_ENVELOPE_OVERRUN, c_frame_overrun},
    {"LHV2 object on the LHV1-only path", LHV1_R_FRAME_NEWER_FORMAT, c_frame_newer_format},
    {"LHV2: 23 bytes", LHV1_R_LHV2_TOO_SHORT, c_lhv2_too_short},
    {"LHV2: bit flip in graph_len", LHV1_R_LHV2_HEADER_CHECKSUM, c_lhv2_header_checksum},
    {"LHV2: torn, one byte short", LHV1_R_LHV2_LENGTH_MISMATCH, c_lhv2_length_mismatch},
    {"LHV2: bit flip in a vector", LHV1_R_LHV2_BODY_CHECKSUM, c_lhv2_body_checksum},
    {"C3 28 in a string", LHV1_R_ENV_INVALID_UTF8, c_env_utf8},
    {"\\u0000 in a string", LHV1_R_ENV_NUL_ESCAPE, c_env_nul},
    {"missing colon", LHV1_R_ENV_SYNTAX, c_env_syntax},
    {"x after the object", LHV1_R_ENV_TRAILING_BYTES, c_env_trailing},
    {"an array", LHV1_R_ENV_NOT_OBJECT, c_env_not_object},
    {"count twice", LHV1_R_ENV_DUPLICATE_KEY, c_env_duplicate},
    {"Count beside count", LHV1_R_ENV_FOLDED_KEY, c_env_folded_key},
    {"no ef_search", LHV1_R_ENV_MISSING_FIELD, c_env_missing},
    {"m as a string", LHV1_R_ENV_WRONG_TYPE, c_env_wrong_type},
    {"dimension 2.5", LHV1_R_ENV_NOT_INTEGER, c_env_not_integer},
    {"count -1", LHV1_R_ENV_OUT_OF_RANGE, c_env_out_of_range},
    {"m 4.0", LHV1_R_ENV_INTEGER_SPELLING, c_env_integer_spelling},
    {"version 2", LHV1_R_ENV_BAD_VERSION, c_env_bad_version},
    {"distance dot", LHV1_R_ENV_UNKNOWN_DISTANCE, c_env_unknown_distance},
    {"vector length cut", LHV1_R_GRAPH_TRUNCATED, c_graph_truncated},
    {"M overflows", LHV1_R_GRAPH_VARINT_OVERFLOW, c_graph_overflow},
    {"n_layers -1", LHV1_R_GRAPH_NEGATIVE_COUNT, c_graph_negative},
    {"2 nodes in 5 bytes", LHV1_R_GRAPH_COUNT_EXCEEDS_INPUT, c_graph_exceeds},
    {"graph distance dot", LHV1_R_GRAPH_UNKNOWN_DISTANCE, c_graph_unknown_distance},
    {"graph version 2", LHV1_R_GRAPH_BAD_VERSION, c_graph_bad_version},
    {"Ml -0.5", LHV1_R_GRAPH_BAD_PARAMS, c_bad_params},
    {"layer 1 empty", LHV1_R_GRAPH_EMPTY_LAYER, c_empty_layer},
    {"a twice in layer 0", LHV1_R_GRAPH_DUPLICATE_NODE, c_duplicate_node},
    {"b of length 3", LHV1_R_GRAPH_VECTOR_LENGTH, c_vector_length},
    {"b holds NaN", LHV1_R_GRAPH_NON_FINITE, c_non_finite},
    {"b lists b", LHV1_R_GRAPH_SELF_NEIGHBOR, c_self_neighbor},
    {"b lists c twice", LHV1_R_GRAPH_DUPLICATE_NEIGHBOR, c_duplicate_neighbor},
    {"n0 lists M+1", LHV1_R_GRAPH_TOO_MANY_NEIGHBORS, c_too_many_neighbors},
    {"b lists z", LHV1_R_GRAPH_DANGLING_NEIGHBOR, c_dangling_neighbor},
    {"z only in layer 1", LHV1_R_GRAPH_LAYER_NOT_SUBSET, c_layer_not_subset},
    {"b moves in layer 1", LHV1_R_GRAPH_LAYER_VECTOR_DIFFERS, c_layer_vector_differs},
    {"2 bytes after the last layer", LHV1_R_GRAPH_TRAILING_BYTES, c_trailing},
    {"euclidean vs cosine", LHV1_R_CROSS_DISTANCE, c_cross_distance},
    {"m 5 vs 4", LHV1_R_CROSS_M, c_cross_m},
    {"ef_search 9 vs 8", LHV1_R_CROSS_EF_SEARCH, c_cross_ef},
    {"count 4 vs 3", LHV1_R_CROSS_COUNT, c_cross_count},
    {"dimension 3 vs 2", LHV1_R_CROSS_DIMENSION, c_cross_dimension},
    {"metadata for zebra", LHV1_R_CROSS_METADATA_ORPHAN, c_cross_orphan},
    {"metadata key with a quote and BEL", LHV1_R_CROSS_METADATA_ORPHAN, c_cross_orphan_hostile},
    {"loaded as other", LHV1_R_CROSS_NAME, c_cross_name},
};
#define N_CASES (int)(sizeof cases / sizeof cases[0])

/* The spec's table (verdict.h), read here independently of the library's
 * lookup functions. */
static const struct {
    lhv1_reason id;
    const char *code;
    lhv1_verdict verdict;
} spec[] = {
#define SPEC_ROW(id, code, verdict) {LHV1_R_##id, code, verdict},
    LHV1_REASONS(SPEC_ROW)
#undef SPEC_ROW
};
#define N_SPEC (int)(sizeof spec / sizeof spec[0])

/* Store-layer reasons and out-of-memory cannot come from bytes; the store
 * suites and the allocation-failure loop (harness/oom/) own them. */
static int not_from_bytes(lhv1_reason r)
{
    return r == LHV1_R_KEY_MISSING || r == LHV1_R_STORE_FAILED || r == LHV1_R_OUT_OF_MEMORY;
}

START_TEST(reason_from_bytes)
{
    const reason_case *c = &cases[_i];
    tb_object o;
    tb_init(&o);
    expect ex = {0, 0, NULL, NULL, 0};
    c->build(&o, &ex);
    lhv1_status st;
    lhv1_index idx;
    lhv1_verdict v = ex.lhv1_only
                         ? lhv1_index_load(o.body.data, o.body.len, ex.name, &idx, &st)
                         : lhv1_index_load_any(o.body.data, o.body.len, ex.name, &idx, NULL, &st);
    lhv1_index_free(&idx);
    const char *want = spec[c->reason].code;
    ck_assert_msg(st.reason == c->reason, "%s: reason %s, want %s (%s)", c->title,
                  lhv1_reason_code(st.reason), want, st.message);
    ck_assert_msg(v == spec[c->reason].verdict && st.verdict == v,
                  "%s: verdict %s, want %s", c->title, lhv1_verdict_name(v),
                  lhv1_verdict_name(spec[c->reason].verdict));
    ck_assert_msg(st.offset >= ex.lo && st.offset <= ex.hi,
                  "%s (%s): offset %lld, want %lld..%lld (%s)", c->title, want,
                  (long long)st.offset, (long long)ex.lo, (long long)ex.hi, st.message);
    if (c->reason != LHV1_R_NONE)
        ck_assert_msg(st.message[0] != '\0', "%s: empty message", c->title);
    if (ex.msg)
        ck_assert_msg(strstr(st.message, ex.msg) != NULL, "%s (%s): message \"%s\" lacks \"%s\"",
                      c->title, want, st.message, ex.msg);
    tb_free(&o);
}
END_TEST

/* Meta-test: a reason code added to LHV1_REASONS without a row above fails
 * here, so no code ships untested. */
START_TEST(every_reason_has_a_case)
{
    for (int r = 0; r < N_SPEC; r++) {
        if (not_from_bytes(spec[r].id))
            continue;
        int found = 0;
        for (int i = 0; i < N_CASES; i++)
            found |= cases[i].reason == spec[r].id;
        ck_assert_msg(found, "reason %s has no crafted-bytes test", spec[r].code);
    }
    ck_assert_int_eq(N_SPEC, LHV1_REASON_COUNT);
}
END_TEST

START_TEST(reason_table_matches_spec)
{
    for (int r = 0; r < N_SPEC; r++) {
        ck_assert_int_eq(spec[r].id, r);
        ck_assert_str_eq(lhv1_reason_code((lhv1_reason)r), spec[r].code);
        ck_assert_int_eq(lhv1_reason_verdict((lhv1_reason)r), spec[r].verdict);
        ck_assert_int_eq(lhv1_reason_from_code(spec[r].code), r);
        for (int q = 0; q < r; q++) /* codes are unique */
            ck_assert_str_ne(spec[q].code, spec[r].code);
    }
    ck_assert_int_eq(lhv1_reason_from_code("no-such-reason"), LHV1_REASON_COUNT);
    static const char *const names[] = {"ok", "missing", "store-error", "bad-format",
                                        "decode-error", "inconsistent", "out-of-memory"};
    for (int v = 0; v < LHV1_VERDICT_COUNT; v++)
        ck_assert_str_eq(lhv1_verdict_name((lhv1_verdict)v), names[v]);
}
END_TEST

/* First failure wins, in the spec's order, whatever the file order: each
 * object breaks two rules, the one checked later placed earlier in the
 * file. Each invariant is checked over the whole graph before the next. */
static void order_dup_node_vs_vector_length(tb_object *o)
{
    tb_env_std(o, TB_DIM, 3, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 3);
    tb_node(&o->graph, "a", (const float[]){1, 2, 3}, 3, NULL); /* sets the length: 3 */
    tb_node(&o->graph, "b", (const float[]){1, 2}, 2, NULL);    /* vector-length */
    tb_node(&o->graph, "a", (const float[]){1, 2, 3}, 3, NULL); /* duplicate-node, later */
}

static void order_non_finite_vs_self(tb_object *o)
{
    tb_env_std(o, TB_DIM, 2, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, (const char *const[]){"a", NULL}); /* self-neighbor */
    tb_node(&o->graph, "b", (const float[]){__builtin_inff(), 0}, 2, NULL); /* non-finite */
}

static void order_self_vs_dup_neighbor(tb_object *o)
{
    tb_env_std(o, TB_DIM, 3, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 3);
    tb_node_x(&o->graph, "a", 0, (const char *const[]){"b", "b", NULL}); /* duplicate-neighbor */
    tb_node_x(&o->graph, "b", 1, NULL);
    tb_node_x(&o->graph, "c", 2, (const char *const[]){"c", NULL}); /* self-neighbor */
}

static void order_too_many_vs_dangling(tb_object *o)
{
    tb_env_std(o, TB_DIM, 6, NULL);
    tb_graph_std_header(o, 1);
    lhv1_gw_varint(&o->graph, 6);
    tb_node_x(&o->graph, "a", 0, (const char *const[]){"zz", NULL}); /* dangling */
    tb_node_x(&o->graph, "b", 1, NULL);
    tb_node_x(&o->graph, "c", 2, NULL);
    tb_node_x(&o->graph, "d", 3, NULL);
    tb_node_x(&o->graph, "e", 4, NULL);
    tb_node_x(&o->graph, "f", 5, (const char *const[]){"a", "b", "c", "d", "e", NULL}); /* M+1 */
}

static void order_layer1_self_vs_layer0_dangling(tb_object *o)
{
    tb_env_std(o, TB_DIM, 2, NULL);
    tb_graph_std_header(o, 2);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, (const char *const[]){"zz", NULL}); /* dangling, layer 0 */
    tb_node_x(&o->graph, "b", 1, NULL);
    lhv1_gw_varint(&o->graph, 1);
    tb_node_x(&o->graph, "b", 1, (const char *const[]){"b", NULL}); /* self, layer 1 */
}

static void order_invariant_vs_cross(tb_object *o)
{
    tb_env_raw(o, "{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":5,\"distance\":"
                  "\"euclidean\",\"m\":9,\"ef_search\":9},\"count\":9}");
    tb_graph_std(o);
    lhv1_buf_putc(&o->graph, 0); /* trailing bytes: the last invariant still beats cross-checks */
}

static void order_decode_vs_invariant(tb_object *o)
{
    tb_env_std(o, TB_DIM, 2, NULL);
    tb_graph_std_header(o, 2);
    lhv1_gw_varint(&o->graph, 2);
    tb_node_x(&o->graph, "a", 0, (const char *const[]){"a", "zz", "zz", NULL});
    tb_node_x(&o->graph, "a", 0, NULL);
    lhv1_gw_varint(&o->graph, -1); /* decode error in layer 1 beats all of the above */
}

static void order_env_vs_frame_free_graph(tb_object *o)
{
    tb_env_raw(o, "{\"version\":1,\"version\":1}");
    lhv1_buf_putc(&o->graph, 0x80); /* a truncated graph is never looked at */
}

static const struct {
    const char *title;
    void (*build)(tb_object *o);
    lhv1_reason want;
} order_cases[] = {
    {"duplicate node after vector length", order_dup_node_vs_vector_length,
     LHV1_R_GRAPH_DUPLICATE_NODE},
    {"non-finite after self neighbour", order_non_finite_vs_self, LHV1_R_GRAPH_NON_FINITE},
    {"self neighbour after duplicate neighbour", order_self_vs_dup_neighbor,
     LHV1_R_GRAPH_SELF_NEIGHBOR},
    {"too many after dangling", order_too_many_vs_dangling, LHV1_R_GRAPH_TOO_MANY_NEIGHBORS},
    {"layer-1 self after layer-0 dangling", order_layer1_self_vs_layer0_dangling,
     LHV1_R_GRAPH_SELF_NEIGHBOR},
    {"trailing bytes before cross-checks", order_invariant_vs_cross, LHV1_R_GRAPH_TRAILING_BYTES},
    {"decode error after invariant breaks", order_decode_vs_invariant,
     LHV1_R_GRAPH_NEGATIVE_COUNT},
    {"envelope before graph", order_env_vs_frame_free_graph, LHV1_R_ENV_DUPLICATE_KEY},
};

START_TEST(first_failure_in_spec_order)
{
    tb_object o;
    tb_init(&o);
    order_cases[_i].build(&o);
    lhv1_status st;
    tb_load(tb_finish(&o), NULL, &st);
    ck_assert_msg(st.reason == order_cases[_i].want, "%s: %s, want %s (%s)", order_cases[_i].title,
                  lhv1_reason_code(st.reason), spec[order_cases[_i].want].code, st.message);
    tb_free(&o);
}
END_TEST

Suite *suite_reasons(void)
{
    Suite *s = suite_create("reasons");
    TCase *tc = tcase_create("crafted");
    tcase_add_loop_test(tc, reason_from_bytes, 0, N_CASES);
    tcase_add_test(tc, every_reason_has_a_case);
    tcase_add_test(tc, reason_table_matches_spec);
    tcase_add_loop_test(tc, first_failure_in_spec_order, 0,
                        (int)(sizeof order_cases / sizeof order_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
