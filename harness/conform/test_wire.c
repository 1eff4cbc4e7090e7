/* The testee protocol's codec and the dump reader (docs/CONFORMANCE.md):
 * what a testee sends is untrusted, so every malformed answer is refused
 * (never half-read), strings come back byte for byte (NULs and non-UTF-8
 * keys included), a length over the limit is refused before anything is
 * allocated, and every expected dump reads back into an object that
 * liblhv1 loads and dumps to the same bytes.
 *
 * Usage: lhv1_conform_wire_<variant> GOLDEN_DIR */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "lhv1/index.h"
#include "lhv1testing/dump_read.h"
#include "lhv1testing/golden_manifest.h"
#include "lhv1testing/testee_wire.h"

static const char *golden_dir;

static int parse(const char *msg, lhv1_testee_op op, lhv1_testee_reply *r)
{
    char why[256];
    return lhv1_testee_parse_reply((const uint8_t *)msg, strlen(msg), op, r, why, sizeof why);
}

START_TEST(malformed_answers_are_refused)
{
    static const struct {
        lhv1_testee_op op;
        const char *msg;
    } bad[] = {
        {LHV1_OP_LOAD, ""},
        {LHV1_OP_LOAD, "not json"},
        {LHV1_OP_LOAD, "[\"ok\"]"},
        {LHV1_OP_LOAD, "{}"},
        {LHV1_OP_LOAD, "{\"outcome\":\"maybe\"}"},
        {LHV1_OP_LOAD, "{\"outcome\":1}"},
        {LHV1_OP_LOAD, "{\"outcome\":\"ok\"}"},                 /* no dump member */
        {LHV1_OP_LOAD, "{\"outcome\":\"ok\",\"dump\":3}"},
        {LHV1_OP_LOAD, "{\"outcome\":\"ok\",\"dump\":\"x\"} trailing"},
        {LHV1_OP_LOAD, "{\"outcome\":\"ok\",\"dump\":\"\\ud800\"}"}, /* lone surrogate */
        {LHV1_OP_LOAD, "{\"outcome\":\"ok\",\"dump\":\"a\tb\"}"},    /* raw control */
        {LHV1_OP_LOAD, "{\"outcome\":\"ok\",\"dump\":\"\xff\"}"},    /* not UTF-8 */
        {LHV1_OP_LOAD, "{\"outcome\":\"error\",\"message\":7}"},
        {LHV1_OP_LOAD, "{\"outcome\":\"ok\",\"dump\":\"x\",}"},
        {LHV1_OP_LOAD, "{\"outcome\":\"ok\",\"dump\":01}"},
        {LHV1_OP_SAVE, "{\"outcome\":\"ok\"}"},
        {LHV1_OP_SAVE, "{\"outcome\":\"ok\",\"object\":\"TFhWMQ\"}"},  /* no padding */
        {LHV1_OP_SAVE, "{\"outcome\":\"ok\",\"object\":\"TFhW!Q==\"}"},
        {LHV1_OP_SAVE, "{\"outcome\":\"ok\",\"object\":null}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\"}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":{}}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[\"a\"]}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[[1]]}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[[{\"hex\":\"abc\"}]]}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[[{\"hex\":\"zz\"}]]}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[[{\"hx\":\"00\"}]]}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[],\"added\":1}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[],\"count\":1.5}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[],\"count\":1e3}"},
        {LHV1_OP_USE, "{\"outcome\":\"ok\",\"results\":[],\"count\":\"3\"}"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        lhv1_testee_reply r;
        ck_assert_msg(parse(bad[i].msg, bad[i].op, &r) == -1, "accepted: %s", bad[i].msg);
    }
    /* Nested past the scanner's limit: refused, not a stack overflow. */
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 64);
    strcpy(deep, "{\"outcome\":\"ok\",\"dump\":null,\"x\":");
    size_t n = strlen(deep);
    memset(deep + n, '[', depth);
    memset(deep + n + depth, ']', depth);
    strcpy(deep + n + 2 * depth, "}");
    lhv1_testee_reply r;
    ck_assert_int_eq(parse(deep, LHV1_OP_LOAD, &r), -1);
    free(deep);
}
END_TEST

START_TEST(answers_read_exactly)
{
    lhv1_testee_reply r;
    ck_assert_int_eq(parse("{\"outcome\":\"ok\",\"dump\":\"a\\u0000b\\n\\\"\\u00e9\"}", LHV1_OP_LOAD, &r), 0);
    ck_assert_int_eq(r.has_dump, 1);
    ck_assert_uint_eq(r.dump_len, 7);
    ck_assert(memcmp(r.dump, "a\0b\n\"\xc3\xa9", 7) == 0);
    lhv1_testee_reply_free(&r);

    ck_assert_int_eq(parse(" {\"dump\":null,\"outcome\":\"ok\"} \n", LHV1_OP_LOAD, &r), 0);
    ck_assert_int_eq(r.has_dump, 0);
    lhv1_testee_reply_free(&r);

    ck_assert_int_eq(parse("{\"outcome\":\"unsupported\"}", LHV1_OP_SAVE, &r), 0);
    ck_assert_int_eq(r.outcome, LHV1_T_UNSUPPORTED);
    lhv1_testee_reply_free(&r);

    ck_assert_int_eq(parse("{\"outcome\":\"panic\",\"message\":\"boom\\u0000x\"}", LHV1_OP_LOAD, &r), 0);
    ck_assert_int_eq(r.outcome, LHV1_T_PANIC);
    lhv1_testee_reply_free(&r);

    ck_assert_int_eq(parse("{\"outcome\":\"ok\",\"object\":\"TEhWMQ==\"}", LHV1_OP_SAVE, &r), 0);
    ck_assert_uint_eq(r.object_len, 4);
    ck_assert(memcmp(r.object, "LHV1", 4) == 0);
    lhv1_testee_reply_free(&r);

    ck_assert_int_eq(parse("{\"outcome\":\"ok\",\"results\":[[\"nul\\u0000key\",{\"hex\":\"ff00\"}],[]],"
                           "\"added\":true,\"count\":7}",
                           LHV1_OP_USE, &r),
                     0);
    ck_assert_uint_eq(r.n_results, 2);
    ck_assert_uint_eq(r.results[0].n, 2);
    ck_assert_uint_eq(r.results[0].keys[0].len, 7);
    ck_assert(memcmp(r.results[0].keys[0].data, "nul\0key", 7) == 0);
    ck_assert_uint_eq(r.results[0].keys[1].len, 2);
    ck_assert(memcmp(r.results[0].keys[1].data, "\xff\x00", 2) == 0);
    ck_assert_uint_eq(r.results[1].n, 0);
    ck_assert_int_eq(r.added, 1);
    ck_assert_int_eq(r.count, 7);
    lhv1_testee_reply_free(&r);
}
END_TEST

START_TEST(hello_and_requests_round_trip)
{
    lhv1_testee_hello h;
    char why[256];
    const char *hello = "{\"protocol\":1,\"testee\":\"t\",\"version\":\"v\","
                        "\"capabilities\":[\"use\",\"load\",\"teleport\"]}";
    ck_assert_int_eq(lhv1_testee_parse_hello((const uint8_t *)hello, strlen(hello), &h, why, sizeof why), 0);
    ck_assert_uint_eq(h.caps, LHV1_CAP_LOAD | LHV1_CAP_USE);
    lhv1_testee_hello_free(&h);
    const char *bad_hello = "{\"protocol\":\"1\",\"capabilities\":[]}";
    ck_assert_int_eq(lhv1_testee_parse_hello((const uint8_t *)bad_hello, strlen(bad_hello), &h, why, sizeof why), -1);

    /* A use request with a key that is not UTF-8 and one with a NUL. */
    uint8_t vec[8] = {0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0};
    lhv1_use_query q[2] = {{vec, 8, 3}, {vec, 4, 1}};
    lhv1_bytes key = {(const uint8_t *)"k\xff\x00z", 4};
    lhv1_buf b;
    lhv1_buf_init(&b);
    lhv1_testee_req_use(&b, q, 2, &key, vec, 8);
    lhv1_testee_request req;
    ck_assert_int_eq(lhv1_testee_parse_request(b.data, b.len, &req, why, sizeof why), 0);
    ck_assert_int_eq(req.op, LHV1_OP_USE);
    ck_assert_uint_eq(req.n_queries, 2);
    ck_assert_uint_eq(req.queries[0].vector_len, 8);
    ck_assert(memcmp(req.queries[0].vector, vec, 8) == 0);
    ck_assert_int_eq(req.queries[1].k, 1);
    ck_assert_int_eq(req.has_add, 1);
    ck_assert_uint_eq(req.add_key.len, 4);
    ck_assert(memcmp(req.add_key.data, key.data, 4) == 0);
    lhv1_testee_request_free(&req);

    uint8_t obj[300];
    for (size_t i = 0; i < sizeof obj; i++)
        obj[i] = (uint8_t)(i * 7);
    lhv1_buf_reset(&b);
    lhv1_testee_req_load(&b, "na\"me\n", obj, sizeof obj);
    ck_assert_int_eq(lhv1_testee_parse_request(b.data, b.len, &req, why, sizeof why), 0);
    ck_assert_str_eq(req.name, "na\"me\n");
    ck_assert_uint_eq(req.object_len, sizeof obj);
    ck_assert(memcmp(req.object, obj, sizeof obj) == 0);
    lhv1_testee_request_free(&req);
    lhv1_buf_free(&b);
}
END_TEST

/* A length over the limit is refused from its 4 bytes: nothing reserved. */
START_TEST(oversized_messages_are_refused)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    uint8_t head[4] = {0x01, 0x00, 0x00, 0x10}; /* 256 MiB + 1 */
    ck_assert_int_eq(write(p[1], head, 4), 4);
    close(p[1]);
    lhv1_buf msg;
    lhv1_buf_init(&msg);
    ck_assert_int_eq(lhv1_testee_read_msg(p[0], &msg), -1);
    ck_assert_uint_eq(msg.cap, 0);
    close(p[0]);
    /* A cut message is an error, an empty input a clean end. */
    ck_assert_int_eq(pipe(p), 0);
    uint8_t cut[6] = {4, 0, 0, 0, '{', '}'};
    ck_assert_int_eq(write(p[1], cut, 6), 6);
    close(p[1]);
    ck_assert_int_eq(lhv1_testee_read_msg(p[0], &msg), -1);
    close(p[0]);
    ck_assert_int_eq(pipe(p), 0);
    close(p[1]);
    ck_assert_int_eq(lhv1_testee_read_msg(p[0], &msg), 1);
    close(p[0]);
    lhv1_buf_free(&msg);
}
END_TEST

/* Every expected dump of the goldens reads back into an object that loads
 * ok and dumps to the same bytes (the save round trip of lhv1 testee). */
START_TEST(dumps_read_back)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", golden_dir);
    manifest m;
    ck_assert_msg(manifest_read(path, &m, err, sizeof err) == 0, "%s", err);
    size_t n = 0;
    for (size_t i = 0; i < m.n; i++) {
        if (strcmp(m.rows[i].dump, "-") == 0)
            continue;
        lhv1_buf dump, obj, again;
        lhv1_buf_init(&dump);
        lhv1_buf_init(&obj);
        lhv1_buf_init(&again);
        snprintf(path, sizeof path, "%s/%s", golden_dir, m.rows[i].dump);
        ck_assert(read_file(path, &dump) == 0);
        ck_assert_msg(lhv1_dump_to_object(dump.data, dump.len, &obj, err, sizeof err) == 0, "%s: %s",
                      m.rows[i].file, err);
        lhv1_index idx;
        lhv1_status st;
        ck_assert_msg(lhv1_index_load(obj.data, obj.len, m.rows[i].name, &idx, &st) == LHV1_OK,
                      "%s: %s", m.rows[i].file, st.message);
        ck_assert(lhv1_index_dump(&idx, &again) == 0);
        ck_assert_msg(again.len == dump.len && memcmp(again.data, dump.data, dump.len) == 0,
                      "%s: the dump read back dumps otherwise", m.rows[i].file);
        lhv1_index_free(&idx);
        lhv1_buf_free(&dump);
        lhv1_buf_free(&obj);
        lhv1_buf_free(&again);
        n++;
    }
    ck_assert_uint_ge(n, 20);
    manifest_free(&m);
    static const char *const not_dumps[] = {
        "{}", "{\"dump\":\"lhv1\",\"dump_version\":2,\"envelope\":{},\"graph\":{}}",
        "{\"dump\":\"lhv1\",\"dump_version\":1,\"envelope\":{},\"graph\":{\"version\":1,\"m\":2,"
        "\"ml\":\"00\",\"ef_search\":1,\"distance\":\"cosine\",\"layers\":[]}}",
        "{\"dump\":\"lhv1\",\"dump_version\":1,\"envelope\":{},\"graph\":{\"version\":1,\"m\":2,"
        "\"ml\":\"000000000000d03f\",\"ef_search\":1,\"distance\":\"cosine\",\"layers\":[{\"nodes\":"
        "[{\"key\":\"a\",\"vector\":\"0000803\",\"neighbors\":[]}]}]}}",
    };
    for (size_t i = 0; i < sizeof not_dumps / sizeof *not_dumps; i++) {
        lhv1_buf obj;
        lhv1_buf_init(&obj);
        ck_assert_msg(lhv1_dump_to_object((const uint8_t *)not_dumps[i], strlen(not_dumps[i]), &obj,
                                          err, sizeof err) == -1,
                      "accepted: %s", not_dumps[i]);
        lhv1_buf_free(&obj);
    }
}
END_TEST

int conform_wire_setup(int argc, char **argv)
{
    golden_dir = argc > 1 ? argv[1] : "golden";
    return 0;
}

Suite *suite_conform_wire(void)
{
    Suite *s = suite_create("conform_wire");
    TCase *tc = tcase_create("wire");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, malformed_answers_are_refused);
    tcase_add_test(tc, answers_read_exactly);
    tcase_add_test(tc, hello_and_requests_round_trip);
    tcase_add_test(tc, oversized_messages_are_refused);
    tcase_add_test(tc, dumps_read_back);
    suite_add_tcase(s, tc);
    return s;
}
