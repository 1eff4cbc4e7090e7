/* `lhv1 serve --upstream` in front of a hostile upstream (hostile.c): what
 * the proxy reads of the upstream is bounded as what clients send it is
 * (docs/SECURITY.md, "Proxy mode"): an object's body at most --max-body
 * bytes, announced or not, and taken from the --max-inflight budget before
 * it is read, for a GET and for the reads a listing makes to learn sizes
 * and ETags. Each case counts what the upstream managed to send: a proxy
 * without the bound reads all of it (measured: a 3 GiB body took the proxy
 * to 3.16 GB before its 503). Labels http and security. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hostile.h"
#include "http_util.h"
#include "check_suites.h"

#define MIB ((uint64_t)1 << 20)
#define MAX_BODY (48 * MIB)
/* What the upstream writes before the proxy stops reading a body it
 * refuses at its start: the socket buffers of loopback (a few MiB each
 * way), nothing of the body. One without length is read to MAX_BODY. */
#define SENT_BOUND (24 * MIB)
/* An endless body stops here, far above SENT_BOUND. */
#define FLOOD_CAP (256 * MIB)
/* A body within --max-body (48 MiB) but more than the budget's half. */
#define MID (40 * MIB)

/* The upstream: one bucket "bkt"; objects "big" (announces 3 GiB),
 * "endless" (no length, bytes without end), "mid" (MID bytes, true
 * length); its listing names the key given in cls. Every reply closes its
 * connection (the proxy keeps several; this upstream serves one at a
 * time). */
static int upstream(hostile *h, int fd, const char *method, const char *target, void *cls)
{
    const char *listed = cls;
    (void)method;
    if (!strcmp(target, "/")) {
        static const char b[] = "<ListAllMyBucketsResult><Buckets><Bucket><Name>bkt</Name>"
                                "</Bucket></Buckets></ListAllMyBucketsResult>";
        hostile_reply(h, fd, 200, "application/xml", b, sizeof b - 1);
    } else if (strstr(target, "list-type=2")) {
        char b[512];
        snprintf(b, sizeof b, "<ListBucketResult><IsTruncated>false</IsTruncated><Contents>"
                              "<Key>%s</Key></Contents></ListBucketResult>", listed);
        hostile_reply(h, fd, 200, "application/xml", b, strlen(b));
    } else if (!strcmp(target, "/bkt/big")) {
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nContent-Length: 3221225472\r\n\r\n") == 0)
            hostile_flood(h, fd, 'b', FLOOD_CAP);
    } else if (!strcmp(target, "/bkt/endless")) {
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n") == 0)
            hostile_flood(h, fd, 'e', FLOOD_CAP);
    } else if (!strcmp(target, "/bkt/mid")) {
        if (hostile_printf(h, fd, "HTTP/1.1 200 OK\r\nContent-Length: %llu\r\n\r\n",
                           (unsigned long long)MID) == 0)
            hostile_flood(h, fd, 'm', MID);
    } else {
        static const char e[] = "<Error><Code>NoSuchKey</Code></Error>";
        hostile_reply(h, fd, 404, "application/xml", e, sizeof e - 1);
    }
    return 0;
}

static const char *const proxy_args[] = {"--max-body", "50331648", "--max-inflight", "67108864",
                                         NULL};

static void start_proxy(server *p, hostile *h)
{
    const char *args[8] = {"--upstream", hostile_url(h)};
    int n = 2;
    for (const char *const *a = proxy_args; *a; a++)
        args[n++] = *a;
    args[n] = NULL;
    server_start(p, args);
}

/* Bytes the upstream wrote during fn. */
static uint64_t sent_during(hostile *h, uint64_t before)
{
    return hostile_sent(h) - before;
}

/* Bodies over --max-body, announced or not, for a GET and for a listing
 * that reads the object to learn its ETag: 5xx, and the upstream wrote no
 * more than the socket buffers took. */
START_TEST(upstream_bodies_over_max_body)
{
    static const char *const keys[] = {"big", "endless"};
    for (int i = 0; i < 2; i++) {
        hostile *h = hostile_start(upstream, (void *)keys[i]);
        server p;
        start_proxy(&p, h);
        char path[64];
        snprintf(path, sizeof path, "/bkt/%s", keys[i]);
        uint64_t before = hostile_sent(h);
        resp r;
        http_req(&p, &r, "GET", path, NULL, 0, NULL);
        uint64_t sent = sent_during(h, before), bound = SENT_BOUND + (i ? MAX_BODY : 0);
        ck_assert_msg(r.status / 100 == 5, "GET %s: %ld", path, r.status);
        ck_assert_msg(sent < bound, "GET %s: the upstream wrote %llu bytes", path,
                      (unsigned long long)sent);
        resp_free(&r);
        before = hostile_sent(h);
        http_req(&p, &r, "GET", "/bkt?list-type=2", NULL, 0, NULL);
        sent = sent_during(h, before);
        ck_assert_msg(r.status / 100 == 5, "listing with %s: %ld", keys[i], r.status);
        ck_assert_msg(sent < bound, "listing with %s: the upstream wrote %llu bytes",
                      keys[i], (unsigned long long)sent);
        resp_free(&r);
        server_stop(&p);
        hostile_stop(h);
    }
}
END_TEST

/* A client that does not read a MID reply holds MID of the 64 MiB budget;
 * a second GET of it, and a listing that must read it, are 503 before the
 * upstream sends the body (the old proxy read it all, then answered 503 or
 * 200); once that client goes, the same GET is served. */
START_TEST(upstream_bodies_taken_from_the_budget_first)
{
    hostile *h = hostile_start(upstream, (void *)"mid");
    server p;
    start_proxy(&p, h);
    int fd = raw_connect(p.port);
    int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    static const char get[] = "GET /bkt/mid HTTP/1.1\r\nHost: x\r\n\r\n";
    ck_assert_int_eq(send(fd, get, sizeof get - 1, MSG_NOSIGNAL), (ssize_t)(sizeof get - 1));
    long deadline = mono_ms() + 60000;
    while (hostile_sent(h) < MID && mono_ms() < deadline)
        usleep(20000);
    ck_assert_msg(hostile_sent(h) >= MID, "the first GET read %llu bytes",
                  (unsigned long long)hostile_sent(h));
    uint64_t before = hostile_sent(h);
    resp r;
    http_req(&p, &r, "GET", "/bkt/mid", NULL, 0, NULL);
    uint64_t sent = sent_during(h, before);
    ck_assert_msg(r.status == 503, "second GET: %ld %.*s", r.status, (int)r.body.len,
                  (const char *)r.body.data);
    ck_assert(resp_code_is(&r, "SlowDown"));
    char ra[16];
    ck_assert_str_eq(resp_header(&r, "Retry-After", ra, sizeof ra), "1");
    ck_assert_msg(sent < SENT_BOUND, "second GET: the upstream wrote %llu bytes",
                  (unsigned long long)sent);
    resp_free(&r);
    before = hostile_sent(h);
    http_req(&p, &r, "GET", "/bkt?list-type=2", NULL, 0, NULL);
    sent = sent_during(h, before);
    ck_assert_msg(r.status == 503, "listing: %ld %.*s", r.status, (int)r.body.len,
                  (const char *)r.body.data);
    ck_assert_msg(sent < SENT_BOUND, "listing: the upstream wrote %llu bytes",
                  (unsigned long long)sent);
    resp_free(&r);
    close(fd);
    /* the budget comes back whole: served once the first client is gone */
    int status = 0;
    deadline = mono_ms() + 60000;
    while (status != 200 && mono_ms() < deadline) {
        http_req(&p, &r, "GET", "/bkt/mid", NULL, 0, NULL);
        status = (int)r.status;
        ck_assert_msg(status == 200 || status == 503, "third GET: %d", status);
        ck_assert(status != 200 || r.body.len == MID);
        resp_free(&r);
        if (status != 200)
            usleep(100000);
    }
    ck_assert_int_eq(status, 200);
    server_stop(&p);
    hostile_stop(h);
}
END_TEST

Suite *suite_proxy_bounds(void)
{
    Suite *s = suite_create("proxy_bounds");
    TCase *tc = tcase_create("proxy_bounds");
    tcase_set_timeout(tc, 150);
    tcase_add_test(tc, upstream_bodies_over_max_body);
    tcase_add_test(tc, upstream_bodies_taken_from_the_budget_first);
    suite_add_tcase(s, tc);
    return s;
}
