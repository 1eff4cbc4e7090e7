/* The canonical dump (FORMAT.md section 6): one literal, hand-checked
 * expectation pins the format; the rest are properties (file order does
 * not matter, non-UTF-8 keys as hex, escaping, canonical metadata). */
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "check_suites.h"

static void dump_of(lhv1_bytes body, lhv1_buf *out)
{
    lhv1_index idx;
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load(body.data, body.len, NULL, &idx, &st);
    ck_assert_msg(v == LHV1_OK || v == LHV1_INCONSISTENT, "%s: %s", lhv1_reason_code(st.reason),
                  st.message);
    ck_assert_int_eq(lhv1_index_dump(&idx, out), 0);
    lhv1_index_free(&idx);
}

static void assert_dump(const lhv1_buf *got, const char *want)
{
    ck_assert_msg(got->len == strlen(want) && memcmp(got->data, want, got->len) == 0,
                  "dump differs:\n got: %.*s\nwant: %s", (int)got->len, (const char *)got->data,
                  want);
}

/* Two nodes, written b before a, two layers, metadata with unsorted
 * members. Vectors: a = {0.5, 0} -> 0000003f 00000000, b = {1, -2} ->
 * 0000803f 000000c0; Ml 0.25 -> 000000000000d03f. */
START_TEST(literal_two_node_dump)
{
    tb_object o;
    tb_init(&o);
    tb_env_raw(&o, "{\"count\":2,\"version\":1,\"metadata\":{\"b\":{\"z\":1.0,\"a\":[true,null]}},"
                   "\"params\":{\"ef_search\":8,\"m\":4,\"distance\":\"cosine\",\"dimension\":2,"
                   "\"name\":\"docs\"},\"ignored\":0}");
    tb_graph_std_header(&o, 2);
    lhv1_gw_varint(&o.graph, 2);
    tb_node(&o.graph, "b", (const float[]){1, -2}, 2, (const char *const[]){"a", NULL});
    tb_node(&o.graph, "a", (const float[]){0.5f, 0}, 2, (const char *const[]){"b", NULL});
    lhv1_gw_varint(&o.graph, 1);
    tb_node(&o.graph, "a", (const float[]){0.5f, 0}, 2, NULL);
    lhv1_buf out;
    lhv1_buf_init(&out);
    dump_of(tb_finish(&o), &out);
    assert_dump(&out,
                "{\"dump\":\"lhv1\",\"dump_version\":1,\n"
                "\"envelope\":{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":2,"
                "\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},\"count\":2,"
                "\"metadata\":{\"b\":{\"a\":[true,null],\"z\":1}}},\n"
                "\"graph\":{\"version\":1,\"m\":4,\"ml\":\"000000000000d03f\",\"ef_search\":8,"
                "\"distance\":\"cosine\",\"layers\":[\n"
                "{\"nodes\":[\n"
                "{\"key\":\"a\",\"vector\":\"0000003f00000000\",\"neighbors\":[\"b\"]},\n"
                "{\"key\":\"b\",\"vector\":\"0000803f000000c0\",\"neighbors\":[\"a\"]}]},\n"
                "{\"nodes\":[\n"
                "{\"key\":\"a\",\"vector\":\"0000003f00000000\",\"neighbors\":[]}]}]}}\n");
    lhv1_buf_free(&out);
    tb_free(&o);
}
END_TEST

START_TEST(empty_index_dump)
{
    tb_object o;
    tb_init(&o);
    tb_env_std(&o, 7, 0, "null");
    tb_graph_std_header(&o, 0);
    lhv1_buf out;
    lhv1_buf_init(&out);
    dump_of(tb_finish(&o), &out);
    assert_dump(&out, "{\"dump\":\"lhv1\",\"dump_version\":1,\n"
                      "\"envelope\":{\"version\":1,\"params\":{\"name\":\"docs\",\"dimension\":7,"
                      "\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},\"count\":0,"
                      "\"metadata\":null},\n"
                      "\"graph\":{\"version\":1,\"m\":4,\"ml\":\"000000000000d03f\","
                      "\"ef_search\":8,\"distance\":\"cosine\",\"layers\":[]}}\n");
    lhv1_buf_free(&out);
    tb_free(&o);
}
END_TEST

/* Same index, nodes and neighbour lists in another file order, envelope
 * members in another order: byte-identical dumps. */
START_TEST(file_order_does_not_matter)
{
    static const char *const keys[] = {"k3", "k1", "k4", "k0", "k2"};
    lhv1_buf d[2];
    for (int pass = 0; pass < 2; pass++) {
        tb_object o;
        tb_init(&o);
        if (pass == 0)
            tb_env_std(&o, TB_DIM, 5, "{\"k1\":{\"b\":2,\"a\":1},\"k0\":{}}");
        else
            tb_env_raw(&o, "{\"metadata\":{\"k0\":{},\"k1\":{\"a\":1,\"b\":2}},\"count\":5,"
                           "\"params\":{\"m\":4,\"name\":\"docs\",\"ef_search\":8,"
                           "\"dimension\":2,\"distance\":\"cosine\"},\"version\":1}");
        tb_graph_std_header(&o, 1);
        lhv1_gw_varint(&o.graph, 5);
        for (int q = 0; q < 5; q++) {
            int i = pass ? 4 - q : q;
            const char *n1 = keys[(i + 1) % 5], *n2 = keys[(i + 2) % 5];
            tb_node_x(&o.graph, keys[i], (float)(keys[i][1] - '0'),
                      pass ? (const char *const[]){n2, n1, NULL}
                           : (const char *const[]){n1, n2, NULL});
        }
        lhv1_buf_init(&d[pass]);
        dump_of(tb_finish(&o), &d[pass]);
        tb_free(&o);
    }
    ck_assert_uint_eq(d[0].len, d[1].len);
    ck_assert_mem_eq(d[0].data, d[1].data, d[0].len);
    /* and the nodes come out sorted */
    const char *text = (const char *)d[0].data;
    const char *k0 = strstr(text, "{\"key\":\"k0\""), *k4 = strstr(text, "{\"key\":\"k4\"");
    ck_assert(k0 && k4 && k0 < k4);
    /* and each neighbour list too (file order had them both ways round) */
    static const char *const lists[] = {"[\"k1\",\"k4\"]", "[\"k0\",\"k4\"]", "[\"k0\",\"k2\"]",
                                        "[\"k2\",\"k3\"]", "[\"k1\",\"k3\"]"};
    for (int i = 0; i < 5; i++) {
        char want[64];
        snprintf(want, sizeof want, "\"neighbors\":%s}", lists[i]);
        ck_assert_msg(strstr(text, want) != NULL, "no %s in %s", want, text);
    }
    lhv1_buf_free(&d[0]);
    lhv1_buf_free(&d[1]);
}
END_TEST

/* Non-UTF-8 keys (as node and as neighbour) come out as {"hex":...};
 * a UTF-8 key with every kind of byte comes out escaped per STR. */
START_TEST(keys_hex_and_escaping)
{
    static const char odd[] = "q\"b\\s\x01\x1f\x7f\xc3\xa9\xc2\x9b\xe2\x80\xae/\x00z";
    lhv1_bytes odd_key = {(const uint8_t *)odd, sizeof odd - 1};
    lhv1_bytes bad_key = {(const uint8_t *)"\xff\xfe", 2};
    tb_object o;
    tb_init(&o);
    tb_env_std(&o, 1, 2, NULL);
    tb_graph_std_header(&o, 1);
    lhv1_gw_varint(&o.graph, 2);
    lhv1_gw_node(&o.graph, odd_key, (const float[]){1}, 1, 1);
    lhv1_gw_string(&o.graph, bad_key);
    lhv1_gw_node(&o.graph, bad_key, (const float[]){2}, 1, 1);
    lhv1_gw_string(&o.graph, odd_key);
    lhv1_buf out;
    lhv1_buf_init(&out);
    dump_of(tb_finish(&o), &out);
    lhv1_buf_putc(&out, 0);
    const char *text = (const char *)out.data;
    /* "q\"b\\s" 01 1f 7f é U+009B U+202E "/" 00 "z": quotes and backslashes
     * escaped, control bytes, DEL, C1 and bidi controls as \u lowercase,
     * everything else as is. */
    const char *want_odd = "\"q\\\"b\\\\s\\u0001\\u001f\\u007f\xc3\xa9\\u009b\\u202e/\\u0000z\"";
    ck_assert_msg(strstr(text, "{\"key\":{\"hex\":\"fffe\"},\"vector\":\"00000040\","
                               "\"neighbors\":[") != NULL,
                  "%s", text);
    char node_odd[160];
    snprintf(node_odd, sizeof node_odd, "{\"key\":%s,\"vector\":\"0000803f\",\"neighbors\":"
             "[{\"hex\":\"fffe\"}]}", want_odd);
    ck_assert_msg(strstr(text, node_odd) != NULL, "no %s in %s", node_odd, text);
    char nb_odd[160];
    snprintf(nb_odd, sizeof nb_odd, "\"neighbors\":[%s]}", want_odd);
    ck_assert_msg(strstr(text, nb_odd) != NULL, "no %s in %s", nb_odd, text);
    /* the bytewise order puts 0x71 'q' before 0xff */
    ck_assert(strstr(text, node_odd) < strstr(text, "{\"hex\":\"fffe\"},\"vector\""));
    lhv1_buf_free(&out);
    tb_free(&o);
}
END_TEST

/* Go's utf8.Valid decides between STR and {"hex":...}: surrogates,
 * overlongs, code points above U+10FFFF and cut sequences are hex; a
 * 4-byte emoji and U+FFFD are strings. The envelope name is a STR too. */
START_TEST(utf8_edges_and_name_escaping)
{
    static const struct {
        const char *key;
        const char *want;
    } rows[] = {
        {"\xed\xa0\x80", "{\"hex\":\"eda080\"}"},
        {"\xc0\x80", "{\"hex\":\"c080\"}"},
        {"\xf4\x90\x80\x80", "{\"hex\":\"f4908080\"}"},
        {"ok\xe2\x82", "{\"hex\":\"6f6be282\"}"},
        {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},
        {"\xef\xbf\xbd", "\"\xef\xbf\xbd\""},
    };
    tb_object o;
    tb_init(&o);
    size_t n = sizeof rows / sizeof rows[0];
    lhv1_buf_printf(&o.env,
                    "{\"version\":1,\"params\":{\"name\":\"n\\\"\\\\\\u0001\\u00e9\\t\","
                    "\"dimension\":1,\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},"
                    "\"count\":%zu}",
                    n);
    tb_graph_std_header(&o, 1);
    lhv1_gw_varint(&o.graph, (int64_t)n);
    for (size_t i = 0; i < n; i++)
        lhv1_gw_node(&o.graph, lhv1_bytes_str(rows[i].key), (const float[]){(float)i}, 1, 0);
    lhv1_buf out;
    lhv1_buf_init(&out);
    dump_of(tb_finish(&o), &out);
    lhv1_buf_putc(&out, 0);
    const char *t = (const char *)out.data;
    ck_assert_msg(strstr(t, "\"name\":\"n\\\"\\\\\\u0001\xc3\xa9\\u0009\"") != NULL, "%s", t);
    for (size_t i = 0; i < n; i++) {
        char want[64];
        snprintf(want, sizeof want, "{\"key\":%s,\"vector\"", rows[i].want);
        ck_assert_msg(strstr(t, want) != NULL, "row %zu: no %s in %s", i, want, t);
    }
    lhv1_buf_free(&out);
    tb_free(&o);
}
END_TEST

/* Canonical metadata: sorted members at every depth, no whitespace,
 * integral numbers below 2^53 as integers, others as Go writes float64. */
START_TEST(canonical_metadata)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"{\"b\":1,\"a\":{\"y\":[3, 2 ,{\"d\":0,\"c\":0}],\"x\":\"s\"}}",
         "{\"a\":{\"x\":\"s\",\"y\":[3,2,{\"c\":0,\"d\":0}]},\"b\":1}"},
        {"{\"n\":1.0}", "{\"n\":1}"},
        {"{\"n\":-0.0}", "{\"n\":0}"},
        {"{\"n\":1e3}", "{\"n\":1000}"},
        {"{\"n\":-7}", "{\"n\":-7}"},
        {"{\"n\":0.1}", "{\"n\":0.1}"},
        {"{\"n\":-2.5}", "{\"n\":-2.5}"},
        {"{\"n\":123456789.125}", "{\"n\":123456789.125}"},
        {"{\"n\":0.000001}", "{\"n\":0.000001}"},
        {"{\"n\":1.5e-7}", "{\"n\":1.5e-7}"},
        {"{\"n\":1e-7}", "{\"n\":1e-7}"},
        {"{\"n\":1e20}", "{\"n\":100000000000000000000}"},
        {"{\"n\":1e21}", "{\"n\":1e+21}"},
        {"{\"n\":-1.25e300}", "{\"n\":-1.25e+300}"},
        {"{\"n\":9007199254740993}", "{\"n\":9007199254740992}"},
        {"{\"n\":0.30000000000000004}", "{\"n\":0.30000000000000004}"},
        /* 2^-24 and 2^-1016: powers of two whose 16-digit neighbours below do
         * not round-trip; Go writes the shortest that does (float_format
         * compares every double with Go). */
        {"{\"n\":5.9604644775390625e-8}", "{\"n\":5.960464477539063e-8}"},
        {"{\"n\":7.1202363472230444e-307}", "{\"n\":7.120236347223045e-307}"},
        {"{\"n\":5e-324}", "{\"n\":5e-324}"},
        {"{\"n\":1.7976931348623157e308}", "{\"n\":1.7976931348623157e+308}"},
        {"{\"s\":\"tab\\tq\\\"\\u00e9\\/\"}", "{\"s\":\"tab\\u0009q\\\"\xc3\xa9/\"}"},
        {"{\"t\":true,\"f\":false,\"z\":null,\"e\":[],\"o\":{}}",
         "{\"e\":[],\"f\":false,\"o\":{},\"t\":true,\"z\":null}"},
        {"{\"\xc3\xa9\":1,\"z\":2,\"Z\":3}", "{\"Z\":3,\"z\":2,\"\xc3\xa9\":1}"},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        tb_object o;
        tb_init(&o);
        lhv1_buf meta;
        lhv1_buf_init(&meta);
        lhv1_buf_printf(&meta, "{\"a\":%s}", rows[r].in);
        lhv1_buf_putc(&meta, 0);
        tb_env_std(&o, TB_DIM, 1, (const char *)meta.data);
        tb_graph_std_header(&o, 1);
        lhv1_gw_varint(&o.graph, 1);
        tb_node_x(&o.graph, "a", 0, NULL);
        lhv1_buf out;
        lhv1_buf_init(&out);
        dump_of(tb_finish(&o), &out);
        lhv1_buf_putc(&out, 0);
        char want[256];
        snprintf(want, sizeof want, ",\"metadata\":{\"a\":%s}},\n", rows[r].out);
        ck_assert_msg(strstr((const char *)out.data, want) != NULL, "row %zu: want %s in %s", r,
                      want, (const char *)out.data);
        lhv1_buf_free(&out);
        lhv1_buf_free(&meta);
        tb_free(&o);
    }
}
END_TEST

/* Inconsistent objects dump too; duplicates stay, in file order. */
START_TEST(inconsistent_dump_keeps_duplicates)
{
    tb_object o;
    tb_init(&o);
    tb_env_std(&o, TB_DIM, 3, NULL);
    tb_graph_std_header(&o, 1);
    lhv1_gw_varint(&o.graph, 3);
    tb_node_x(&o.graph, "b", 0, NULL);
    tb_node_x(&o.graph, "a", 5, NULL);
    tb_node_x(&o.graph, "a", 1, (const char *const[]){"b", "b", NULL});
    lhv1_buf out;
    lhv1_buf_init(&out);
    dump_of(tb_finish(&o), &out);
    lhv1_buf_putc(&out, 0);
    const char *t = (const char *)out.data;
    const char *first = strstr(t, "{\"key\":\"a\",\"vector\":\"0000a040"); /* 5.0 */
    const char *second = strstr(t, "{\"key\":\"a\",\"vector\":\"0000803f"); /* 1.0 */
    const char *b = strstr(t, "{\"key\":\"b\"");
    ck_assert_msg(first && second && b && first < second && second < b, "%s", t);
    ck_assert_ptr_nonnull(strstr(t, "\"neighbors\":[\"b\",\"b\"]"));
    lhv1_buf_free(&out);
    tb_free(&o);
}
END_TEST

Suite *suite_dump(void)
{
    Suite *s = suite_create("dump");
    TCase *tc = tcase_create("dump");
    tcase_add_test(tc, literal_two_node_dump);
    tcase_add_test(tc, empty_index_dump);
    tcase_add_test(tc, file_order_does_not_matter);
    tcase_add_test(tc, keys_hex_and_escaping);
    tcase_add_test(tc, utf8_edges_and_name_escaping);
    tcase_add_test(tc, canonical_metadata);
    tcase_add_test(tc, inconsistent_dump_keeps_duplicates);
    suite_add_tcase(s, tc);
    return s;
}
