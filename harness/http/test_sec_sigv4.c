/* SigV4 refusals that need a raw request (docs/SECURITY.md): under --auth
 * nothing reveals whether a bucket, key or admin endpoint exists before the
 * signature is checked; headers that steer the check may be sent once;
 * presigned URLs are checked before anything is looked up. The signer matrix (stale, future and
 * malformed dates, scope, region, service, unsigned x-amz-* headers,
 * replays) runs through aws-sdk-go-v2's and botocore's own signers
 * (goclients/sigv4sec, botocore/). */
#define _GNU_SOURCE /* strcasestr */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "http_util.h"
#include "check_suites.h"

#define CREDS "AKSIG:sig-secret"

static server srv;

static void up(void)
{
    const char *args[] = {"--auth", CREDS, NULL};
    server_start(&srv, args);
    resp r;
    http_signed(&srv, &r, "PUT", "/there", "", 0, NULL, CREDS);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    http_signed(&srv, &r, "PUT", "/there/k", "v", 1, NULL, CREDS);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}

static void down(void)
{
    server_stop(&srv);
}

/* Unsigned probes get one answer, 403, whether what they name exists or
 * not (the admin API answered 404 NoSuchAdminEndpoint unsigned). */
START_TEST(refused_before_not_found)
{
    static const struct {
        const char *method, *path;
    } probes[] = {
        {"GET", "/there/k"},         {"GET", "/there/missing"},   {"GET", "/missing/k"},
        {"HEAD", "/there/k"},        {"HEAD", "/missing/k"},      {"HEAD", "/missing"},
        {"GET", "/missing?list-type=2"}, {"DELETE", "/there/k"}, {"GET", "/_lhv1/missing"},
        {"GET", "/_lhv1/health"},    {"PUT", "/newbucket"},       {"GET", "/"},
    };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        for (int wrong = 0; wrong < 2; wrong++) {
            resp r;
            if (wrong)
                http_signed(&srv, &r, probes[i].method, probes[i].path, NULL, 0, NULL,
                            "AKSIG:wrong");
            else
                http_req(&srv, &r, probes[i].method, probes[i].path, NULL, 0, NULL);
            ck_assert_msg(r.status == 403, "%s %s %s: %ld", wrong ? "wrongly signed" : "unsigned",
                          probes[i].method, probes[i].path, r.status);
            resp_free(&r);
        }
    }
    resp r;
    http_signed(&srv, &r, "HEAD", "/newbucket", NULL, 0, NULL, CREDS);
    ck_assert_int_eq(r.status, 404); /* the unsigned PUT created nothing */
    resp_free(&r);
    http_signed(&srv, &r, "GET", "/there/k", NULL, 0, NULL, CREDS);
    ck_assert_int_eq(r.status, 200); /* nor did the unsigned DELETE delete */
    resp_free(&r);
}
END_TEST

static int on_debug(CURL *c, curl_infotype type, char *data, size_t n, void *cls)
{
    (void)c;
    if (type == CURLINFO_HEADER_OUT)
        lhv1_buf_append(cls, data, n);
    return 0;
}

/* The header of a GET libcurl signs (and the server accepts), as sent. */
static void signed_header_text(const char *path, lhv1_buf *out)
{
    lhv1_buf_init(out);
    CURL *c = curl_easy_init();
    char url[256], sha[128];
    snprintf(url, sizeof url, "%s%s", srv.url, path);
    sha256_header(sha, sizeof sha, NULL, 0);
    struct curl_slist *h = curl_slist_append(NULL, sha);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
    curl_easy_setopt(c, CURLOPT_USERPWD, CREDS);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, out);
    FILE *null = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, null);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    ck_assert_int_eq(st, 200);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    fclose(null);
    ck_assert(out->len > 4 && !memcmp(out->data + out->len - 4, "\r\n\r\n", 4));
}

/* The captured header sent again with `extra` ("Name: value\r\n" lines)
 * added before its end: the status. */
static int replay_with(const lhv1_buf *hdr, const char *extra)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    lhv1_buf_append(&b, hdr->data, hdr->len - 2);
    lhv1_buf_puts(&b, extra);
    lhv1_buf_puts(&b, "\r\n");
    lhv1_buf out;
    int st = raw_exchange(srv.port, b.data, b.len, 0, 10000, &out);
    ck_assert_msg(st != 400 || strstr((char *)out.data, "<Code>InvalidArgument</Code>"),
                  "%s\n%s", (char *)b.data, (char *)out.data);
    lhv1_buf_free(&out);
    lhv1_buf_free(&b);
    return st;
}

/* A second Authorization, x-amz-date or x-amz-content-sha256 header would
 * leave open which one was checked: 400, even with the same value; and a
 * replay of the same signed header within the skew is, as in S3, served. */
START_TEST(steering_headers_once)
{
    lhv1_buf hdr;
    signed_header_text("/there/k", &hdr);
    ck_assert_int_eq(replay_with(&hdr, "Connection: close\r\n"), 200);
    static const char *const names[] = {"X-Amz-Date", "Authorization", "x-amz-content-sha256"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char line[512], again[700], start[64];
        snprintf(start, sizeof start, "\n%s:", names[i]);
        const char *p = strcasestr((char *)hdr.data, start);
        ck_assert_ptr_nonnull(p);
        p++;
        size_t n = strcspn(p, "\r");
        ck_assert_uint_lt(n, sizeof line);
        memcpy(line, p, n);
        line[n] = 0;
        snprintf(again, sizeof again, "%s\r\nConnection: close\r\n", line);
        ck_assert_msg(replay_with(&hdr, again) == 400, "%s twice: %s", names[i], again);
    }
    lhv1_buf_free(&hdr);
}
END_TEST

/* A presigned URL is checked before anything is looked up: malformed,
 * expired or aimed at the admin API it is refused as such, never answered
 * as a missing bucket or key. (Valid ones, signed by aws-sdk-go-v2 and
 * botocore, are the S3 conformance suite's and pyclients'.) */
START_TEST(presigned_checked_first)
{
    static const char *const urls[] = {
        "/nobucket/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKSIG%2F20200101%2F"
        "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&"
        "X-Amz-SignedHeaders=host&X-Amz-Signature=00",
        "/nobucket/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKSIG%2F20200101%2F"
        "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&"
        "X-Amz-SignedHeaders=host&X-Amz-Signature="
        "0000000000000000000000000000000000000000000000000000000000000000",
        "/_lhv1/rules?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKSIG%2F20200101%2F"
        "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20200101T000000Z&X-Amz-Expires=60&"
        "X-Amz-SignedHeaders=host&X-Amz-Signature="
        "0000000000000000000000000000000000000000000000000000000000000000",
        "/nobucket/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60",
    };
    static const struct {
        long status;
        const char *code, *says;
    } want[] = {
        {400, "AuthorizationQueryParametersError", "Signature"},
        {403, "AccessDenied", "Request has expired"},
        {403, "AccessDenied", "presigned"},
        {400, "AuthorizationQueryParametersError", "X-Amz-Credential"},
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        resp r;
        http_req(&srv, &r, "GET", urls[i], NULL, 0, NULL);
        ck_assert_msg(r.status == want[i].status && resp_code_is(&r, want[i].code) &&
                          strstr((char *)r.body.data, want[i].says),
                      "%s: %ld %s", urls[i], r.status, (char *)r.body.data);
        resp_free(&r);
    }
}
END_TEST

/* libcurl 7.88's signer (no x-amz-content-sha256 of its own) is refused
 * as S3 refuses it, with the header named; given the header, accepted. */
START_TEST(payload_hash_required)
{
    resp r;
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "%s/there/k", srv.url);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
    curl_easy_setopt(c, CURLOPT_USERPWD, CREDS);
    FILE *null = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, null);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    curl_easy_cleanup(c);
    fclose(null);
    ck_assert_int_eq(st, 400);
    http_signed(&srv, &r, "GET", "/there/k", NULL, 0, NULL, CREDS);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}
END_TEST

Suite *suite_sec_sigv4(void)
{
    Suite *s = suite_create("sec_sigv4");
    TCase *tc = tcase_create("sec_sigv4");
    tcase_add_checked_fixture(tc, up, down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, refused_before_not_found);
    tcase_add_test(tc, steering_headers_once);
    tcase_add_test(tc, presigned_checked_first);
    tcase_add_test(tc, payload_hash_required);
    suite_add_tcase(s, tc);
    return s;
}
