/* Malformed requests: each class is answered with a 4xx (or, where no
 * answer is possible, the connection is closed) and the server goes on
 * serving. Raw sockets send what libcurl would refuse to. */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

static server srv;

static void up(void)
{
    const char *args[] = {"--max-body", "4096", "--idle-timeout", "2", NULL};
    server_start(&srv, args);
    resp r;
    ck_assert_int_eq(http_status(&srv, "PUT", "/bkt", NULL, NULL, NULL), 200);
    http_req(&srv, &r, "PUT", "/bkt/ok", "fine", 4, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}

static void down(void)
{
    server_stop(&srv);
}

/* The server still answers, and its object is intact. */
static void still_serving(const char *after)
{
    resp r;
    http_req(&srv, &r, "GET", "/bkt/ok", NULL, 0, NULL);
    ck_assert_msg(r.status == 200 && !strcmp((char *)r.body.data, "fine"),
                  "after %s: %ld %d", after, r.status, r.rc);
    resp_free(&r);
}

static void raw_4xx(const char *what, const char *req, size_t len)
{
    lhv1_buf out;
    int st = raw_exchange(srv.port, req, len, 1, 3000, &out);
    ck_assert_msg(st >= 400 && st < 500, "%s: answered %d: %.200s", what, st, (char *)out.data);
    lhv1_buf_free(&out);
    still_serving(what);
}

#define RAW(what, text) raw_4xx(what, text, sizeof text - 1)

START_TEST(bad_methods_and_lines)
{
    RAW("unknown method", "BREW /bkt/ok HTTP/1.1\r\nHost: x\r\n\r\n");
    RAW("lowercase method", "get /bkt/ok HTTP/1.1\r\nHost: x\r\n\r\n");
    RAW("POST on object", "POST /bkt/ok HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    RAW("PATCH", "PATCH /bkt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    RAW("garbage line", "\x01\x02\x03 garbage\r\n\r\n");
    RAW("no Host in 1.1", "GET /bkt/ok HTTP/1.1\r\n\r\n");
    RAW("relative path", "GET bkt/ok HTTP/1.1\r\nHost: x\r\n\r\n");
    /* libmicrohttpd answers an unknown version itself, with the status
     * HTTP has for it: 505, the one 5xx of this suite. */
    const char version[] = "GET /bkt/ok HTTP/9.9\r\nHost: x\r\n\r\n";
    ck_assert_int_eq(raw_exchange(srv.port, version, sizeof version - 1, 1, 3000, NULL), 505);
    still_serving("bad version");
}
END_TEST

/* Keys no object can have: bad escapes, bytes that are not UTF-8 (S3's
 * 400 InvalidURI), and no bucket by S3's naming rules. Keys that look
 * like paths ("a/../b", "d//e") are keys like any other: test_storage.c. */
START_TEST(bad_keys)
{
    static const char *const paths[] = {
        "/bkt/a%zz", "/bkt/a%4", "/bkt/%FF", "/bkt/a%C0%AFb", "/bkt/%ED%A0%80",
        "/BAD_bucket/k", "/b/k", "/bkt.-x/k",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char req[512];
        int n = snprintf(req, sizeof req,
                         "PUT %s HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx", paths[i]);
        raw_4xx(paths[i], req, (size_t)n);
    }
    char longkey[1200] = "/bkt/";
    memset(longkey + 5, 'k', 1100);
    longkey[1105] = 0;
    resp r;
    http_req(&srv, &r, "PUT", longkey, "x", 1, NULL);
    ck_assert_int_eq(r.status, 400);
    ck_assert(resp_code_is(&r, "KeyTooLongError"));
    resp_free(&r);
    ck_assert_int_eq(http_status(&srv, "PUT", "/bkt/caf%C3%A9%FF", "x", NULL, "InvalidURI"), 400);
    ck_assert_int_eq(http_status(&srv, "GET", "/bkt/%FF", NULL, NULL, "InvalidURI"), 400);
}
END_TEST

START_TEST(content_length_lies)
{
    RAW("PUT without length", "PUT /bkt/nolen HTTP/1.1\r\nHost: x\r\n\r\n");
    RAW("non-numeric length", "PUT /bkt/k HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    RAW("negative length", "PUT /bkt/k HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n");
    RAW("two lengths", "PUT /bkt/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                       "Content-Length: 2\r\n\r\nxy");
    /* Longer than what is sent, then the client stops: no answer is
     * possible; nothing is stored and the server goes on. */
    const char longer[] = "PUT /bkt/lie HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly10byte";
    raw_exchange(srv.port, longer, sizeof longer - 1, 1, 3000, NULL);
    still_serving("longer Content-Length");
    resp r;
    ck_assert_int_eq(http_status(&srv, "GET", "/bkt/lie", NULL, NULL, NULL), 404);
    /* Shorter: the rest is read as a second request. */
    const char shorter[] = "PUT /bkt/short HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                           "BREW /bkt/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    lhv1_buf out;
    int st = raw_exchange(srv.port, shorter, sizeof shorter - 1, 0, 5000, &out);
    ck_assert_int_eq(st, 200);
    ck_assert_ptr_nonnull(strstr((char *)out.data + 12, "HTTP/1.1 405"));
    lhv1_buf_free(&out);
    http_req(&srv, &r, "GET", "/bkt/short", NULL, 0, NULL);
    ck_assert_str_eq((char *)r.body.data, "abc");
    resp_free(&r);
    still_serving("shorter Content-Length");
}
END_TEST

START_TEST(oversize_and_huge_headers)
{
    char *big = malloc(8192);
    memset(big, 'x', 8192);
    resp r;
    /* as S3 clients send large bodies: the 413 comes before the body */
    const char *expect[] = {"Expect: 100-continue", NULL};
    http_req(&srv, &r, "PUT", "/bkt/big", big, 8192, expect);
    ck_assert_int_eq(r.status, 413);
    ck_assert(resp_code_is(&r, "EntityTooLarge"));
    resp_free(&r);
    /* chunked (aws-chunked, the one framing S3 takes without a
     * Content-Length), its length not known until read: cut off while
     * reading */
    const char *chunked[] = {"Transfer-Encoding: chunked", "Content-Encoding: aws-chunked",
                             "x-amz-decoded-content-length: 8192", NULL};
    http_req(&srv, &r, "PUT", "/bkt/big", big, 8192, chunked);
    ck_assert_int_eq(r.status, 413);
    resp_free(&r);
    http_req(&srv, &r, "GET", "/bkt/big", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);
    still_serving("oversize body");
    /* a 100 KiB header */
    size_t hl = 100 * 1024;
    char *req = malloc(hl + 128);
    int n = snprintf(req, 128, "GET /bkt/ok HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'h', hl);
    memcpy(req + n + hl, "\r\n\r\n", 4);
    raw_4xx("huge header", req, (size_t)n + hl + 4);
    /* the connection pool (32 KiB) still holds a 16 KiB header: served */
    size_t sl = 16 * 1024;
    memcpy(req + n + sl, "\r\n\r\n", 4);
    lhv1_buf out;
    int st = raw_exchange(srv.port, req, (size_t)n + sl + 4, 1, 3000, &out);
    ck_assert_msg(st == 200, "16 KiB header: answered %d: %.200s", st, (char *)out.data);
    lhv1_buf_free(&out);
    /* 2000 small headers */
    size_t off = (size_t)snprintf(req, hl, "GET /bkt/ok HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 2000 && off + 40 < hl; i++)
        off += (size_t)snprintf(req + off, hl - off, "X-H%d: v\r\n", i);
    memcpy(req + off, "\r\n", 2);
    raw_4xx("many headers", req, off + 2);
    free(req);
    free(big);
}
END_TEST

START_TEST(unknown_query_and_wrong_bucket)
{
    static const char *const paths[] = {"/bkt/ok?nonsense", "/bkt/ok?versionId=7", "/bkt?nonsense=1",
                                        "/bkt?list-type=3", "/bkt?max-keys=-1",
                                        "/bkt?list-type=2&continuation-token=%25%25", "/?foo=bar",
                                        "/nobucket/k", "/nobucket?list-type=2", "/_lhv1/nothing"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        resp r;
        http_req(&srv, &r, "GET", paths[i], NULL, 0, NULL);
        ck_assert_msg(r.status >= 400 && r.status < 500, "%s: %ld", paths[i], r.status);
        ck_assert_ptr_nonnull(strstr((char *)r.body.data, "<Code>"));
        resp_free(&r);
    }
    /* Out-of-scope sub-resources: S3's 501, never the object or a listing. */
    static const char *const out_of_scope[] = {"/bkt/ok?acl", "/bkt/ok?uploads", "/bkt?policy"};
    for (size_t i = 0; i < sizeof out_of_scope / sizeof out_of_scope[0]; i++) {
        resp r;
        http_req(&srv, &r, "GET", out_of_scope[i], NULL, 0, NULL);
        ck_assert_msg(r.status == 501, "%s: %ld", out_of_scope[i], r.status);
        ck_assert_ptr_nonnull(strstr((char *)r.body.data, "<Code>NotImplemented</Code>"));
        resp_free(&r);
    }
    still_serving("unknown queries");
    const char *bad_chunks[] = {"Content-Encoding: aws-chunked", "x-amz-decoded-content-length: 5",
                                NULL};
    resp r;
    http_req(&srv, &r, "PUT", "/bkt/c", "zz\r\nhello\r\n", 11, bad_chunks);
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
    const char *bad_md5[] = {"Content-MD5: not-base64!", NULL};
    http_req(&srv, &r, "PUT", "/bkt/c", "hello", 5, bad_md5);
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
}
END_TEST

/* Slow clients hold their own connections; everyone else is served, and
 * the idle ones are closed after --idle-timeout. */
START_TEST(slow_clients)
{
    int fds[6];
    for (int i = 0; i < 6; i++) {
        fds[i] = raw_connect(srv.port);
        ck_assert_int_eq(send(fds[i], "GET /bkt/ok HT", 14, MSG_NOSIGNAL), 14);
    }
    for (int i = 0; i < 5; i++)
        still_serving("slow clients holding connections");
    /* one byte every 100 ms still completes (under the idle timeout) */
    const char tail[] = "TP/1.1\r\nHost: x\r\n\r\n";
    for (size_t i = 0; i < sizeof tail - 1; i++) {
        ck_assert_int_eq(send(fds[0], tail + i, 1, MSG_NOSIGNAL), 1);
        usleep(100 * 1000);
    }
    char buf[256] = "";
    struct pollfd p = {fds[0], POLLIN, 0};
    ck_assert_int_eq(poll(&p, 1, 3000), 1);
    ck_assert_int_gt(recv(fds[0], buf, sizeof buf - 1, 0), 12);
    ck_assert_int_eq(strncmp(buf, "HTTP/1.1 200", 12), 0);
    /* the silent ones are closed by the server */
    for (int i = 1; i < 6; i++) {
        struct pollfd q = {fds[i], POLLIN, 0};
        ck_assert_int_eq(poll(&q, 1, 6000), 1);
        ck_assert_int_le(recv(fds[i], buf, sizeof buf, 0), 0);
    }
    for (int i = 0; i < 6; i++)
        close(fds[i]);
    still_serving("slow clients");
}
END_TEST

Suite *suite_malformed(void)
{
    Suite *s = suite_create("malformed");
    TCase *tc = tcase_create("malformed");
    tcase_add_checked_fixture(tc, up, down);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, bad_methods_and_lines);
    tcase_add_test(tc, bad_keys);
    tcase_add_test(tc, content_length_lies);
    tcase_add_test(tc, oversize_and_huge_headers);
    tcase_add_test(tc, unknown_query_and_wrong_bucket);
    tcase_add_test(tc, slow_clients);
    suite_add_tcase(s, tc);
    return s;
}
