/* The frame: upstream unframe's three rejections, zero-copy views, and
 * lhv1_frame's refusal of envelopes that do not fit the uint32 length. */
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "check_suites.h"

/* A heap copy of exactly n bytes (ASan sees any read past the end). */
static uint8_t *copy_of(const void *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(c);
    if (n)
        memcpy(c, p, n);
    return c;
}

START_TEST(too_short)
{
    const uint8_t full[8] = {'L', 'H', 'V', '1', 0, 0, 0, 0};
    for (size_t n = 0; n < 8; n++) {
        uint8_t *body = copy_of(full, n);
        lhv1_bytes env, graph;
        lhv1_status st;
        ck_assert_int_eq(lhv1_unframe(body, n, &env, &graph, &st), -1);
        ck_assert_int_eq(st.reason, LHV1_R_FRAME_TOO_SHORT);
        ck_assert_int_eq(st.verdict, LHV1_BAD_FORMAT);
        ck_assert_int_eq(st.offset, 0);
        free(body);
    }
}
END_TEST

START_TEST(bad_magic_in_each_byte)
{
    for (int i = 0; i < 4; i++) {
        uint8_t full[8] = {'L', 'H', 'V', '1', 0, 0, 0, 0};
        full[i] ^= 0x20; /* "lHV1", "LhV1", ... : case matters */
        lhv1_bytes env, graph;
        lhv1_status st;
        ck_assert_int_eq(lhv1_unframe(full, 8, &env, &graph, &st), -1);
        ck_assert_int_eq(st.reason, LHV1_R_FRAME_BAD_MAGIC);
        ck_assert_int_eq(st.verdict, LHV1_BAD_FORMAT);
    }
}
END_TEST

/* envelope_len against the bytes that follow the header: equal passes,
 * one more fails, and the largest uint32 cannot wrap around. */
START_TEST(envelope_len_bounds)
{
    static const struct {
        uint32_t env_len;
        size_t body_len;
        int ok;
    } rows[] = {
        {0, 8, 1},          {0, 20, 1},          {12, 20, 1},         {13, 20, 0},
        {0xffffffffu, 8, 0}, {0xffffffffu, 64, 0}, {0x80000000u, 16, 0}, {1, 8, 0},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        uint8_t *body = calloc(rows[r].body_len, 1);
        ck_assert_ptr_nonnull(body);
        memcpy(body, "LHV1", 4);
        uint32_t L = rows[r].env_len;
        body[4] = (uint8_t)(L >> 24), body[5] = (uint8_t)(L >> 16);
        body[6] = (uint8_t)(L >> 8), body[7] = (uint8_t)L;
        lhv1_bytes env = {0}, graph = {0};
        lhv1_status st;
        int rc = lhv1_unframe(body, rows[r].body_len, &env, &graph, &st);
        if (rows[r].ok) {
            ck_assert_msg(rc == 0, "row %zu: %s", r, st.message);
            ck_assert_ptr_eq(env.data, body + 8);
            ck_assert_uint_eq(env.len, L);
            ck_assert_ptr_eq(graph.data, body + 8 + L);
            ck_assert_uint_eq(graph.len, rows[r].body_len - 8 - L);
        } else {
            ck_assert_msg(rc == -1, "row %zu accepted", r);
            ck_assert_int_eq(st.reason, LHV1_R_FRAME_ENVELOPE_OVERRUN);
            ck_assert_int_eq(st.verdict, LHV1_BAD_FORMAT);
            ck_assert_int_eq(st.offset, 4);
        }
        free(body);
    }
}
END_TEST

START_TEST(views_point_into_the_input)
{
    tb_object o;
    tb_init(&o);
    lhv1_bytes body = tb_std_object(&o);
    lhv1_bytes env, graph;
    lhv1_status st;
    ck_assert_int_eq(lhv1_unframe(body.data, body.len, &env, &graph, &st), 0);
    ck_assert_int_eq(st.verdict, LHV1_OK);
    ck_assert_int_eq(env.data - body.data, 8);
    ck_assert_uint_eq(env.len, o.env.len);
    ck_assert_int_eq(graph.data - body.data, (ptrdiff_t)(8 + o.env.len));
    ck_assert_int_eq(graph.data + graph.len - body.data, (ptrdiff_t)body.len);
    ck_assert_mem_eq(env.data, o.env.data, o.env.len);
    ck_assert_mem_eq(graph.data, o.graph.data, o.graph.len);
    tb_free(&o);
}
END_TEST

START_TEST(frame_writes_big_endian_length_and_appends)
{
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_buf_puts(&out, "prefix");
    uint8_t envb[0x0102];
    memset(envb, '{', sizeof envb);
    lhv1_bytes env = {envb, sizeof envb}, graph = lhv1_bytes_str("GRAPH");
    lhv1_status st;
    ck_assert_int_eq(lhv1_frame(env, graph, &out, &st), 0);
    ck_assert_uint_eq(out.len, 6 + 8 + sizeof envb + 5);
    ck_assert_mem_eq(out.data, "prefixLHV1\x00\x00\x01\x02", 14);
    ck_assert_mem_eq(out.data + 14, envb, sizeof envb);
    ck_assert_mem_eq(out.data + 14 + sizeof envb, "GRAPH", 5);
    /* And unframe gives the two sections back. */
    lhv1_bytes e2, g2;
    ck_assert_int_eq(lhv1_unframe(out.data + 6, out.len - 6, &e2, &g2, &st), 0);
    ck_assert_uint_eq(e2.len, sizeof envb);
    ck_assert_uint_eq(g2.len, 5);
    ck_assert_mem_eq(g2.data, "GRAPH", 5);
    lhv1_buf_free(&out);
}
END_TEST

/* Every byte of the length field in use: an envelope of 0x01020304 bytes. */
START_TEST(frame_length_uses_all_four_bytes)
{
    size_t n = 0x01020304;
    uint8_t *big = calloc(n, 1);
    ck_assert_ptr_nonnull(big);
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_status st;
    ck_assert_int_eq(lhv1_frame((lhv1_bytes){big, n}, lhv1_bytes_str("G"), &out, &st), 0);
    ck_assert_uint_eq(out.len, 8 + n + 1);
    ck_assert_mem_eq(out.data, "LHV1\x01\x02\x03\x04", 8);
    lhv1_bytes env, graph;
    ck_assert_int_eq(lhv1_unframe(out.data, out.len, &env, &graph, &st), 0);
    ck_assert_uint_eq(env.len, n);
    ck_assert_uint_eq(graph.len, 1);
    lhv1_buf_free(&out);
    free(big);
}
END_TEST

/* frame.h promises to refuse an envelope of 2^32 bytes or more; the check
 * is on the length alone (nothing is read), so a fake view of 2^32 bytes
 * over a tiny buffer is safe to pass. */
START_TEST(frame_refuses_envelope_of_2_pow_32)
{
    if (sizeof(size_t) < 8)
        return; /* a 32-bit size_t cannot express the length */
    static const uint8_t tiny[1] = {'{'};
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_status st;
    lhv1_bytes env = {tiny, (size_t)(1ULL << 32)}, graph = {tiny, 0};
    ck_assert_int_eq(lhv1_frame(env, graph, &out, &st), -1);
    ck_assert_int_eq(st.reason, LHV1_R_FRAME_ENVELOPE_OVERRUN);
    ck_assert_uint_eq(out.len, 0);
    env.len = (size_t)(1ULL << 33) + 5; /* would truncate to 5 upstream */
    ck_assert_int_eq(lhv1_frame(env, graph, &out, &st), -1);
    ck_assert_uint_eq(out.len, 0);
    lhv1_buf_free(&out);
}
END_TEST

/* envelope_len 0 and an empty graph section pass unframe and fail in
 * decode (FORMAT.md section 2). */
START_TEST(empty_sections_fail_in_decode)
{
    lhv1_status st;
    lhv1_index idx;
    const uint8_t empty_env[] = {'L', 'H', 'V', '1', 0, 0, 0, 0, 0x02};
    ck_assert_int_eq(lhv1_index_load(empty_env, sizeof empty_env, NULL, &idx, &st),
                     LHV1_DECODE_ERROR);
    ck_assert_int_eq(st.reason, LHV1_R_ENV_SYNTAX);
    ck_assert_int_eq(idx.decoded, 0);

    tb_object o;
    tb_init(&o);
    tb_env_std(&o, TB_DIM, 0, NULL);
    lhv1_bytes body = tb_finish(&o); /* no graph section at all */
    ck_assert_int_eq(lhv1_index_load(body.data, body.len, NULL, &idx, &st), LHV1_DECODE_ERROR);
    ck_assert_int_eq(st.reason, LHV1_R_GRAPH_TRUNCATED);
    ck_assert_int_eq(st.offset, (int64_t)body.len);
    ck_assert_int_eq(idx.decoded, 0);
    tb_free(&o);
}
END_TEST

Suite *suite_frame(void)
{
    Suite *s = suite_create("frame");
    TCase *tc = tcase_create("frame");
    tcase_add_test(tc, too_short);
    tcase_add_test(tc, bad_magic_in_each_byte);
    tcase_add_test(tc, envelope_len_bounds);
    tcase_add_test(tc, views_point_into_the_input);
    tcase_add_test(tc, frame_writes_big_endian_length_and_appends);
    tcase_add_test(tc, frame_length_uses_all_four_bytes);
    tcase_add_test(tc, frame_refuses_envelope_of_2_pow_32);
    tcase_add_test(tc, empty_sections_fail_in_decode);
    suite_add_tcase(s, tc);
    return s;
}
