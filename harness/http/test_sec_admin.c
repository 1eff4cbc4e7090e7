/* Who may call the admin API (docs/SECURITY.md): under --auth every
 * /_lhv1/ call is signed (with --admin-auth, by its own credentials and
 * only those); peers on another host are refused unless --admin-remote;
 * a proxy's reset deletes only what the proxy created. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <check.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

#define CREDS "AKADMIN:admin-secret"

static long status_of(const server *s, const char *method, const char *path, const char *body,
                      const char *userpwd)
{
    if (!userpwd)
        return http_status(s, method, path, body, NULL, NULL);
    resp r;
    http_signed(s, &r, method, path, body, body ? strlen(body) : 0, NULL, userpwd);
    long st = r.status;
    resp_free(&r);
    return st;
}

/* Unsigned or wrongly signed admin calls change nothing and read nothing:
 * the measured defect was 204 for an unsigned reset. */
START_TEST(admin_needs_signature)
{
    server a;
    const char *args[] = {"--auth", CREDS, NULL};
    server_start(&a, args);
    ck_assert_int_eq(status_of(&a, "PUT", "/keep", "", CREDS), 200);
    ck_assert_int_eq(status_of(&a, "PUT", "/keep/k", "v", CREDS), 200);
    static const struct {
        const char *method, *path, *body;
    } calls[] = {
        {"GET", "/_lhv1/health", NULL},   {"GET", "/_lhv1/rules", NULL},
        {"GET", "/_lhv1/log", NULL},      {"DELETE", "/_lhv1/rules", NULL},
        {"POST", "/_lhv1/reset", NULL},   {"POST", "/_lhv1/rules", "{\"kind\":\"http-reset\"}"},
        {"GET", "/_lhv1/no-such", NULL},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        ck_assert_msg(status_of(&a, calls[i].method, calls[i].path, calls[i].body, NULL) == 403,
                      "unsigned %s %s", calls[i].method, calls[i].path);
        ck_assert_msg(status_of(&a, calls[i].method, calls[i].path, calls[i].body,
                                "AKADMIN:wrong") == 403,
                      "wrong secret %s %s", calls[i].method, calls[i].path);
    }
    /* nothing of it happened: no rule, the object still there */
    resp r;
    http_signed(&a, &r, "GET", "/_lhv1/rules", NULL, 0, NULL, CREDS);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq((char *)r.body.data, "[]\n");
    resp_free(&r);
    http_signed(&a, &r, "GET", "/keep/k", NULL, 0, NULL, CREDS);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq((char *)r.body.data, "v");
    resp_free(&r);
    /* signed, each works */
    ck_assert_int_eq(status_of(&a, "POST", "/_lhv1/rules", "{\"kind\":\"http-slowdown\"}", CREDS),
                     200);
    ck_assert_int_eq(status_of(&a, "GET", "/_lhv1/log", NULL, CREDS), 200);
    ck_assert_int_eq(status_of(&a, "POST", "/_lhv1/reset", NULL, CREDS), 204);
    ck_assert_int_eq(status_of(&a, "GET", "/keep/k", NULL, CREDS), 404);
    server_stop(&a);
}
END_TEST

/* --admin-auth: the admin API takes its own credentials and only those;
 * the S3 API never takes them. Without --auth the S3 API stays open. */
START_TEST(admin_auth_is_separate)
{
    server a;
    const char *args[] = {"--auth", "AKS3:s3-secret", "--admin-auth", CREDS, NULL};
    server_start(&a, args);
    ck_assert_int_eq(status_of(&a, "GET", "/_lhv1/rules", NULL, "AKS3:s3-secret"), 403);
    ck_assert_int_eq(status_of(&a, "GET", "/_lhv1/rules", NULL, CREDS), 200);
    ck_assert_int_eq(status_of(&a, "PUT", "/bkt", "", CREDS), 403);
    ck_assert_int_eq(status_of(&a, "PUT", "/bkt", "", "AKS3:s3-secret"), 200);
    server_stop(&a);
    const char *admin_only[] = {"--admin-auth", CREDS, NULL};
    server_start(&a, admin_only);
    ck_assert_int_eq(status_of(&a, "PUT", "/bkt", "", NULL), 200);
    ck_assert_int_eq(status_of(&a, "POST", "/_lhv1/reset", NULL, NULL), 403);
    ck_assert_int_eq(status_of(&a, "GET", "/bkt?list-type=2", NULL, NULL), 200);
    ck_assert_int_eq(status_of(&a, "POST", "/_lhv1/reset", NULL, CREDS), 204);
    server_stop(&a);
}
END_TEST

/* An address of this host that is not loopback, or 0. */
static int other_address(char *out, size_t n)
{
    struct ifaddrs *ifs, *i;
    int found = 0;
    if (getifaddrs(&ifs) < 0)
        return 0;
    for (i = ifs; i && !found; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
            continue;
        const struct sockaddr_in *a = (const struct sockaddr_in *)i->ifa_addr;
        if ((ntohl(a->sin_addr.s_addr) >> 24) == 127)
            continue;
        found = inet_ntop(AF_INET, &a->sin_addr, out, (socklen_t)n) != NULL;
    }
    freeifaddrs(ifs);
    return found;
}

static int raw_status(int port, const char *addr, const char *request)
{
    int fd = raw_connect_from(port, addr, addr);
    ck_assert_int_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
    char buf[512];
    ssize_t got = 0, n;
    long deadline = mono_ms() + 10000;
    while (got < 12 && mono_ms() < deadline &&
           (n = read(fd, buf + got, sizeof buf - 1 - (size_t)got)) > 0)
        got += n;
    close(fd);
    buf[got > 0 ? got : 0] = 0;
    return got >= 12 ? atoi(buf + 9) : 0;
}

/* Under --allow-remote, a peer on another address may use S3 but not the
 * admin API, unless --admin-remote. */
START_TEST(admin_refused_from_other_hosts)
{
    char addr[INET_ADDRSTRLEN];
    if (!other_address(addr, sizeof addr)) {
        /* A host with only loopback has no other peer to refuse. */
        fprintf(stderr, "admin_refused_from_other_hosts: no non-loopback IPv4 address here; "
                        "not run\n");
        return;
    }
    static const char health[] = "GET /_lhv1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char list[] = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    server a;
    const char *args[] = {"--listen", "0.0.0.0:0", "--allow-remote", NULL};
    server_start(&a, args);
    ck_assert_int_eq(raw_status(a.port, addr, list), 200);
    ck_assert_int_eq(raw_status(a.port, addr, health), 403);
    ck_assert_int_eq(raw_status(a.port, "127.0.0.1", health), 200);
    server_stop(&a);
    const char *remote[] = {"--listen", "0.0.0.0:0", "--allow-remote", "--admin-remote", NULL};
    server_start(&a, remote);
    ck_assert_int_eq(raw_status(a.port, addr, health), 200);
    server_stop(&a);
}
END_TEST

/* Proxy mode: reset deletes the objects and buckets the proxy created and
 * leaves the upstream's own (the measured defect deleted every bucket). */
START_TEST(proxy_reset_keeps_what_it_did_not_create)
{
    server up, proxy;
    server_start(&up, NULL);
    ck_assert_int_eq(status_of(&up, "PUT", "/foreign", "", NULL), 200);
    ck_assert_int_eq(status_of(&up, "PUT", "/foreign/keep", "theirs", NULL), 200);
    ck_assert_int_eq(status_of(&up, "PUT", "/shared", "", NULL), 200);
    const char *args[] = {"--upstream", up.url, NULL};
    server_start(&proxy, args);
    ck_assert_int_eq(status_of(&proxy, "PUT", "/mine", "", NULL), 200);
    ck_assert_int_eq(status_of(&proxy, "PUT", "/mine/a", "ours", NULL), 200);
    ck_assert_int_eq(status_of(&proxy, "PUT", "/foreign/ours", "ours", NULL), 200);
    ck_assert_int_eq(status_of(&proxy, "PUT", "/shared", "", NULL), 200); /* existed */
    ck_assert_int_eq(status_of(&proxy, "PUT", "/shared/ours", "ours", NULL), 200);
    ck_assert_int_eq(status_of(&proxy, "POST", "/_lhv1/reset", NULL, NULL), 204);
    ck_assert_int_eq(status_of(&up, "GET", "/foreign/keep", NULL, NULL), 200);
    ck_assert_int_eq(status_of(&up, "GET", "/foreign/ours", NULL, NULL), 404);
    ck_assert_int_eq(status_of(&up, "HEAD", "/shared", NULL, NULL), 200);
    ck_assert_int_eq(status_of(&up, "GET", "/shared/ours", NULL, NULL), 404);
    ck_assert_int_eq(status_of(&up, "HEAD", "/mine", NULL, NULL), 404);
    /* the proxy still serves the upstream's buckets after its reset */
    ck_assert_int_eq(status_of(&proxy, "GET", "/foreign/keep", NULL, NULL), 200);
    server_stop(&proxy);
    server_stop(&up);
}
END_TEST

Suite *suite_sec_admin(void)
{
    Suite *s = suite_create("sec_admin");
    TCase *tc = tcase_create("sec_admin");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, admin_needs_signature);
    tcase_add_test(tc, admin_auth_is_separate);
    tcase_add_test(tc, admin_refused_from_other_hosts);
    tcase_add_test(tc, proxy_reset_keeps_what_it_did_not_create);
    suite_add_tcase(s, tc);
    return s;
}
