/* What PutObject and CopyObject take from a request's headers
 * (docs/SECURITY.md, review 3):
 *   - an empty x-amz-copy-source (or one empty after its '/' or before its
 *     '?') is 400 InvalidArgument: it reached memchr(NULL, ...), which
 *     UBSan aborts on, so one request stopped lhv1-asan serve;
 *   - a stored header the file backend cannot give back is refused at PUT
 *     on every backend: a control character in a value (400
 *     InvalidArgument), more than the file backend keeps (400
 *     RequestHeaderSectionTooLarge); before, PUT answered 200, memory gave
 *     them back, the file backend lost all the object's headers, the proxy
 *     some;
 *   - a header name outside RFC 9110's tchar is 400 InvalidArgument: a
 *     folded line ("x-amz-meta-a: foo\r\n Set-Cookie: evil=1") became the
 *     stored name "x-amz-meta-aset-cookie: evil=1", which the memory and
 *     file backends could not send back and the proxy's upstream stored.
 * Each on the memory and file backends and through the proxy (in front of
 * a memory backend). Labels http and security. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

enum { MEMORY, FILE_BACKEND, PROXY, N_BACKENDS };
static const char *const backend_name[] = {"memory", "file", "proxy"};

typedef struct backend {
    server s, upstream;
    char root[64];
    int kind;
} backend;

static void backend_start(backend *b, int kind)
{
    b->kind = kind;
    if (kind == FILE_BACKEND) {
        snprintf(b->root, sizeof b->root, "lhv1-stored-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(b->root));
        const char *args[] = {"--root", b->root, NULL};
        server_start(&b->s, args);
    } else if (kind == PROXY) {
        server_start(&b->upstream, NULL);
        const char *args[] = {"--upstream", b->upstream.url, NULL};
        server_start(&b->s, args);
    } else {
        server_start(&b->s, NULL);
    }
    ck_assert_int_eq(http_status(&b->s, "PUT", "/hdr", NULL, NULL, NULL), 200);
}

/* Stops it: it must still answer, and exit cleanly (the ASan variant's
 * leak check). */
static void backend_stop(backend *b)
{
    ck_assert_msg(server_alive(&b->s), "%s: the server no longer answers",
                  backend_name[b->kind]);
    server_stop(&b->s);
    if (b->kind == PROXY)
        server_stop(&b->upstream);
    if (b->kind == FILE_BACKEND) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", b->root);
        ck_assert_int_eq(system(cmd), 0);
    }
}

/* A PUT with these headers is refused with `code`, and the key holds
 * nothing afterwards. */
static void put_refused(const backend *b, const char *path, const char *const *headers,
                        const char *code)
{
    resp r;
    http_req(&b->s, &r, "PUT", path, "body", 4, headers);
    long st = r.status;
    int is_code = resp_code_is(&r, code);
    resp_free(&r);
    ck_assert_msg(st == 400 && is_code, "%s: PUT %s: %ld, not 400 %s", backend_name[b->kind],
                  path, st, code);
    ck_assert_msg(http_status(&b->s, "GET", path, NULL, NULL, NULL) == 404,
                  "%s: the refused PUT %s stored the object", backend_name[b->kind], path);
}

START_TEST(empty_copy_source_refused)
{
    static const char *const sources[] = {"x-amz-copy-source;", "x-amz-copy-source: /",
                                          "x-amz-copy-source: ?versionId=null",
                                          "x-amz-copy-source: /?versionId=null"};
    for (int kind = 0; kind < N_BACKENDS; kind++) {
        backend b;
        backend_start(&b, kind);
        ck_assert_int_eq(http_status(&b.s, "PUT", "/hdr/src", "body", NULL, NULL), 200);
        for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
            const char *h[] = {sources[i], NULL};
            resp r;
            http_req(&b.s, &r, "PUT", "/hdr/dst", NULL, 0, h);
            long st = r.status;
            int rc = (int)r.rc, is_code = resp_code_is(&r, "InvalidArgument");
            resp_free(&r);
            ck_assert_msg(st == 400 && is_code, "%s: %s: %ld (curl %d), not 400 InvalidArgument",
                          backend_name[kind], sources[i], st, rc);
            ck_assert_msg(server_alive(&b.s), "%s: the server died on %s", backend_name[kind],
                          sources[i]);
        }
        backend_stop(&b);
    }
}
END_TEST

START_TEST(stored_headers_every_backend_keeps)
{
    /* 5,000-byte values: kept by every backend (the file backend on any
     * file system: what an attribute cannot hold it keeps in memory). */
    static char cache[5100], disposition[5100], over_a[10100], over_b[10100];
    snprintf(cache, sizeof cache, "Cache-Control: %05000d", 7);
    snprintf(disposition, sizeof disposition, "Content-Disposition: %05000d", 8);
    snprintf(over_a, sizeof over_a, "Cache-Control: %010000d", 7);
    snprintf(over_b, sizeof over_b, "Content-Disposition: %010000d", 8);
    for (int kind = 0; kind < N_BACKENDS; kind++) {
        backend b;
        backend_start(&b, kind);
        const char *ctl[] = {"x-amz-meta-bad: a\001b", "Content-Type: text/good",
                             "x-amz-meta-good: 1", NULL};
        put_refused(&b, "/hdr/ctl", ctl, "InvalidArgument");
        const char *esc[] = {"Content-Type: text/\033[31mred", NULL};
        put_refused(&b, "/hdr/esc", esc, "InvalidArgument");
        const char *del[] = {"x-amz-meta-del: a\177b", NULL};
        put_refused(&b, "/hdr/del", del, "InvalidArgument");
        const char *over[] = {over_a, over_b, "Content-Type: text/big", NULL};
        put_refused(&b, "/hdr/big", over, "RequestHeaderSectionTooLarge");

        const char *kept[] = {cache, disposition, "Content-Type: text/good",
                              "x-amz-meta-good: a\tb", NULL};
        ck_assert_int_eq(http_status(&b.s, "PUT", "/hdr/ok", "body", kept, NULL), 200);
        resp r;
        char v[5100];
        http_req(&b.s, &r, "GET", "/hdr/ok", NULL, 0, NULL);
        ck_assert_int_eq(r.status, 200);
        ck_assert_str_eq(resp_header(&r, "Content-Type", v, sizeof v), "text/good");
        ck_assert_str_eq(resp_header(&r, "x-amz-meta-good", v, sizeof v), "a\tb");
        ck_assert_str_eq(resp_header(&r, "Cache-Control", v, sizeof v), cache + 15);
        ck_assert_str_eq(resp_header(&r, "Content-Disposition", v, sizeof v), disposition + 21);
        resp_free(&r);
        /* CopyObject's REPLACE takes the request's headers by the same rule. */
        const char *replace[] = {"x-amz-copy-source: /hdr/ok", "x-amz-metadata-directive: REPLACE",
                                 "x-amz-meta-bad: \001", NULL};
        ck_assert_int_eq(http_status(&b.s, "PUT", "/hdr/copy", NULL, replace, "InvalidArgument"),
                         400);
        backend_stop(&b);
    }
}
END_TEST

/* A raw PUT of a 1-byte body to /hdr/<key> with extra header lines. */
static int raw_put(const server *s, const char *key, const char *lines)
{
    char req[512];
    int n = snprintf(req, sizeof req, "PUT /hdr/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                     "Content-Length: 1\r\nConnection: close\r\n\r\nx", key, lines);
    return raw_exchange(s->port, req, (size_t)n, 0, 10000, NULL);
}

START_TEST(header_names_outside_tchar_refused)
{
    static const struct {
        const char *key, *lines;
    } folded[] = {
        /* libmicrohttpd 0.9.75 joins a continuation to the name: "x-amz-meta-a:
         * foo\r\n bar" arrives as x-amz-meta-abar, a name a client could send
         * itself, so only continuations holding a space or ':' show. */
        {"cookie", "x-amz-meta-a: foo\r\n Set-Cookie: evil=1\r\n"},
        {"te", "x-amz-meta-a: foo\r\n\tTransfer-Encoding: chunked\r\n"},
    };
    for (int kind = 0; kind < N_BACKENDS; kind++) {
        backend b;
        backend_start(&b, kind);
        for (size_t i = 0; i < sizeof folded / sizeof folded[0]; i++) {
            int st = raw_put(&b.s, folded[i].key, folded[i].lines);
            char path[64];
            snprintf(path, sizeof path, "/hdr/%s", folded[i].key);
            ck_assert_msg(st == 400, "%s: PUT %s with a folded x-amz-meta-a: %d, not 400",
                          backend_name[kind], path, st);
            ck_assert_msg(http_status(&b.s, "GET", path, NULL, NULL, NULL) == 404,
                          "%s: the refused PUT %s stored the object", backend_name[kind], path);
            if (kind == PROXY)
                ck_assert_int_eq(http_status(&b.upstream, "GET", path, NULL, NULL, NULL), 404);
        }
        /* Token characters other than letters and digits are names. */
        ck_assert_int_eq(raw_put(&b.s, "tchar", "x-amz-meta-a.b_c~d!: v\r\n"), 200);
        resp r;
        char v[16];
        http_req(&b.s, &r, "GET", "/hdr/tchar", NULL, 0, NULL);
        ck_assert_int_eq(r.status, 200);
        ck_assert_str_eq(resp_header(&r, "x-amz-meta-a.b_c~d!", v, sizeof v), "v");
        resp_free(&r);
        backend_stop(&b);
    }
}
END_TEST

Suite *suite_sec_stored(void)
{
    Suite *s = suite_create("sec_stored");
    TCase *tc = tcase_create("sec_stored");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, empty_copy_source_refused);
    tcase_add_test(tc, stored_headers_every_backend_keeps);
    tcase_add_test(tc, header_names_outside_tchar_refused);
    suite_add_tcase(s, tc);
    return s;
}
