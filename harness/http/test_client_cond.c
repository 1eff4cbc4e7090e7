/* The S3 client store's conditional writes: against `lhv1 serve`,
 * If-None-Match creates once and If-Match on the ETag read writes once; a
 * stale or deleted version is PRECONDITION_FAILED and nothing is written.
 * Against a hostile endpoint: the ETag it reads is bounded and text, and
 * only S3's refusals of a precondition are conflicts. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "hostile.h"
#include "http_util.h"
#include "s3_store.h"

#define KEY lhv1_bytes_str("_vectors/shared.lhv1")

static lhv1_store *client(const char *url)
{
    lhv1_s3_config cfg = {0};
    cfg.endpoint = url;
    cfg.bucket = "cond";
    cfg.timeout_ms = 5000;
    lhv1_store_err err;
    lhv1_store *st = lhv1_s3_store_new(&cfg, &err);
    ck_assert_msg(st != NULL, "%s", err.body);
    return st;
}

static void assert_body(lhv1_store *st, const char *want)
{
    lhv1_buf out;
    lhv1_buf_init(&out);
    lhv1_store_err err;
    ck_assert_int_eq(lhv1_store_get(st, KEY, &out, &err), 0);
    ck_assert_int_eq(out.len, strlen(want));
    ck_assert_int_eq(memcmp(out.data, want, out.len), 0);
    lhv1_buf_free(&out);
}

START_TEST(put_if_against_lhv1_serve)
{
    server srv;
    server_start(&srv, NULL);
    ck_assert_int_eq(http_status(&srv, "PUT", "/cond", NULL, NULL, NULL), 200);
    lhv1_store *a = client(srv.url), *b = client(srv.url);
    lhv1_store_err err;
    lhv1_store_version none = {0}, created, read, next;
    lhv1_buf out;
    lhv1_buf_init(&out);
    ck_assert_int_eq(lhv1_store_get_version(a, KEY, &out, &read, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
    ck_assert(!read.exists);
    ck_assert_int_eq(lhv1_store_put_if(a, KEY, lhv1_bytes_str("one"), &none, &created, &err), 0);
    ck_assert(created.exists);
    ck_assert_int_eq(created.tag[0], '"');
    /* The second create is refused and writes nothing. */
    ck_assert_int_eq(lhv1_store_put_if(b, KEY, lhv1_bytes_str("two"), &none, NULL, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_PRECONDITION_FAILED);
    ck_assert_int_eq(err.status, 412);
    assert_body(a, "one");
    ck_assert_int_eq(lhv1_store_get_version(b, KEY, &out, &read, &err), 0);
    ck_assert_str_eq(read.tag, created.tag);
    ck_assert_int_eq(lhv1_store_put_if(b, KEY, lhv1_bytes_str("three"), &read, &next, &err), 0);
    ck_assert_str_ne(next.tag, read.tag);
    /* A's version is stale now. */
    ck_assert_int_eq(lhv1_store_put_if(a, KEY, lhv1_bytes_str("four"), &created, NULL, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_PRECONDITION_FAILED);
    assert_body(a, "three");
    /* Deleted since it was read: If-Match refused, nothing created. */
    ck_assert_int_eq(lhv1_store_del(a, KEY, &err), 0);
    ck_assert_int_eq(lhv1_store_put_if(b, KEY, lhv1_bytes_str("five"), &next, NULL, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_PRECONDITION_FAILED);
    ck_assert_int_eq(lhv1_store_get(a, KEY, &out, &err), -1);
    ck_assert_int_eq(err.kind, LHV1_STORE_NOT_FOUND);
    lhv1_buf_free(&out);
    lhv1_store_destroy(a);
    lhv1_store_destroy(b);
    server_stop(&srv);
}
END_TEST

/* --- a hostile endpoint --------------------------------------------------- */

enum { ETAG_LONG, ETAG_CONTROL, ETAG_NONE, GET_404_ETAG, PUT_409_COND, PUT_409_OTHER, PUT_412, PUT_200 };

static int scenario(hostile *h, int fd, const char *method, const char *target, void *cls)
{
    (void)method, (void)target;
    char etag[300];
    switch (*(int *)cls) {
    case ETAG_LONG:
        memset(etag, 'e', 200);
        etag[200] = 0;
        hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nETag: \"%s\"\r\nContent-Length: 3\r\n\r\nabc",
                       etag);
        break;
    case ETAG_CONTROL:
        hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nETag: \"a\001b\"\r\nContent-Length: 3\r\n\r\nabc");
        break;
    case ETAG_NONE:
        hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
        break;
    case GET_404_ETAG: {
        const char body[] = "<Error><Code>NoSuchKey</Code></Error>";
        hostile_printf(h, fd,
                       "HTTP/1.1 404 Not Found\r\nETag: \"stale\"\r\nContent-Type: application/xml\r\n"
                       "Content-Length: %zu\r\n\r\n%s",
                       sizeof body - 1, body);
        break;
    }
    case PUT_409_COND:
    case PUT_409_OTHER: {
        const char *code = *(int *)cls == PUT_409_COND ? "ConditionalRequestConflict"
                                                       : "OperationAborted";
        char body[200];
        int n = snprintf(body, sizeof body, "<Error><Code>%s</Code></Error>", code);
        hostile_reply(h, fd, 409, "application/xml", body, (size_t)n);
        break;
    }
    case PUT_412: {
        const char body[] = "<Error><Code>PreconditionFailed</Code></Error>";
        hostile_reply(h, fd, 412, "application/xml", body, sizeof body - 1);
        break;
    }
    case PUT_200:
        hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nETag: \"v2\"\r\nContent-Length: 0\r\n\r\n");
        break;
    }
    return 0;
}

/* GetVersion against a hostile endpoint: an ETag too long, with a control
 * byte, or absent fails the read; a 404 that carries an ETag is missing,
 * with no version, so a conditional writer creates with If-None-Match: *
 * instead of matching a stale tag. Never a version, never a body. */
START_TEST(get_version_of_hostile_replies)
{
    static const struct {
        int scenario;
        lhv1_store_kind kind;
        const char *says; /* in the error's body, or NULL */
    } cases[] = {
        {ETAG_LONG, LHV1_STORE_FAILED, "ETag"},
        {ETAG_CONTROL, LHV1_STORE_FAILED, "ETag"},
        {ETAG_NONE, LHV1_STORE_FAILED, "ETag"},
        {GET_404_ETAG, LHV1_STORE_NOT_FOUND, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int c = cases[i].scenario;
        hostile *h = hostile_start(scenario, &c);
        lhv1_store *st = client(hostile_url(h));
        lhv1_buf out;
        lhv1_buf_init(&out);
        lhv1_store_version v;
        lhv1_store_err err;
        ck_assert_int_eq(lhv1_store_get_version(st, KEY, &out, &v, &err), -1);
        ck_assert_msg(err.kind == cases[i].kind, "case %d: %s %s", c,
                      lhv1_store_kind_name(err.kind), err.body);
        ck_assert_msg(!cases[i].says || strstr(err.body, cases[i].says), "case %d: %s", c,
                      err.body);
        ck_assert_msg(!v.exists, "case %d: a version read: %s", c, v.tag);
        ck_assert_int_eq(out.len, 0);
        lhv1_buf_free(&out);
        lhv1_store_destroy(st);
        hostile_stop(h);
    }
}
END_TEST

START_TEST(put_if_refusals_are_conflicts_other_errors_failures)
{
    static const struct {
        int scenario;
        lhv1_store_kind kind;
        int status;
    } cases[] = {
        {PUT_409_COND, LHV1_STORE_PRECONDITION_FAILED, 409},
        {PUT_409_OTHER, LHV1_STORE_FAILED, 409},
        {PUT_412, LHV1_STORE_PRECONDITION_FAILED, 412},
        {PUT_200, LHV1_STORE_OK, 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int c = cases[i].scenario;
        hostile *h = hostile_start(scenario, &c);
        lhv1_store *st = client(hostile_url(h));
        lhv1_store_version expect = {1, "\"v1\""}, now = {0};
        lhv1_store_err err;
        int rc = lhv1_store_put_if(st, KEY, lhv1_bytes_str("x"), &expect, &now, &err);
        ck_assert_int_eq(rc, cases[i].kind == LHV1_STORE_OK ? 0 : -1);
        ck_assert_msg(err.kind == cases[i].kind, "case %d: %s %s", c,
                      lhv1_store_kind_name(err.kind), err.body);
        ck_assert_int_eq(err.status, cases[i].status);
        if (rc == 0)
            ck_assert_str_eq(now.tag, "\"v2\"");
        else
            ck_assert(!now.exists);
        lhv1_store_destroy(st);
        hostile_stop(h);
    }
}
END_TEST

Suite *suite_client_cond(void)
{
    Suite *s = suite_create("client_cond");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, put_if_against_lhv1_serve);
    tcase_add_test(tc, get_version_of_hostile_replies);
    tcase_add_test(tc, put_if_refusals_are_conflicts_other_errors_failures);
    suite_add_tcase(s, tc);
    return s;
}
