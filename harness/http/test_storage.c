/* The storage side of `lhv1 serve` under attack (ctest labels http and
 * security): every digest a client sends is verified; the file backend's
 * key conflicts are a 4xx on both backends, deleted keys leave no
 * directories behind, a crash leaves no temporary file; listings never
 * read object bodies on the event thread. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "http_util.h"
#include "suites.h"

static server srv;

static void up(void)
{
    server_start(&srv, NULL);
}

static void down(void)
{
    server_stop(&srv);
}

static long req(const server *s, const char *method, const char *path, const char *body,
                const char *const *headers, const char *code)
{
    resp r;
    http_req(s, &r, method, path, body, body ? strlen(body) : 0, headers);
    long st = r.status;
    if (code)
        ck_assert_msg(resp_code_is(&r, code), "%s %s: %ld, not %s: %s", method, path, st, code,
                      (const char *)r.body.data);
    resp_free(&r);
    return st;
}

/* Each digest is sent once right and once wrong beside a right one of
 * the same kind: the wrong one is 400 and nothing is stored. The values
 * are those of "hello world". */
START_TEST(every_digest_verified)
{
    ck_assert_int_eq(req(&srv, "PUT", "/dig", NULL, NULL, NULL), 200);
    static const char crc_ok[] = "x-amz-checksum-crc32: DUoRhQ==",
                      crc_bad[] = "x-amz-checksum-crc32: DUoRhA==",
                      md5_ok[] = "Content-MD5: XrY7u+Ae7tCTyyK7j1rNww==",
                      md5_bad[] = "Content-MD5: XrY7u+Ae7tCTyyK7j1rNwA==";
    const char *ok[] = {crc_ok, md5_ok, NULL};
    ck_assert_int_eq(req(&srv, "PUT", "/dig/k", "hello world", ok, NULL), 200);
    /* a second header of the same kind */
    const char *two_crc[] = {crc_ok, crc_bad, NULL};
    ck_assert_int_eq(req(&srv, "PUT", "/dig/a", "hello world", two_crc, "BadDigest"), 400);
    const char *two_md5[] = {md5_ok, md5_bad, NULL};
    ck_assert_int_eq(req(&srv, "PUT", "/dig/b", "hello world", two_md5, "BadDigest"), 400);
    /* aws-chunked: a wrong trailer beside a right header of the same
     * algorithm, and a wrong second trailer */
    const char *chunked[] = {"Content-Encoding: aws-chunked",
                             "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                             "x-amz-decoded-content-length: 11",
                             "x-amz-trailer: x-amz-checksum-crc32", crc_ok, NULL};
    const char good[] = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    ck_assert_int_eq(req(&srv, "PUT", "/dig/c", good, chunked, NULL), 200);
    const char bad_trailer[] = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhA==\r\n\r\n";
    ck_assert_int_eq(req(&srv, "PUT", "/dig/d", bad_trailer, chunked, "BadDigest"), 400);
    const char two_trailers[] = "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n"
                                "x-amz-checksum-crc32:DUoRhA==\r\n\r\n";
    ck_assert_int_eq(req(&srv, "PUT", "/dig/e", two_trailers, chunked, "BadDigest"), 400);
    /* a wrong hex payload hash after another value */
    const char *two_sha[] = {
        "x-amz-content-sha256: UNSIGNED-PAYLOAD",
        "x-amz-content-sha256: b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
        NULL};
    ck_assert_int_eq(req(&srv, "PUT", "/dig/f", "hello world", two_sha, NULL), 200);
    two_sha[1] = "x-amz-content-sha256: b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde8";
    ck_assert_int_eq(req(&srv, "PUT", "/dig/g", "hello world", two_sha, "XAmzContentSHA256Mismatch"),
                     400);
    /* nothing refused was stored */
    static const char *const refused[] = {"a", "b", "d", "e", "g"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char path[32];
        snprintf(path, sizeof path, "/dig/%s", refused[i]);
        ck_assert_int_eq(req(&srv, "GET", path, NULL, NULL, NULL), 404);
    }
}
END_TEST

Suite *suite_storage(void)
{
    Suite *s = suite_create("storage");
    TCase *tc = tcase_create("storage");
    tcase_add_checked_fixture(tc, up, down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_digest_verified);
    suite_add_tcase(s, tc);
    return s;
}
