/* The S3 subset of `lhv1 serve`: buckets, objects, ranges, listing with
 * pagination, error codes, every checksum it verifies (good and bad),
 * aws-chunked bodies with trailers, and SigV4 as libcurl signs it. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "http_util.h"
#include "check_suites.h"

static server srv;

static void up(void)
{
    server_start(&srv, NULL);
}

static void down(void)
{
    server_stop(&srv);
}

static long put(const char *path, const char *body, const char *const *headers)
{
    return http_status(&srv, "PUT", path, body, headers, NULL);
}

START_TEST(objects_round_trip)
{
    ck_assert_int_eq(put("/bkt", NULL, NULL), 200);
    ck_assert_int_eq(put("/bkt", NULL, NULL), 200); /* us-east-1: yours again */
    ck_assert_int_eq(put("/bkt/_vectors/a.lhv1", "hello world", NULL), 200);
    resp r;
    http_req(&srv, &r, "GET", "/bkt/_vectors/a.lhv1", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq((char *)r.body.data, "hello world");
    char v[128];
    ck_assert_str_eq(resp_header(&r, "ETag", v, sizeof v), "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
    resp_free(&r);
    http_req(&srv, &r, "HEAD", "/bkt/_vectors/a.lhv1", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(resp_header(&r, "Content-Length", v, sizeof v), "11");
    resp_free(&r);
    const char *range[] = {"Range: bytes=2-4", NULL};
    http_req(&srv, &r, "GET", "/bkt/_vectors/a.lhv1", NULL, 0, range);
    ck_assert_int_eq(r.status, 206);
    ck_assert_str_eq((char *)r.body.data, "llo");
    ck_assert_str_eq(resp_header(&r, "Content-Range", v, sizeof v), "bytes 2-4/11");
    resp_free(&r);
    const char *suffix[] = {"Range: bytes=-3", NULL};
    http_req(&srv, &r, "GET", "/bkt/_vectors/a.lhv1", NULL, 0, suffix);
    ck_assert_str_eq((char *)r.body.data, "rld");
    resp_free(&r);
    const char *beyond[] = {"Range: bytes=20-", NULL};
    http_req(&srv, &r, "GET", "/bkt/_vectors/a.lhv1", NULL, 0, beyond);
    ck_assert_int_eq(r.status, 416);
    ck_assert(resp_code_is(&r, "InvalidRange"));
    resp_free(&r);
    /* overwrite, delete (twice: idempotent), then NoSuchKey */
    ck_assert_int_eq(put("/bkt/_vectors/a.lhv1", "second", NULL), 200);
    http_req(&srv, &r, "GET", "/bkt/_vectors/a.lhv1", NULL, 0, NULL);
    ck_assert_str_eq((char *)r.body.data, "second");
    resp_free(&r);
    for (int i = 0; i < 2; i++) {
        http_req(&srv, &r, "DELETE", "/bkt/_vectors/a.lhv1", NULL, 0, NULL);
        ck_assert_int_eq(r.status, 204);
        resp_free(&r);
    }
    http_req(&srv, &r, "GET", "/bkt/_vectors/a.lhv1", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert(resp_code_is(&r, "NoSuchKey"));
    resp_free(&r);
    http_req(&srv, &r, "HEAD", "/bkt/_vectors/a.lhv1", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    http_req(&srv, &r, "GET", "/nobucket/k", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert(resp_code_is(&r, "NoSuchBucket"));
    resp_free(&r);
    http_req(&srv, &r, "GET", "/", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr((char *)r.body.data, "<Name>bkt</Name>"));
    resp_free(&r);
    http_req(&srv, &r, "HEAD", "/bkt", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}
END_TEST

/* Pages of 2 through continuation tokens list every key once, in order. */
START_TEST(list_paginates)
{
    ck_assert_int_eq(put("/lst", NULL, NULL), 200);
    const char *keys[] = {"_vectors/a", "_vectors/b", "_vectors/c", "_vectors/d", "_vectors/e",
                          "other"};
    for (int i = 0; i < 6; i++) {
        char p[64];
        snprintf(p, sizeof p, "/lst/%s", keys[i]);
        ck_assert_int_eq(put(p, keys[i], NULL), 200);
    }
    char token[256] = "";
    char seen[512] = "";
    int pages = 0;
    for (;;) {
        char path[512];
        char esc[300] = "";
        for (size_t i = 0, o = 0; token[i] && o + 4 < sizeof esc; i++)
            o += (size_t)snprintf(esc + o, sizeof esc - o, "%%%02X", (unsigned char)token[i]);
        snprintf(path, sizeof path, "/lst?list-type=2&prefix=_vectors%%2F&max-keys=2%s%s",
                 token[0] ? "&continuation-token=" : "", esc);
        resp r;
        http_req(&srv, &r, "GET", path, NULL, 0, NULL);
        ck_assert_int_eq(r.status, 200);
        const char *b = (const char *)r.body.data;
        for (const char *k = b; (k = strstr(k, "<Key>")); k += 5) {
            strncat(seen, k + 5, strcspn(k + 5, "<"));
            strcat(seen, ",");
        }
        pages++;
        const char *t = strstr(b, "<NextContinuationToken>");
        int truncated = strstr(b, "<IsTruncated>true</IsTruncated>") != NULL;
        ck_assert_int_eq(truncated, t != NULL);
        if (t) {
            t += strlen("<NextContinuationToken>");
            size_t n = strcspn(t, "<");
            memcpy(token, t, n);
            token[n] = 0;
        }
        resp_free(&r);
        if (!truncated)
            break;
        ck_assert_int_lt(pages, 10);
    }
    ck_assert_str_eq(seen, "_vectors/a,_vectors/b,_vectors/c,_vectors/d,_vectors/e,");
    ck_assert_int_eq(pages, 3);
    /* delimiter rolls keys up into common prefixes */
    resp r;
    http_req(&srv, &r, "GET", "/lst?list-type=2&delimiter=%2F", NULL, 0, NULL);
    ck_assert_ptr_nonnull(strstr((char *)r.body.data, "<CommonPrefixes><Prefix>_vectors/</Prefix>"));
    ck_assert_ptr_nonnull(strstr((char *)r.body.data, "<Key>other</Key>"));
    resp_free(&r);
}
END_TEST

/* Each checksum header: the right value stores, a wrong one is BadDigest
 * and stores nothing. Values are those of "123456789" (check values). */
START_TEST(checksums_verified)
{
    ck_assert_int_eq(put("/cks", NULL, NULL), 200);
    static const struct {
        const char *good, *bad;
    } cases[] = {
        {"x-amz-checksum-crc32: y/Q5Jg==", "x-amz-checksum-crc32: y/Q5Jw=="},
        {"x-amz-checksum-crc32c: 4waSgw==", "x-amz-checksum-crc32c: 4waShA=="},
        {"x-amz-checksum-sha1: 98O8HYCOBHMq32eZZczDTKeuNEE=",
         "x-amz-checksum-sha1: 98O8HYCOBHMq32eZZczDTKeuNEI="},
        {"x-amz-checksum-sha256: FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=",
         "x-amz-checksum-sha256: FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiA="},
        {"Content-MD5: JfnnlDI7RTiF9RgfG2JNCw==", "Content-MD5: JfnnlDI7RTiF9RgfG2JNCA=="},
        {"x-amz-content-sha256: 15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225",
         "x-amz-content-sha256: 15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb226"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *good[] = {cases[i].good, NULL}, *bad[] = {cases[i].bad, NULL};
        ck_assert_msg(put("/cks/k", "123456789", good) == 200, "%s", cases[i].good);
        resp r;
        http_req(&srv, &r, "PUT", "/cks/k2", "123456789", 9, bad);
        ck_assert_int_eq(r.status, 400);
        ck_assert_msg(resp_code_is(&r, "BadDigest") || resp_code_is(&r, "XAmzContentSHA256Mismatch"),
                      "%s: %s", cases[i].bad, (char *)r.body.data);
        resp_free(&r);
        http_req(&srv, &r, "GET", "/cks/k2", NULL, 0, NULL);
        ck_assert_int_eq(r.status, 404);
        resp_free(&r);
    }
    /* Out of scope (docs/S3.md): no kept library computes CRC-64/NVME. */
    static const char *const crc64nvme[] = {"x-amz-checksum-crc64nvme: AAAAAAAAAAA=",
                                            "x-amz-sdk-checksum-algorithm: CRC64NVME"};
    for (size_t i = 0; i < 2; i++) {
        const char *h[] = {crc64nvme[i], NULL};
        resp r;
        http_req(&srv, &r, "PUT", "/cks/k3", "123456789", 9, h);
        ck_assert_msg(r.status == 501 && resp_code_is(&r, "NotImplemented"), "%s: %ld %s",
                      crc64nvme[i], r.status, (char *)r.body.data);
        resp_free(&r);
    }
    ck_assert_int_eq(http_status(&srv, "GET", "/cks/k3", NULL, NULL, NULL), 404);
}
END_TEST

/* aws-chunked with a trailing checksum, as aws-sdk-go-v2 sends it by
 * default over TLS (STREAMING-UNSIGNED-PAYLOAD-TRAILER). */
START_TEST(aws_chunked_trailer)
{
    ck_assert_int_eq(put("/chk", NULL, NULL), 200);
    const char *hdr[] = {"Content-Encoding: aws-chunked",
                         "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                         "x-amz-decoded-content-length: 11", "x-amz-trailer: x-amz-checksum-crc32",
                         NULL};
    const char good[] = "6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    resp r;
    http_req(&srv, &r, "PUT", "/chk/k", good, strlen(good), hdr);
    ck_assert_msg(r.status == 200, "%s", (char *)r.body.data);
    resp_free(&r);
    http_req(&srv, &r, "GET", "/chk/k", NULL, 0, NULL);
    ck_assert_str_eq((char *)r.body.data, "hello world");
    resp_free(&r);
    const char bad[] = "6\r\nhello \r\n5\r\nworle\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    http_req(&srv, &r, "PUT", "/chk/k", bad, strlen(bad), hdr);
    ck_assert_int_eq(r.status, 400);
    ck_assert(resp_code_is(&r, "BadDigest"));
    resp_free(&r);
    const char cut[] = "6\r\nhello \r\n5\r\nwor";
    http_req(&srv, &r, "PUT", "/chk/k", cut, strlen(cut), hdr);
    ck_assert_int_eq(r.status, 400);
    ck_assert(resp_code_is(&r, "IncompleteBody"));
    resp_free(&r);
    const char no_trailer[] = "6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n";
    http_req(&srv, &r, "PUT", "/chk/k", no_trailer, strlen(no_trailer), hdr);
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
    http_req(&srv, &r, "GET", "/chk/k", NULL, 0, NULL);
    ck_assert_str_eq((char *)r.body.data, "hello world");
    resp_free(&r);
}
END_TEST

/* --auth: libcurl's own SigV4 signer is accepted, a wrong secret is
 * SignatureDoesNotMatch, an unsigned request AccessDenied. */
static long signed_req(const server *s, const char *method, const char *path, const char *userpwd,
                       const char *body)
{
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "%s%s", s->url, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
    curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
    char sha[128];
    sha256_header(sha, sizeof sha, body, body ? strlen(body) : 0);
    struct curl_slist *h = curl_slist_append(NULL, sha);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    FILE *null = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, null);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    long status = 0;
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    fclose(null);
    return status;
}

START_TEST(sigv4_verified)
{
    server a;
    const char *args[] = {"--auth", "AKIDEXAMPLE:wJalrXUtnFEMI", NULL};
    server_start(&a, args);
    ck_assert_int_eq(signed_req(&a, "PUT", "/sig", "AKIDEXAMPLE:wJalrXUtnFEMI", ""), 200);
    ck_assert_int_eq(signed_req(&a, "PUT", "/sig/a%20b", "AKIDEXAMPLE:wJalrXUtnFEMI", "body"), 200);
    ck_assert_int_eq(signed_req(&a, "GET", "/sig?list-type=2&prefix=a", "AKIDEXAMPLE:wJalrXUtnFEMI",
                                NULL), 200);
    ck_assert_int_eq(signed_req(&a, "GET", "/sig/a%20b", "AKIDEXAMPLE:wrong", NULL), 403);
    ck_assert_int_eq(signed_req(&a, "GET", "/sig/a%20b", "OTHER:wJalrXUtnFEMI", NULL), 403);
    ck_assert_int_eq(http_status(&a, "GET", "/sig/a%20b", NULL, NULL, NULL), 403);
    /* With CURLOPT_PATH_AS_IS (the proxy's client sets it) libcurl signs
     * the path it sends: keys that look like paths are signed as written
     * (S3 does not normalise them) and stay distinct objects. */
    const char *id = "AKIDEXAMPLE:wJalrXUtnFEMI";
    static const char *const keys[] = {"/sig/a/../b", "/sig/./c", "/sig/d//e", "/sig/b"};
    resp r;
    for (size_t i = 0; i < 4; i++) {
        http_signed(&a, &r, "PUT", keys[i], keys[i], strlen(keys[i]), NULL, id);
        ck_assert_msg(r.status == 200, "PUT %s: %ld %s", keys[i], r.status, (char *)r.body.data);
        resp_free(&r);
    }
    for (size_t i = 0; i < 4; i++) {
        http_signed(&a, &r, "GET", keys[i], NULL, 0, NULL, id);
        ck_assert_msg(r.status == 200 && !strcmp((char *)r.body.data, keys[i]), "GET %s: %ld %s",
                      keys[i], r.status, (char *)r.body.data);
        resp_free(&r);
    }
    /* What keeps an empty x-amz-meta-* from the proxy's upstream
     * (stored_headers_lines): libcurl 7.88 sends an empty header only as
     * "name;" and its SigV4 signs that line as a header named "name;", so
     * the signature cannot match. When this PUT succeeds, libcurl signs it
     * as sent: pass empty values upstream and drop this check. */
    const char *empty[] = {"x-amz-meta-e;", NULL};
    http_signed(&a, &r, "PUT", "/sig/empty", "x", 1, empty, id);
    ck_assert_msg(r.status == 400 && resp_code_is(&r, "AuthorizationHeaderMalformed"),
                  "an empty header signed by libcurl: %ld %s", r.status, (char *)r.body.data);
    resp_free(&r);
    server_stop(&a);
}
END_TEST

Suite *suite_s3(void)
{
    Suite *s = suite_create("s3");
    TCase *tc = tcase_create("s3");
    tcase_add_checked_fixture(tc, up, down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, objects_round_trip);
    tcase_add_test(tc, list_paginates);
    tcase_add_test(tc, checksums_verified);
    tcase_add_test(tc, aws_chunked_trailer);
    tcase_add_test(tc, sigv4_verified);
    suite_add_tcase(s, tc);
    return s;
}
