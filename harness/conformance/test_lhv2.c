/* LHV2 conformance (docs/LHV2.md): every golden of golden/lhv2/MANIFEST.tsv
 * (written and read by the Go reference's LHV2 package) gets liblhv1's
 * verdict and reason as recorded, its dump equals Go's, the C writer
 * reproduces each valid object byte for byte, and the LHV1-only path names
 * every LHV2 object frame-newer-format. Plus the container's own rules:
 * CRC-32C, the check order, lengths near the limits.
 *
 * Usage: lhv1_lhv2_conformance_<variant> GOLDEN_LHV2_DIR */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "lhv1/index.h"
#include "lhv1/lhv2.h"
#include "lhv1/persistor.h"
#include "lhv1testing/golden_manifest.h"

static const char *dir;

static uint8_t *slurp(const char *path, size_t *len)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    ck_assert_msg(read_file(path, &b) == 0, "%s: %s", path, strerror(errno));
    *len = b.len;
    return b.data; /* freed with free(), as lhv1_buf_free does */
}

START_TEST(goldens_agree_with_go)
{
    manifest m;
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    ck_assert_msg(manifest_read(path, &m, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_ge(m.n, 10);
    size_t valid = 0;
    for (size_t i = 0; i < m.n; i++) {
        const golden_row *r = &m.rows[i];
        size_t len;
        snprintf(path, sizeof path, "%s/objects/%s", dir, r->file);
        uint8_t *body = slurp(path, &len);
        lhv1_index idx;
        lhv1_status st;
        lhv1_format format = 0;
        lhv1_verdict v = lhv1_index_load_any(body, len, NULL, &idx, &format, &st);
        ck_assert_msg(!strcmp(lhv1_verdict_name(v), r->verdict) &&
                          !strcmp(lhv1_reason_code(st.reason), r->reason),
                      "%s: liblhv1 says %s %s (%s), Go's LHV2 reader %s %s", r->file,
                      lhv1_verdict_name(v), lhv1_reason_code(st.reason), st.message, r->verdict,
                      r->reason);
        ck_assert_int_eq(format, LHV1_FORMAT_LHV2);
        if (strcmp(r->dump, "-") != 0) {
            lhv1_buf d;
            lhv1_buf_init(&d);
            ck_assert_int_eq(lhv1_index_dump(&idx, &d), 0);
            size_t elen;
            snprintf(path, sizeof path, "%s/%s", dir, r->dump);
            uint8_t *want = slurp(path, &elen);
            ck_assert_msg(d.len == elen && !memcmp(d.data, want, elen),
                          "%s: dump differs from Go's %s", r->file, r->dump);
            free(want);
            lhv1_buf_free(&d);
            /* The C writer: the same sections give the same bytes. */
            lhv1_bytes env, graph;
            ck_assert_int_eq(lhv1_lhv2_unframe(body, len, &env, &graph, &st), 0);
            lhv1_buf again;
            lhv1_buf_init(&again);
            ck_assert_int_eq(lhv1_lhv2_frame(env, graph, &again, &st), 0);
            ck_assert_msg(again.len == len && !memcmp(again.data, body, len),
                          "%s: lhv1_lhv2_frame does not reproduce Go's bytes", r->file);
            lhv1_buf_free(&again);
            valid++;
        }
        lhv1_index_free(&idx);
        /* An LHV1-only reader names the successor instead of misreading it. */
        lhv1_index_load(body, len, NULL, &idx, &st);
        ck_assert_str_eq(lhv1_reason_code(st.reason),
                         len < 8 ? "frame-too-short" : "frame-newer-format");
        lhv1_index_free(&idx);
        free(body);
    }
    ck_assert_uint_ge(valid, 4);
    manifest_free(&m);
}
END_TEST

START_TEST(crc32c_is_castagnoli)
{
    /* The check value of CRC-32C (RFC 3720 B.4; Go's crc32.Castagnoli). */
    ck_assert_uint_eq(lhv1_crc32c((const uint8_t *)"123456789", 9), 0xE3069283u);
    ck_assert_uint_eq(lhv1_crc32c(NULL, 0), 0);
    uint8_t zeros[32] = {0};
    ck_assert_uint_eq(lhv1_crc32c(zeros, 32), 0x8A9136AAu);
}
END_TEST

static void make(lhv1_buf *b, const char *env, const char *graph)
{
    lhv1_status st;
    lhv1_buf_init(b);
    lhv1_bytes e = {(const uint8_t *)env, strlen(env)}, g = {(const uint8_t *)graph, strlen(graph)};
    ck_assert_int_eq(lhv1_lhv2_frame(e, g, b, &st), 0);
    ck_assert_uint_eq(b->len, LHV2_OVERHEAD + e.len + g.len);
}

static const char *reason_of(const uint8_t *b, size_t len)
{
    lhv1_bytes e, g;
    lhv1_status st;
    lhv1_lhv2_unframe(b, len, &e, &g, &st);
    return lhv1_reason_code(st.reason);
}

START_TEST(check_order_and_lengths)
{
    lhv1_buf b;
    make(&b, "{}", "graph");
    lhv1_bytes e, g;
    lhv1_status st;
    ck_assert_int_eq(lhv1_lhv2_unframe(b.data, b.len, &e, &g, &st), 0);
    ck_assert(e.len == 2 && !memcmp(e.data, "{}", 2) && g.len == 5 && !memcmp(g.data, "graph", 5));
    ck_assert_str_eq(reason_of(b.data, LHV2_OVERHEAD - 1), "lhv2-too-short");
    b.data[0] = 'X';
    ck_assert_str_eq(reason_of(b.data, b.len), "frame-bad-magic");
    b.data[0] = 'L';
    /* A corrupt length is caught by the header CRC before it is trusted. */
    b.data[8] = 0xFF;
    ck_assert_str_eq(reason_of(b.data, b.len), "lhv2-header-checksum");
    b.data[8] = 0;
    ck_assert_str_eq(reason_of(b.data, b.len - 1), "lhv2-length-mismatch");
    b.data[LHV2_HEADER_LEN + 3] ^= 1;
    ck_assert_str_eq(reason_of(b.data, b.len), "lhv2-body-checksum");
    lhv1_buf_free(&b);

    /* graph_len 2^64-1 with a valid header CRC: a length mismatch, no overflow. */
    uint8_t hdr[LHV2_OVERHEAD] = {'L', 'H', 'V', '2', 0, 0, 0, 0,
                                  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint32_t crc = lhv1_crc32c(hdr, 16);
    hdr[16] = (uint8_t)(crc >> 24), hdr[17] = (uint8_t)(crc >> 16), hdr[18] = (uint8_t)(crc >> 8),
    hdr[19] = (uint8_t)crc;
    ck_assert_str_eq(reason_of(hdr, sizeof hdr), "lhv2-length-mismatch");
    /* envelope_len 2^32-1, graph_len 1 beyond it: a mismatch too. */
    memset(hdr + 4, 0xFF, 4);
    memset(hdr + 8, 0, 8);
    hdr[15] = 1;
    crc = lhv1_crc32c(hdr, 16);
    hdr[16] = (uint8_t)(crc >> 24), hdr[17] = (uint8_t)(crc >> 16), hdr[18] = (uint8_t)(crc >> 8),
    hdr[19] = (uint8_t)crc;
    ck_assert_str_eq(reason_of(hdr, sizeof hdr), "lhv2-length-mismatch");
}
END_TEST

START_TEST(any_reads_both_containers)
{
    lhv1_bytes e, g;
    lhv1_status st;
    lhv1_format f;
    const uint8_t v1[] = "LHV1\0\0\0\2{}xy";
    ck_assert_int_eq(lhv1_unframe_any(v1, sizeof v1 - 1, &e, &g, &f, &st), 0);
    ck_assert_int_eq(f, LHV1_FORMAT_LHV1);
    ck_assert_uint_eq(g.len, 2);
    lhv1_buf b;
    make(&b, "{}", "xy");
    ck_assert_int_eq(lhv1_unframe_any(b.data, b.len, &e, &g, &f, &st), 0);
    ck_assert_int_eq(f, LHV1_FORMAT_LHV2);
    ck_assert_str_eq(lhv1_format_name(f), "LHV2");
    /* The LHV1-only unframe names the successor. */
    ck_assert_int_eq(lhv1_unframe(b.data, b.len, &e, &g, &st), -1);
    ck_assert_str_eq(lhv1_reason_code(st.reason), "frame-newer-format");
    lhv1_buf_free(&b);
}
END_TEST

/* The rollout of docs/LHV2.md: an LHV2 persistor loads what an LHV1 one
 * saved (readers of both first), and an LHV1 persistor names what an LHV2
 * one saved as a newer format instead of misreading it. */
START_TEST(persistors_across_formats)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/objects/y_lhv2_multi_layer.lhv2", dir);
    size_t len;
    uint8_t *body = slurp(path, &len);
    lhv1_index idx;
    lhv1_status st;
    ck_assert_int_eq(lhv1_index_load_any(body, len, NULL, &idx, NULL, &st), LHV1_OK);
    lhv1_store *mem = lhv1_memory_store_new();
    ck_assert_ptr_nonnull(mem);
    lhv1_persistor v1, v2;
    lhv1_persistor_init(&v1, mem);
    lhv1_persistor_init(&v2, mem);
    v2.format = LHV1_FORMAT_LHV2;
    lhv1_store_err serr;
    lhv1_loaded l;
    ck_assert_int_eq(lhv1_persistor_save(&v1, &idx, &serr), 0);
    ck_assert_int_eq(lhv1_persistor_load(&v2, idx.env.name, &l, &st), LHV1_OK);
    ck_assert(l.body.len > 4 && !memcmp(l.body.data, "LHV1", 4));
    lhv1_loaded_free(&l);
    ck_assert_int_eq(lhv1_persistor_save(&v2, &idx, &serr), 0);
    ck_assert_int_eq(lhv1_persistor_load(&v2, idx.env.name, &l, &st), LHV1_OK);
    ck_assert(l.body.len > 4 && !memcmp(l.body.data, "LHV2", 4));
    lhv1_loaded_free(&l);
    ck_assert_int_eq(lhv1_persistor_load(&v1, idx.env.name, &l, &st), LHV1_BAD_FORMAT);
    ck_assert_str_eq(lhv1_reason_code(st.reason), "frame-newer-format");
    lhv1_loaded_free(&l);
    lhv1_store_destroy(mem);
    lhv1_index_free(&idx);
    free(body);
}
END_TEST

int lhv2_setup(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s GOLDEN_LHV2_DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    return 0;
}

Suite *suite_lhv2(void)
{
    Suite *s = suite_create("lhv2");
    TCase *tc = tcase_create("lhv2");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, goldens_agree_with_go);
    tcase_add_test(tc, crc32c_is_castagnoli);
    tcase_add_test(tc, check_order_and_lengths);
    tcase_add_test(tc, any_reads_both_containers);
    tcase_add_test(tc, persistors_across_formats);
    suite_add_tcase(s, tc);
    return s;
}
