/* Two servers in one process (src/serve/server.h): each keeps its own
 * store, rules, workers and delay timer, and one stopping leaves the other
 * serving as before. A server's state held in globals fails here: the
 * second shares the first's, or loses its timer when the first stops. */
#include <check.h>
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_suites.h"
#include "http_util.h"
#include "server.h"

/* Long beside eight GETs on a loaded machine: their order against the
 * delayed reply is the test, not the time. */
#define DELAY_MS 5000

static serve_server *start(server *client)
{
    serve_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.host, sizeof cfg.host, "127.0.0.1");
    cfg.seed = 1;
    cfg.max_body = 1 << 20;
    cfg.idle_timeout = 30;
    snprintf(cfg.lim.region, sizeof cfg.lim.region, "us-east-1");
    cfg.lim.max_skew = 900;
    cfg.lim.header_timeout = 20;
    cfg.lim.min_body_rate = 4096;
    cfg.lim.max_conns = 64;
    cfg.lim.max_peer_conns = 32;
    cfg.lim.max_inflight = 16u << 20;
    serve_server *s = serve_server_new(&cfg, NULL, 0, NULL);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(serve_server_start(s), 0);
    memset(client, 0, sizeof *client);
    client->port = (int)serve_server_port(s);
    ck_assert_int_gt(client->port, 0);
    snprintf(client->url, sizeof client->url, "http://127.0.0.1:%d", client->port);
    return s;
}

START_TEST(each_server_keeps_its_own_state)
{
    server ca, cb;
    serve_server *a = start(&ca), *b = start(&cb);
    ck_assert_int_ne(ca.port, cb.port);
    ck_assert_int_eq(http_status(&ca, "PUT", "/two", NULL, NULL, NULL), 200);
    ck_assert_int_eq(http_status(&ca, "PUT", "/two/k", "on a", NULL, NULL), 200);
    ck_assert_int_eq(http_status(&cb, "GET", "/two/k", NULL, NULL, NULL), 404);
    ck_assert_int_eq(http_status(&cb, "PUT", "/two", NULL, NULL, NULL), 200);
    ck_assert_int_eq(http_status(&cb, "PUT", "/two/k", "on b", NULL, NULL), 200);
    /* A rule on one server is that server's. */
    const char rule[] = "{\"kind\":\"http-slowdown\",\"op\":\"get\"}";
    ck_assert_int_eq(http_status(&ca, "POST", "/_lhv1/rules", rule, NULL, NULL), 200);
    char body[64];
    ck_assert_int_eq(http_get_text(&ca, "/two/k", body, sizeof body), 503);
    ck_assert_int_eq(http_get_text(&cb, "/two/k", body, sizeof body), 200);
    ck_assert_str_eq(body, "on b");
    serve_server_free(a);
    ck_assert_int_eq(http_get_text(&cb, "/two/k", body, sizeof body), 200);
    serve_server_free(b);
}
END_TEST

/* After the first server stopped, a delayed reply of the second still
 * holds back its own connection only (its timer is its own). */
START_TEST(a_stopped_server_leaves_the_other_its_delays)
{
    server ca, cb;
    serve_server *a = start(&ca), *b = start(&cb);
    ck_assert_int_eq(http_status(&ca, "PUT", "/one", NULL, NULL, NULL), 200);
    serve_server_free(a);
    ck_assert_int_eq(http_status(&cb, "PUT", "/two", NULL, NULL, NULL), 200);
    ck_assert_int_eq(http_status(&cb, "PUT", "/two/fast", "quick", NULL, NULL), 200);
    char rule[128];
    snprintf(rule, sizeof rule, "{\"kind\":\"http-delay\",\"key\":\"two/slow\",\"delay_ms\":%d}",
             DELAY_MS);
    ck_assert_int_eq(http_status(&cb, "POST", "/_lhv1/rules", rule, NULL, NULL), 200);
    long t0 = mono_ms();
    int fd = raw_connect(cb.port);
    const char put[] = "PUT /two/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n\r\nslow";
    ck_assert_int_eq(send(fd, put, sizeof put - 1, 0), (ssize_t)(sizeof put - 1));
    usleep(200 * 1000); /* the PUT reaches the server and is suspended */
    others_served_while_delayed(&cb, fd, t0, DELAY_MS, "/two/fast", "quick");
    serve_server_free(b);
}
END_TEST

/* A delayed reply still waiting when its server stops is let go: the
 * stop does not wait out the delay. */
START_TEST(stop_lets_pending_delays_go)
{
    server c;
    serve_server *s = start(&c);
    ck_assert_int_eq(http_status(&c, "PUT", "/two", NULL, NULL, NULL), 200);
    const char rule[] = "{\"kind\":\"http-delay\",\"key\":\"two/slow\",\"delay_ms\":600000}";
    ck_assert_int_eq(http_status(&c, "POST", "/_lhv1/rules", rule, NULL, NULL), 200);
    int fd = raw_connect(c.port);
    const char put[] = "PUT /two/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n\r\nslow";
    ck_assert_int_eq(send(fd, put, sizeof put - 1, 0), (ssize_t)(sizeof put - 1));
    usleep(200 * 1000);
    serve_server_free(s); /* a ten-minute delay pending: the test's timeout if it waited */
    close(fd);
}
END_TEST

Suite *suite_two_servers(void)
{
    Suite *s = suite_create("two_servers");
    TCase *tc = tcase_create("two_servers");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, each_server_keeps_its_own_state);
    tcase_add_test(tc, a_stopped_server_leaves_the_other_its_delays);
    tcase_add_test(tc, stop_lets_pending_delays_go);
    suite_add_tcase(s, tc);
    return s;
}

int two_servers_setup(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    return http_curl_setup(argc, argv);
}
