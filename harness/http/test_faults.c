/* Faults over HTTP: every store kind through the admin API, the HTTP-only
 * kinds as a client sees them, key targeting, nth and persistent, the
 * seeded probability (same seed and order, same decisions), a plan file,
 * rule validation. */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

static server srv;

static void up(void)
{
    server_start(&srv, NULL);
    ck_assert_int_eq(http_status(&srv, "PUT", "/flt", NULL, NULL, NULL), 200);
}

static void down(void)
{
    server_stop(&srv);
}

static long put(const char *key, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "/flt/%s", key);
    return http_status(&srv, "PUT", path, body, NULL, NULL);
}

/* GET into `out` (NUL-terminated); returns the status. */
static long get(const char *key, char *out, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "/flt/%s", key);
    return http_get_text(&srv, path, out, n);
}

static void clear_rules(void)
{
    ck_assert_int_eq(http_status(&srv, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
}

START_TEST(store_kinds_over_http)
{
    char b[256];
    ck_assert_int_eq(put("k", "version-one"), 200);
    /* Rules only for key f/k; f/other is never touched. */
    add_rules(&srv, "{\"kind\":\"put-fail-before\",\"key\":\"flt/k\"}");
    ck_assert_int_eq(put("other", "x"), 200);
    ck_assert_int_eq(put("k", "version-two"), 503);
    get("k", b, sizeof b);
    ck_assert_str_eq(b, "version-one");
    clear_rules();

    add_rules(&srv, "{\"kind\":\"put-fail-after\",\"key\":\"flt/k\"}");
    ck_assert_int_eq(put("k", "version-two"), 500);
    get("k", b, sizeof b);
    ck_assert_str_eq(b, "version-two");
    clear_rules();

    add_rules(&srv, "{\"kind\":\"put-torn-prefix\",\"key\":\"flt/k\",\"cut\":4,\"reply\":200}");
    ck_assert_int_eq(put("k", "version-three"), 200);
    get("k", b, sizeof b);
    ck_assert_str_eq(b, "vers");
    clear_rules();

    ck_assert_int_eq(put("k", "AAAAAAAAAAAA"), 200);
    add_rules(&srv, "{\"kind\":\"put-torn-over-old\",\"key\":\"flt/k\",\"cut\":3}");
    ck_assert_int_eq(put("k", "BBBBBB"), 503);
    get("k", b, sizeof b);
    ck_assert_str_eq(b, "BBBAAAAAAAAA");
    clear_rules();

    add_rules(&srv, "{\"kind\":\"put-lost\",\"key\":\"flt/k\"}");
    ck_assert_int_eq(put("k", "lost"), 200);
    get("k", b, sizeof b);
    ck_assert_str_eq(b, "BBBAAAAAAAAA");
    clear_rules();

    ck_assert_int_eq(put("k", "abc"), 200);
    add_rules(&srv, "{\"kind\":\"get-bit-flip\",\"key\":\"flt/k\",\"bit\":1}");
    get("k", b, sizeof b);
    ck_assert_str_eq(b, "cbc"); /* 'a' ^ 2 */
    get("k", b, sizeof b);
    ck_assert_str_eq(b, "abc"); /* transient, and the stored copy is intact */
    clear_rules();

    add_rules(&srv, "{\"kind\":\"get-stale\",\"key\":\"flt/k\",\"lag\":1}");
    get("k", b, sizeof b);
    ck_assert_str_eq(b, "BBBAAAAAAAAA");
    clear_rules();

    resp r;
    add_rules(&srv, "{\"kind\":\"get-fail-key-not-found-body\",\"key\":\"flt/k\"}");
    http_req(&srv, &r, "GET", "/flt/k", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 500);
    ck_assert(resp_code_is(&r, "InternalError"));
    ck_assert_ptr_nonnull(strstr((char *)r.body.data, "key not found"));
    resp_free(&r);
    clear_rules();

    add_rules(&srv, "{\"kind\":\"get-not-found\",\"key\":\"flt/k\"}");
    http_req(&srv, &r, "GET", "/flt/k", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert(resp_code_is(&r, "NoSuchKey"));
    resp_free(&r);
    clear_rules();

    add_rules(&srv, "{\"kind\":\"list-fail\"}");
    http_req(&srv, &r, "GET", "/flt?list-type=2", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 503);
    resp_free(&r);
    clear_rules();

    ck_assert_int_eq(put("fresh", "new"), 200);
    add_rules(&srv, "{\"kind\":\"list-stale\",\"lag\":1}");
    http_req(&srv, &r, "GET", "/flt?list-type=2", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr((char *)r.body.data, "<Key>fresh</Key>"));
    ck_assert_ptr_nonnull(strstr((char *)r.body.data, "<Key>k</Key>"));
    resp_free(&r);
    clear_rules();

    add_rules(&srv, "[{\"kind\":\"del-fail-before\",\"key\":\"flt/k\"},"
                    "{\"kind\":\"del-lost\",\"key\":\"flt/k\",\"nth\":1}]");
    http_req(&srv, &r, "DELETE", "/flt/k", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 503);
    resp_free(&r);
    http_req(&srv, &r, "DELETE", "/flt/k", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 204);
    resp_free(&r);
    ck_assert_int_eq(get("k", b, sizeof b), 200);
    clear_rules();

    add_rules(&srv, "{\"kind\":\"del-fail-after\",\"key\":\"flt/k\"}");
    http_req(&srv, &r, "DELETE", "/flt/k", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 500);
    resp_free(&r);
    ck_assert_int_eq(get("k", b, sizeof b), 404);
}
END_TEST

START_TEST(http_kinds)
{
    char b[256], v[64];
    ck_assert_int_eq(put("h", "0123456789"), 200);
    resp r;
    add_rules(&srv, "{\"kind\":\"http-body-cut\",\"op\":\"get\",\"key\":\"flt/h\",\"cut\":4}");
    http_req(&srv, &r, "GET", "/flt/h", NULL, 0, NULL);
    ck_assert_int_eq(r.rc, CURLE_PARTIAL_FILE);
    ck_assert_str_eq((char *)r.body.data, "0123");
    resp_free(&r);
    clear_rules();

    add_rules(&srv, "{\"kind\":\"http-reset\",\"op\":\"get\"}");
    http_req(&srv, &r, "GET", "/flt/h", NULL, 0, NULL);
    ck_assert_msg(r.rc == CURLE_RECV_ERROR || r.rc == CURLE_GOT_NOTHING, "curl: %d", r.rc);
    ck_assert_int_eq(r.status, 0);
    resp_free(&r);
    clear_rules();

    /* reset after the write: the client saw nothing, the write landed */
    add_rules(&srv, "{\"kind\":\"http-reset\",\"op\":\"put\",\"done\":true}");
    http_req(&srv, &r, "PUT", "/flt/h", "landed", 6, NULL);
    ck_assert_int_ne(r.rc, CURLE_OK);
    resp_free(&r);
    clear_rules();
    get("h", b, sizeof b);
    ck_assert_str_eq(b, "landed");

    add_rules(&srv, "{\"kind\":\"http-slowdown\",\"op\":\"put\",\"retry_after\":7}");
    http_req(&srv, &r, "PUT", "/flt/h", "refused", 7, NULL);
    ck_assert_int_eq(r.status, 503);
    ck_assert(resp_code_is(&r, "SlowDown"));
    ck_assert_str_eq(resp_header(&r, "Retry-After", v, sizeof v), "7");
    resp_free(&r);
    clear_rules();
    get("h", b, sizeof b);
    ck_assert_str_eq(b, "landed");

    add_rules(&srv, "{\"kind\":\"http-404-code\",\"op\":\"get\",\"code\":\"NoSuchUpload\"}");
    http_req(&srv, &r, "GET", "/flt/h", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert(resp_code_is(&r, "NoSuchUpload"));
    ck_assert(!resp_code_is(&r, "NoSuchKey"));
    resp_free(&r);
    clear_rules();

    /* latency beyond the client's timeout: the client gives up, the write
     * landed */
    add_rules(&srv, "{\"kind\":\"http-delay\",\"op\":\"put\",\"delay_ms\":1500}");
    http_timeout_ms = 500;
    http_req(&srv, &r, "PUT", "/flt/h", "late", 4, NULL);
    http_timeout_ms = 20000;
    ck_assert_int_eq(r.rc, CURLE_OPERATION_TIMEDOUT);
    resp_free(&r);
    clear_rules();
    get("h", b, sizeof b);
    ck_assert_str_eq(b, "late");
}
END_TEST

START_TEST(nth_and_persistent)
{
    char b[64];
    ck_assert_int_eq(put("n", "x"), 200);
    add_rules(&srv, "{\"kind\":\"get-fail\",\"key\":\"flt/n\",\"nth\":1}");
    long want1[] = {200, 500, 200, 200};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(get("n", b, sizeof b), want1[i]);
    clear_rules();
    add_rules(&srv, "{\"kind\":\"get-fail\",\"key\":\"flt/n\",\"nth\":1,\"persistent\":true}");
    long want2[] = {200, 500, 500, 500};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(get("n", b, sizeof b), want2[i]);
    /* the rule list reports its counters */
    resp r;
    http_req(&srv, &r, "GET", "/_lhv1/rules", NULL, 0, NULL);
    ck_assert_ptr_nonnull(strstr((char *)r.body.data, "\"matches\":4"));
    ck_assert_ptr_nonnull(strstr((char *)r.body.data, "\"fired\":3"));
    resp_free(&r);
}
END_TEST

/* 40 GETs under a probability-0.5 rule: the pattern of failures. */
static void pattern(const server *s, char out[41])
{
    resp r;
    http_status(s, "PUT", "/flt", NULL, NULL, NULL);
    http_req(s, &r, "PUT", "/flt/p", "x", 1, NULL);
    resp_free(&r);
    for (int i = 0; i < 40; i++) {
        http_req(s, &r, "GET", "/flt/p", NULL, 0, NULL);
        out[i] = r.status == 200 ? '.' : 'F';
        resp_free(&r);
    }
    out[40] = 0;
}

START_TEST(seeded_probability_reproducible)
{
    add_rules(&srv, "{\"kind\":\"get-fail\",\"probability\":0.5}");
    char a[41], b[41];
    pattern(&srv, a);
    resp r;
    http_req(&srv, &r, "GET", "/_lhv1/log", NULL, 0, NULL);
    lhv1_buf log1 = r.body;
    lhv1_buf_free(&r.headers);
    http_req(&srv, &r, "POST", "/_lhv1/reset", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 204);
    resp_free(&r);
    pattern(&srv, b);
    ck_assert_str_eq(a, b);
    ck_assert_ptr_nonnull(strchr(a, 'F'));
    ck_assert_ptr_nonnull(strchr(a, '.'));
    http_req(&srv, &r, "GET", "/_lhv1/log", NULL, 0, NULL);
    ck_assert_str_eq((char *)r.body.data, (char *)log1.data);
    ck_assert_ptr_nonnull(strstr((char *)log1.data, "\"kind\":\"get-fail\""));
    resp_free(&r);
    lhv1_buf_free(&log1);
    /* another seed, another pattern */
    server other;
    const char *args[] = {"--seed", "2", NULL};
    server_start(&other, args);
    add_rules(&other, "{\"kind\":\"get-fail\",\"probability\":0.5}");
    char c[41];
    pattern(&other, c);
    server_stop(&other);
    ck_assert_str_ne(a, c);
}
END_TEST

START_TEST(plan_file_and_validation)
{
    char path[] = "lhv1-plan-XXXXXX"; /* in the test's working directory */
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const char plan[] = "{\"rules\":[{\"kind\":\"put-fail-before\",\"key\":\"*/planned\"}]}";
    ck_assert_int_eq(write(fd, plan, sizeof plan - 1), (ssize_t)(sizeof plan - 1));
    close(fd);
    server p;
    const char *args[] = {"--plan", path, NULL};
    server_start(&p, args);
    resp r;
    http_status(&p, "PUT", "/bk1", NULL, NULL, NULL);
    http_req(&p, &r, "PUT", "/bk1/planned", "x", 1, NULL);
    ck_assert_int_eq(r.status, 503);
    resp_free(&r);
    http_req(&p, &r, "PUT", "/bk1/planned", "x", 1, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    server_stop(&p);
    unlink(path);

    static const char *const bad[] = {
        "{\"kind\":\"no-such-kind\"}", "{\"kind\":\"get-fail\",\"op\":\"put\"}",
        "{\"kind\":\"get-fail\",\"nth\":-1}", "{\"kind\":\"get-fail\",\"probability\":2}",
        "{\"kind\":\"get-fail\",\"typo\":1}", "{\"kind\":\"http-404-code\",\"code\":\"NoSuchKey\"}",
        "{\"kind\":\"put-torn-prefix\",\"reply\":404}", "not json", "[1]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        http_req(&srv, &r, "POST", "/_lhv1/rules", bad[i], strlen(bad[i]), NULL);
        ck_assert_msg(r.status == 400, "%s accepted", bad[i]);
        resp_free(&r);
    }
    http_req(&srv, &r, "GET", "/_lhv1/rules", NULL, 0, NULL);
    ck_assert_str_eq((char *)r.body.data, "[]\n");
    resp_free(&r);
}
END_TEST

/* The ETag of a GET is the MD5 of the body it returns, whatever a fault
 * did to the stored object or to the reply (the server remembers the MD5
 * of clean writes; a fault must never let a remembered one leak). */
static void assert_get_etag(const char *key, const char *body, const char *md5_hex)
{
    char path[256], want[40], got[64];
    snprintf(path, sizeof path, "/flt/%s", key);
    snprintf(want, sizeof want, "\"%s\"", md5_hex);
    resp r;
    http_req(&srv, &r, "GET", path, NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body.data ? (char *)r.body.data : "", body);
    ck_assert_str_eq(resp_header(&r, "ETag", got, sizeof got), want);
    resp_free(&r);
}

START_TEST(etag_follows_the_returned_body)
{
    /* MD5s from Python's hashlib. */
    const char *abc = "900150983cd24fb0d6963f7d28e17f72", *cbc = "ccb241b4014cfb8a2ba0da0a943ac9ff",
               *three = "84709f509735e9a9b2510481148a859c", *vers = "3bae61cc7cb88ff6ae7e54c8a3f588a4",
               *one = "f97c5d29941bfb1b2fdab0874906ab82", *two = "b8a9f715dbb64fd5c56e7783c6820a61";
    char got[64];
    ck_assert_int_eq(put("e", "abc"), 200);
    assert_get_etag("e", "abc", abc);
    add_rules(&srv, "{\"kind\":\"get-bit-flip\",\"key\":\"flt/e\",\"bit\":1}");
    assert_get_etag("e", "cbc", cbc);
    clear_rules();
    assert_get_etag("e", "abc", abc);

    /* A torn write acknowledged with 200: the PUT's ETag is the body sent,
     * the GET's the body stored. */
    add_rules(&srv, "{\"kind\":\"put-torn-prefix\",\"key\":\"flt/e\",\"cut\":4,\"reply\":200}");
    resp r;
    http_req(&srv, &r, "PUT", "/flt/e", "version-three", 13, NULL);
    ck_assert_int_eq(r.status, 200);
    char want[40];
    snprintf(want, sizeof want, "\"%s\"", three);
    ck_assert_str_eq(resp_header(&r, "ETag", got, sizeof got), want);
    resp_free(&r);
    clear_rules();
    assert_get_etag("e", "vers", vers);

    add_rules(&srv, "{\"kind\":\"put-lost\",\"key\":\"flt/e\"}");
    ck_assert_int_eq(put("e", "lost"), 200);
    clear_rules();
    assert_get_etag("e", "vers", vers);

    ck_assert_int_eq(put("e", "one"), 200);
    ck_assert_int_eq(put("e", "two"), 200);
    add_rules(&srv, "{\"kind\":\"get-stale\",\"key\":\"flt/e\",\"lag\":1}");
    assert_get_etag("e", "one", one);
    clear_rules();
    assert_get_etag("e", "two", two);

    /* Deleted, then reset: nothing remembered survives either. */
    http_req(&srv, &r, "DELETE", "/flt/e", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 204);
    resp_free(&r);
    http_req(&srv, &r, "GET", "/flt/e", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    ck_assert_int_eq(put("e", "abc"), 200);
    http_req(&srv, &r, "POST", "/_lhv1/reset", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 204);
    resp_free(&r);
    http_req(&srv, &r, "PUT", "/flt", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    http_req(&srv, &r, "GET", "/flt/e", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
}
END_TEST

/* The delay rule of the two tests below: long beside eight GETs on a
 * loaded machine, so their order against the delayed reply is the test. */
#define DELAY_MS 5000

static void delay_key(const char *key)
{
    char rule[128];
    snprintf(rule, sizeof rule, "{\"kind\":\"http-delay\",\"key\":\"%s\",\"delay_ms\":%d}", key,
             DELAY_MS);
    add_rules(&srv, rule);
}


/* A delayed reply holds back its own connection only: the server's few
 * threads keep serving the others meanwhile. */
START_TEST(delay_does_not_stall_other_connections)
{
    ck_assert_int_eq(put("fast", "quick"), 200);
    delay_key("flt/slow");
    long t0 = mono_ms();
    int fd = raw_connect(srv.port);
    const char req[] = "PUT /flt/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n\r\nslow";
    ck_assert_int_eq(send(fd, req, sizeof req - 1, 0), (ssize_t)(sizeof req - 1));
    usleep(200 * 1000); /* the PUT reaches the server and is suspended */
    others_served_while_delayed(&srv, fd, t0, DELAY_MS, "/flt/fast", "quick");
    clear_rules();
    char b[64];
    get("slow", b, sizeof b);
    ck_assert_str_eq(b, "slow");
}
END_TEST

/* PUTs of 256 KiB and more are served by a worker thread, their
 * connection suspended meanwhile: the same replies, digests and faults
 * as any other, and a delayed one holds back only its own connection. */
START_TEST(large_puts_run_off_the_event_thread)
{
    enum { BIG = 512 * 1024 };
    char *big = malloc(BIG);
    for (int i = 0; i < BIG; i++)
        big[i] = (char)('a' + (i * 7) % 26);
    resp r, g;
    http_req(&srv, &r, "PUT", "/flt/big", big, BIG, NULL);
    ck_assert_int_eq(r.status, 200);
    char etag_put[64], etag_get[64];
    ck_assert_ptr_nonnull(resp_header(&r, "ETag", etag_put, sizeof etag_put));
    resp_free(&r);
    http_req(&srv, &g, "GET", "/flt/big", NULL, 0, NULL);
    ck_assert_int_eq(g.status, 200);
    ck_assert_uint_eq(g.body.len, BIG);
    ck_assert(!memcmp(g.body.data, big, BIG));
    ck_assert_ptr_nonnull(resp_header(&g, "ETag", etag_get, sizeof etag_get));
    ck_assert_str_eq(etag_put, etag_get);
    resp_free(&g);

    /* A wrong Content-MD5: 400 BadDigest, nothing stored. */
    const char *bad_md5[] = {"Content-MD5: AAAAAAAAAAAAAAAAAAAAAA==", NULL};
    big[0] = 'Z';
    http_req(&srv, &r, "PUT", "/flt/big", big, BIG, bad_md5);
    ck_assert_int_eq(r.status, 400);
    ck_assert(resp_code_is(&r, "BadDigest"));
    resp_free(&r);
    http_req(&srv, &g, "GET", "/flt/big", NULL, 0, NULL);
    ck_assert_uint_eq(g.body.len, BIG);
    ck_assert_int_eq(((char *)g.body.data)[0], 'a');
    resp_free(&g);

    /* A torn write of a large PUT keeps its prefix. */
    add_rules(&srv, "{\"kind\":\"put-torn-prefix\",\"key\":\"flt/big\",\"cut\":1000,"
                    "\"reply\":200}");
    http_req(&srv, &r, "PUT", "/flt/big", big, BIG, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    clear_rules();
    http_req(&srv, &g, "GET", "/flt/big", NULL, 0, NULL);
    ck_assert_uint_eq(g.body.len, 1000);
    ck_assert(!memcmp(g.body.data, big, 1000));
    resp_free(&g);

    /* A delayed large PUT: the others are served meanwhile. */
    ck_assert_int_eq(put("fast", "quick"), 200);
    delay_key("flt/big");
    long t0 = mono_ms();
    int fd = raw_connect(srv.port);
    char head[128];
    int hn = snprintf(head, sizeof head,
                      "PUT /flt/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n", BIG);
    ck_assert_int_eq(send(fd, head, (size_t)hn, 0), hn);
    for (size_t off = 0; off < BIG;) {
        ssize_t n = send(fd, big + off, BIG - off, 0);
        ck_assert_int_gt(n, 0);
        off += (size_t)n;
    }
    usleep(200 * 1000); /* hashed, stored, suspended */
    others_served_while_delayed(&srv, fd, t0, DELAY_MS, "/flt/fast", "quick");
    clear_rules();
    http_req(&srv, &g, "GET", "/flt/big", NULL, 0, NULL);
    ck_assert_uint_eq(g.body.len, BIG);
    ck_assert(!memcmp(g.body.data, big, BIG));
    resp_free(&g);
    free(big);
}
END_TEST

/* The checksums a PUT verified are of the body sent: a torn write keeps
 * none (a validated read of the torn object finds no checksum, not a
 * mismatch), and through the proxy the torn body goes to the upstream
 * without them, which would refuse it with BadDigest. */
START_TEST(torn_put_keeps_no_checksum)
{
    static const char sum[] = "1bXJqRTopdixnsLL5OzCeRSZV5ecXh8nouhnLKJL0cQ="; /* "version-three" */
    char line[128], got[128];
    snprintf(line, sizeof line, "x-amz-checksum-sha256: %s", sum);
    const char *with_sum[] = {line, NULL};
    const char *mode[] = {"x-amz-checksum-mode: ENABLED", NULL};
    server upstream, proxy;
    server_start(&upstream, NULL);
    const char *args[] = {"--upstream", upstream.url, NULL};
    server_start(&proxy, args);
    const server *each[] = {&srv, &proxy};
    for (int i = 0; i < 2; i++) {
        const server *s = each[i];
        resp r;
        ck_assert_int_eq(http_status(s, "PUT", "/tcks", NULL, NULL, NULL), 200);
        ck_assert_int_eq(http_status(s, "PUT", "/tcks/k", "version-three", with_sum, NULL), 200);
        http_req(s, &r, "GET", "/tcks/k", NULL, 0, mode);
        ck_assert_str_eq(resp_header(&r, "x-amz-checksum-sha256", got, sizeof got), sum);
        resp_free(&r);
        add_rules(s, "{\"kind\":\"put-torn-prefix\",\"key\":\"tcks/k\",\"cut\":4,\"reply\":200}");
        http_req(s, &r, "PUT", "/tcks/k", "version-three", 13, with_sum);
        ck_assert_msg(r.status == 200, "%s: torn PUT %ld %s", i ? "proxy" : "memory", r.status,
                      (const char *)r.body.data);
        resp_free(&r);
        ck_assert_int_eq(http_status(s, "DELETE", "/_lhv1/rules", NULL, NULL, NULL), 204);
        http_req(s, &r, "GET", "/tcks/k", NULL, 0, mode);
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq(r.body.len, 4);
        ck_assert_msg(!*resp_header(&r, "x-amz-checksum-sha256", got, sizeof got),
                      "%s: the torn object has the sent body's checksum %s", i ? "proxy" : "memory",
                      got);
        resp_free(&r);
    }
    server_stop(&proxy);
    server_stop(&upstream);
}
END_TEST

Suite *suite_faults(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_add_checked_fixture(tc, up, down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, store_kinds_over_http);
    tcase_add_test(tc, torn_put_keeps_no_checksum);
    tcase_add_test(tc, http_kinds);
    tcase_add_test(tc, nth_and_persistent);
    tcase_add_test(tc, seeded_probability_reproducible);
    tcase_add_test(tc, plan_file_and_validation);
    tcase_add_test(tc, etag_follows_the_returned_body);
    tcase_add_test(tc, delay_does_not_stall_other_connections);
    tcase_add_test(tc, large_puts_run_off_the_event_thread);
    suite_add_tcase(s, tc);
    return s;
}
