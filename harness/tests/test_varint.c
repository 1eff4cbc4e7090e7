/* Varints: Go's binary.PutVarint / ReadVarint, bit for bit. Expectations
 * come from the zig-zag definition written out here and from literal Go
 * vectors, never from the library itself. */
#include <stdlib.h>
#include <string.h>

#include "lhv1/graph.h"
#include "lhv1testing/prng.h"
#include "check_suites.h"

/* Reference encoder straight from the definition: zig-zag maps v >= 0 to
 * 2v and v < 0 to -2v-1, then 7 bits a byte, least significant first. */
static int ref_put(uint8_t out[10], int64_t v)
{
    uint64_t zz = v >= 0 ? (uint64_t)v * 2 : ((uint64_t)(-(v + 1))) * 2 + 1;
    int n = 0;
    do {
        uint8_t b = zz & 0x7f;
        zz >>= 7;
        out[n++] = zz ? (uint8_t)(b | 0x80) : b;
    } while (zz);
    return n;
}

/* Reads from a heap copy of exactly `n` bytes, so ASan sees any read past
 * the end. */
static int read_exact(const uint8_t *p, size_t n, int64_t *v)
{
    uint8_t *copy = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(copy);
    if (n)
        memcpy(copy, p, n);
    int k = lhv1_varint_read(copy, n, v);
    free(copy);
    return k;
}

static const struct {
    int64_t v;
    const char *bytes;
    int len;
} go_vectors[] = {
    {0, "\x00", 1},
    {-1, "\x01", 1},
    {1, "\x02", 1},
    {63, "\x7e", 1},
    {-64, "\x7f", 1},
    {64, "\x80\x01", 2},
    {-65, "\x81\x01", 2},
    {300, "\xd8\x04", 2},
    {INT64_MAX, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10},
    {INT64_MIN, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10},
};
#define N_GO (int)(sizeof go_vectors / sizeof go_vectors[0])

START_TEST(put_matches_go_vectors)
{
    uint8_t out[LHV1_VARINT_MAX];
    int n = lhv1_varint_put(out, go_vectors[_i].v);
    ck_assert_int_eq(n, go_vectors[_i].len);
    ck_assert_mem_eq(out, go_vectors[_i].bytes, (size_t)n);
    int64_t back = 0;
    ck_assert_int_eq(read_exact(out, (size_t)n, &back), n);
    ck_assert(back == go_vectors[_i].v);
}
END_TEST

/* For each length k = 1..9: the largest |v| of each sign that fits k bytes
 * takes k, one step further takes k + 1. */
START_TEST(length_boundaries)
{
    int k = _i;
    int64_t pos_max = (int64_t)((1ULL << (7 * k - 1)) - 1); /* zig-zag 2^(7k) - 2 */
    int64_t neg_min = -(int64_t)(1ULL << (7 * k - 1));      /* zig-zag 2^(7k) - 1 */
    const int64_t vals[4] = {pos_max, pos_max + 1, neg_min, neg_min - 1};
    const int lens[4] = {k, k + 1, k, k + 1};
    for (int j = 0; j < 4; j++) {
        uint8_t got[LHV1_VARINT_MAX], want[LHV1_VARINT_MAX];
        int n = lhv1_varint_put(got, vals[j]);
        ck_assert_int_eq(ref_put(want, vals[j]), lens[j]);
        ck_assert_int_eq(n, lens[j]);
        ck_assert_mem_eq(got, want, (size_t)n);
        int64_t back;
        ck_assert_int_eq(read_exact(got, (size_t)n, &back), n);
        ck_assert(back == vals[j]);
    }
}
END_TEST

START_TEST(put_matches_definition_sweep)
{
    /* Powers of two and their neighbours, both signs, and a seeded walk. */
    uint64_t seed = 1;
    for (int i = 0; i < 4000; i++) {
        int64_t v;
        if (i < 64 * 6) {
            int64_t p = (int64_t)(1ULL << (i / 6 % 63));
            const int64_t opts[6] = {p - 1, p, p + 1, -p + 1, -p, -p - 1};
            v = opts[i % 6];
        } else {
            uint64_t x = lhv1_prng_next(&seed);
            v = (int64_t)(x >> ((x & 63) | 1)); /* < 2^63: negation is safe */
            if (x & 64)
                v = -v;
        }
        uint8_t got[LHV1_VARINT_MAX], want[LHV1_VARINT_MAX];
        int n = lhv1_varint_put(got, v), m = ref_put(want, v);
        ck_assert_int_eq(n, m);
        ck_assert_mem_eq(got, want, (size_t)n);
        int64_t back;
        ck_assert_int_eq(lhv1_varint_read(got, (size_t)n, &back), n);
        ck_assert(back == v);
    }
}
END_TEST

START_TEST(overlong_is_accepted)
{
    int64_t v;
    ck_assert_int_eq(read_exact((const uint8_t *)"\x82\x00", 2, &v), 2);
    ck_assert(v == 1);
    ck_assert_int_eq(read_exact((const uint8_t *)"\x80\x80\x00", 3, &v), 3);
    ck_assert(v == 0);
    /* -1 spread over all 10 bytes: the 10th byte is 0 (<= 1), so legal. */
    ck_assert_int_eq(read_exact((const uint8_t *)"\x81\x80\x80\x80\x80\x80\x80\x80\x80\x00", 10,
                                &v),
                     10);
    ck_assert(v == -1);
    /* Bytes after the varint are not consumed. */
    ck_assert_int_eq(read_exact((const uint8_t *)"\x82\x00\xff", 3, &v), 2);
    ck_assert(v == 1);
}
END_TEST

START_TEST(overflow_is_rejected)
{
    int64_t v = 42;
    /* 10th byte 2: more than 64 bits. */
    ck_assert_int_eq(read_exact((const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10,
                                &v),
                     -1);
    /* 10th byte with the continuation bit: an 11th byte would follow. */
    ck_assert_int_eq(read_exact((const uint8_t *)"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00",
                                11, &v),
                     -1);
    ck_assert_int_eq(read_exact((const uint8_t *)"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x81\x00",
                                11, &v),
                     -1);
    /* Overflow is detected at the 10th byte even when more bytes follow
     * or the input ends right after it. */
    ck_assert_int_eq(read_exact((const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 10,
                                &v),
                     -1);
    /* 10th byte exactly 1 is the largest legal one. */
    ck_assert_int_eq(read_exact((const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10,
                                &v),
                     10);
    ck_assert(v == INT64_MIN);
}
END_TEST

START_TEST(truncated_is_reported)
{
    int64_t v;
    ck_assert_int_eq(read_exact((const uint8_t *)"", 0, &v), 0);
    ck_assert_int_eq(read_exact((const uint8_t *)"\x80", 1, &v), 0);
    ck_assert_int_eq(read_exact((const uint8_t *)"\xff\xff", 2, &v), 0);
    ck_assert_int_eq(read_exact((const uint8_t *)"\x80\x80\x80\x80\x80\x80\x80\x80\x80", 9, &v),
                     0);
    /* A truncated maximum-length value: every prefix of INT64_MIN. */
    uint8_t full[LHV1_VARINT_MAX];
    int n = lhv1_varint_put(full, INT64_MIN);
    for (int k = 0; k < n; k++)
        ck_assert_int_eq(read_exact(full, (size_t)k, &v), 0);
}
END_TEST

START_TEST(writer_uses_shortest_form)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    lhv1_gw_varint(&b, 64);
    lhv1_gw_varint(&b, -1);
    lhv1_gw_string(&b, lhv1_bytes_str("ab"));
    ck_assert_uint_eq(b.len, 6);
    ck_assert_mem_eq(b.data, "\x80\x01\x01\x04" "ab", 6);
    lhv1_buf_free(&b);
}
END_TEST

Suite *suite_varint(void)
{
    Suite *s = suite_create("varint");
    TCase *tc = tcase_create("go");
    tcase_add_loop_test(tc, put_matches_go_vectors, 0, N_GO);
    tcase_add_loop_test(tc, length_boundaries, 1, 10);
    tcase_add_test(tc, put_matches_definition_sweep);
    tcase_add_test(tc, overlong_is_accepted);
    tcase_add_test(tc, overflow_is_rejected);
    tcase_add_test(tc, truncated_is_reported);
    tcase_add_test(tc, writer_uses_shortest_form);
    suite_add_tcase(s, tc);
    return s;
}
