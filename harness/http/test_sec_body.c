/* Bodies and memory (docs/SECURITY.md): under --auth a request whose
 * signed headers fail is answered before its body is read, so unsigned
 * clients cannot make the server hold their bodies (measured: 12 of
 * 60 MiB took it from 10 MB to 781 MB); and over all requests the bodies
 * held, request and reply, are bounded by --max-inflight (503 SlowDown
 * beyond). Memory is the
 * server's peak resident set (VmHWM) against its own, taken in the same
 * run after a warm-up. */
#define _GNU_SOURCE /* strcasestr */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

#define CREDS "AKBODY:body-secret"
#define MIB (1024L * 1024L)
#define BODY (60 * MIB)
#define CLIENTS 12

/* What one raw client sent and got. */
typedef struct sender {
    int port;
    const char *head;   /* the request header */
    long body;          /* bytes of body to send after it */
    int status;         /* the reply's, 0 when none */
    long sent;          /* body bytes the server took */
    char reply[512];
} sender;

/* Sends the header and up to `body` bytes while reading the reply, until
 * an error reply is complete, the server closes, or 60 s. */
static void *send_one(void *arg)
{
    sender *s = arg;
    int fd = raw_connect(s->port);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    static char zeros[256 * 1024];
    size_t hoff = 0, hlen = strlen(s->head), got = 0;
    long deadline = mono_ms() + 60000;
    int sending = 1;
    while (mono_ms() < deadline) {
        struct pollfd p = {fd, (short)(POLLIN | (sending ? POLLOUT : 0)), 0};
        if (poll(&p, 1, 1000) < 0)
            break;
        if (sending && (p.revents & POLLOUT)) {
            ssize_t n;
            if (hoff < hlen) {
                n = send(fd, s->head + hoff, hlen - hoff, MSG_NOSIGNAL);
                if (n > 0)
                    hoff += (size_t)n;
            } else {
                size_t want = s->body - s->sent < (long)sizeof zeros ? (size_t)(s->body - s->sent)
                                                                      : sizeof zeros;
                n = want ? send(fd, zeros, want, MSG_NOSIGNAL) : 0;
                if (n > 0)
                    s->sent += n;
            }
            if ((n < 0 && errno != EAGAIN) || (hoff == hlen && s->sent == s->body))
                sending = 0;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(fd, s->reply + got, sizeof s->reply - 1 - got, 0);
            if (n < 0 && errno == EAGAIN)
                continue;
            if (n <= 0)
                break;
            got += (size_t)n;
            s->reply[got] = 0;
            if (strstr(s->reply, "</Error>") || got == sizeof s->reply - 1)
                break;
        }
    }
    close(fd);
    s->reply[got] = 0;
    s->status = got >= 12 && !strncmp(s->reply, "HTTP/1.", 7) ? atoi(s->reply + 9) : 0;
    return NULL;
}

static void run_senders(sender *s, int n)
{
    pthread_t th[CLIENTS];
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, send_one, &s[i]), 0);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
}

/* The server's peak resident memory after a signed warm-up PUT and GET. */
static long warm_peak_kb(const server *a, const char *userpwd)
{
    resp r;
    if (userpwd)
        http_signed(a, &r, "PUT", "/warm", "", 0, NULL, userpwd);
    else
        http_req(a, &r, "PUT", "/warm", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    long rss, hwm;
    server_memory(a, &rss, &hwm);
    return hwm;
}

/* Unsigned clients never get their body read: every one is answered 403
 * and the server's peak memory stays within a few MiB. */
START_TEST(unsigned_bodies_never_read)
{
    server a;
    const char *args[] = {"--auth", CREDS, NULL};
    server_start(&a, args);
    long base = warm_peak_kb(&a, CREDS);
    char head[256];
    snprintf(head, sizeof head,
             "PUT /warm/k HTTP/1.1\r\nHost: x\r\nContent-Length: %ld\r\n\r\n", BODY);
    sender s[CLIENTS];
    memset(s, 0, sizeof s);
    for (int i = 0; i < CLIENTS; i++)
        s[i] = (sender){.port = a.port, .head = head, .body = BODY};
    run_senders(s, CLIENTS);
    long rss, hwm, sent = 0;
    server_memory(&a, &rss, &hwm);
    for (int i = 0; i < CLIENTS; i++) {
        ck_assert_msg(s[i].status == 403, "client %d: %s", i, s[i].reply);
        sent += s[i].sent;
    }
    fprintf(stderr, "unsigned_bodies_never_read: %d x %ld MiB offered, %ld MiB taken by the "
                    "socket buffers, peak %ld -> %ld KiB\n",
            CLIENTS, BODY / MIB, sent / MIB, base, hwm);
    ck_assert_msg(hwm - base < 16 * 1024, "peak memory grew by %ld KiB", hwm - base);
    ck_assert(server_alive_signed(&a, CREDS));
    server_stop(&a);
}
END_TEST

/* The 403 comes before the body is sent at all (a client waiting for
 * 100-continue gets it instead), and the connection is then closed. */
START_TEST(refused_before_body)
{
    server a;
    const char *args[] = {"--auth", CREDS, NULL};
    server_start(&a, args);
    static const char *const heads[] = {
        "PUT /warm/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n",
        "PUT /warm/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n",
        "PUT /warm/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /_lhv1/rules HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        lhv1_buf out;
        int st = raw_exchange(a.port, heads[i], strlen(heads[i]), 0, 10000, &out);
        ck_assert_msg(st == 403, "%s: %s", heads[i], (char *)out.data);
        ck_assert_msg(!strstr((char *)out.data, "100 Continue"), "%s", (char *)out.data);
        lhv1_buf_free(&out);
    }
    server_stop(&a);
}
END_TEST

/* --max-inflight 64 MiB: of 12 clients announcing 60 MiB at once, one is
 * taken and the others get 503 SlowDown before sending a byte; once it is
 * done the budget is whole again; peak memory stays near one body. */
START_TEST(inflight_budget)
{
    server a;
    const char *args[] = {"--max-inflight", "67108864", NULL};
    server_start(&a, args);
    long base = warm_peak_kb(&a, NULL);
    char head[256];
    snprintf(head, sizeof head,
             "PUT /warm/k HTTP/1.1\r\nHost: x\r\nContent-Length: %ld\r\n"
             "Connection: close\r\n\r\n",
             BODY);
    /* Headers first, all of them, bodies held back: exactly one fits. */
    int fds[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        fds[i] = raw_connect(a.port);
        ck_assert_int_eq(write(fds[i], head, strlen(head)), (ssize_t)strlen(head));
    }
    /* The refusals come at once; waiting for all of them together (up to
     * 30 s on a loaded machine) leaves the one taken without a reply. */
    int refused = 0, taken = -1, answered[CLIENTS] = {0};
    for (long deadline = mono_ms() + 30000; refused < CLIENTS - 1 && mono_ms() < deadline;) {
        struct pollfd p[CLIENTS];
        for (int i = 0; i < CLIENTS; i++)
            p[i] = (struct pollfd){answered[i] ? -1 : fds[i], POLLIN, 0};
        if (poll(p, CLIENTS, 1000) <= 0)
            continue;
        for (int i = 0; i < CLIENTS; i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP)))
                continue;
            char buf[1024];
            ssize_t n = read(fds[i], buf, sizeof buf - 1);
            ck_assert_int_gt(n, 12);
            buf[n] = 0;
            ck_assert_msg(atoi(buf + 9) == 503 && strstr(buf, "<Code>SlowDown</Code>") &&
                              strstr(buf, "Retry-After: 1"),
                          "%s", buf);
            answered[i] = 1;
            refused++;
        }
    }
    for (int i = 0; i < CLIENTS; i++)
        if (!answered[i])
            taken = taken < 0 ? i : CLIENTS; /* CLIENTS: more than one taken */
    ck_assert_int_eq(refused, CLIENTS - 1);
    ck_assert(taken >= 0 && taken < CLIENTS);
    /* the one taken sends its body and is stored */
    static char zeros[1 << 20];
    for (long left = BODY; left > 0; left -= (long)sizeof zeros)
        ck_assert_int_eq(write(fds[taken], zeros, sizeof zeros), (ssize_t)sizeof zeros);
    char buf[1024];
    struct pollfd p = {fds[taken], POLLIN, 0};
    ck_assert_int_eq(poll(&p, 1, 30000), 1);
    ssize_t n = read(fds[taken], buf, sizeof buf - 1);
    ck_assert_int_gt(n, 12);
    buf[n] = 0;
    ck_assert_msg(atoi(buf + 9) == 200, "%s", buf);
    for (int i = 0; i < CLIENTS; i++)
        close(fds[i]);
    /* all of the budget is back: another 60 MiB body is taken */
    sender again = {.port = a.port, .head = head, .body = BODY};
    run_senders(&again, 1);
    ck_assert_msg(again.status == 200, "%s", again.reply);
    long rss, hwm;
    server_memory(&a, &rss, &hwm);
    fprintf(stderr, "inflight_budget: peak %ld -> %ld KiB\n", base, hwm);
    /* one 60 MiB body stored, one more in flight at most */
    ck_assert_msg(hwm - base < 2 * BODY / 1024 + 24 * 1024, "peak memory grew by %ld KiB",
                  hwm - base);
    server_stop(&a);
}
END_TEST

/* A body without Content-Length is charged as it arrives: past the budget
 * it is dropped and answered 503. */
START_TEST(inflight_budget_chunked)
{
    server a;
    const char *args[] = {"--max-inflight", "1048576", "--max-body", "1048576", NULL};
    server_start(&a, args);
    http_status(&a, "PUT", "/bkt", NULL, NULL, NULL);
    /* 600 KiB fits; two at once do not (one holds the budget while the
     * other arrives: sent interleaved through two raw connections). */
    static char chunk[300 * 1024];
    memset(chunk, 'x', sizeof chunk);
    /* An upload of unknown length as S3 takes one: HTTP chunks carrying
     * one 600 KiB aws-chunked chunk, its frame split over the rounds. */
    char frame[2][32];
    snprintf(frame[0], sizeof frame[0], "%zx\r\n", 2 * sizeof chunk);
    snprintf(frame[1], sizeof frame[1], "\r\n0\r\n\r\n");
    static const char head[] = "PUT /bkt/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                               "Content-Encoding: aws-chunked\r\n"
                               "x-amz-decoded-content-length: 614400\r\n\r\n";
    int f1 = raw_connect(a.port), f2 = raw_connect(a.port);
    for (int round = 0; round < 2; round++)
        for (int k = 0; k < 2; k++) {
            int fd = k ? f2 : f1;
            if (round == 0)
                ck_assert_int_eq(write(fd, head, strlen(head)), (ssize_t)strlen(head));
            const char *f = frame[round];
            char size_line[32];
            snprintf(size_line, sizeof size_line, "%zx\r\n", strlen(f) + sizeof chunk);
            ck_assert_int_eq(write(fd, size_line, strlen(size_line)), (ssize_t)strlen(size_line));
            if (round == 0)
                ck_assert_int_eq(write(fd, f, strlen(f)), (ssize_t)strlen(f));
            ck_assert_int_eq(write(fd, chunk, sizeof chunk), (ssize_t)sizeof chunk);
            if (round == 1)
                ck_assert_int_eq(write(fd, f, strlen(f)), (ssize_t)strlen(f));
            ck_assert_int_eq(write(fd, "\r\n", 2), 2);
            usleep(100000); /* the server reads it before the other's */
        }
    int st[2];
    for (int k = 0; k < 2; k++) {
        int fd = k ? f2 : f1;
        ck_assert_int_eq(write(fd, "0\r\n\r\n", 5), 5);
        char buf[1024];
        struct pollfd p = {fd, POLLIN, 0};
        ck_assert_int_eq(poll(&p, 1, 20000), 1);
        ssize_t n = read(fd, buf, sizeof buf - 1);
        ck_assert_int_gt(n, 12);
        buf[n] = 0;
        st[k] = atoi(buf + 9);
        close(fd);
    }
    ck_assert_msg((st[0] == 200 && st[1] == 503) || (st[0] == 503 && st[1] == 200),
                  "statuses %d %d", st[0], st[1]);
    server_stop(&a);
}
END_TEST

/* A reply held for a client that reads slowly counts too: with one 40 MiB
 * reply unread, a second GET of it is 503; once read, it is served. */
START_TEST(reply_bodies_in_budget)
{
    server a;
    const char *args[] = {"--max-inflight", "67108864", NULL};
    server_start(&a, args);
    long big = 40 * MIB;
    char *obj = calloc(1, (size_t)big);
    ck_assert_ptr_nonnull(obj);
    resp r;
    http_status(&a, "PUT", "/bkt", NULL, NULL, NULL);
    http_req(&a, &r, "PUT", "/bkt/big", obj, (size_t)big, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    free(obj);
    int fd = raw_connect(a.port);
    static const char get[] = "GET /bkt/big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ck_assert_int_eq(write(fd, get, sizeof get - 1), (ssize_t)(sizeof get - 1));
    char buf[65536];
    ssize_t n = read(fd, buf, 4096); /* its status line: the reply is held */
    ck_assert_int_gt(n, 12);
    ck_assert_int_eq(atoi(buf + 9), 200);
    http_req(&a, &r, "GET", "/bkt/big", NULL, 0, NULL);
    ck_assert_msg(r.status == 503 && resp_code_is(&r, "SlowDown"), "second GET: %ld", r.status);
    resp_free(&r);
    long got = n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        got += n;
    close(fd);
    ck_assert_int_gt(got, big);
    http_req(&a, &r, "GET", "/bkt/big", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq((long)r.body.len, big);
    resp_free(&r);
    server_stop(&a);
}
END_TEST

/* Content-Length and Transfer-Encoding together leave open which frames
 * the body (the budget charged one, libmicrohttpd read the other): 400. */
START_TEST(length_and_chunked_refused)
{
    server a;
    server_start(&a, NULL);
    static const char req[] = "PUT /bkt HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    lhv1_buf out;
    ck_assert_int_eq(raw_exchange(a.port, req, sizeof req - 1, 0, 10000, &out), 400);
    ck_assert_msg(strstr((char *)out.data, "<Code>InvalidRequest</Code>"), "%s", (char *)out.data);
    lhv1_buf_free(&out);
    server_stop(&a);
}
END_TEST

/* A PUT in HTTP chunked framing whose body is not aws-chunked is S3's 501
 * NotImplemented naming Transfer-Encoding; aws-chunked without its
 * decoded length is 411. Both come before the body is sent (a client
 * waiting for 100-continue gets them instead), the connection closed. A
 * PUT with neither Content-Length nor Transfer-Encoding is 411 too. */
START_TEST(chunked_put_answered_before_body)
{
    server a;
    server_start(&a, NULL);
    resp made;
    http_req(&a, &made, "PUT", "/bkt", NULL, 0, NULL);
    ck_assert_int_eq(made.status, 200);
    resp_free(&made);
    static const struct {
        const char *head;
        int status;
        const char *code;
    } cases[] = {
        {"PUT /bkt/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
         "Expect: 100-continue\r\n\r\n",
         501, "<Code>NotImplemented</Code>"},
        {"PUT /bkt/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
         "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\r\n"
         "Expect: 100-continue\r\n\r\n",
         411, "<Code>MissingContentLength</Code>"},
        {"PUT /bkt/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 411,
         "<Code>MissingContentLength</Code>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        lhv1_buf out;
        int st = raw_exchange(a.port, cases[i].head, strlen(cases[i].head), 0, 10000, &out);
        const char *got = (const char *)out.data;
        ck_assert_msg(st == cases[i].status && strstr(got, cases[i].code), "%s: %s",
                      cases[i].head, got);
        ck_assert_msg(!strstr(got, "100 Continue"), "%s", got);
        if (st == 501)
            ck_assert_msg(strcasestr(got, "x-amz-unsupported: Transfer-Encoding"), "%s", got);
        lhv1_buf_free(&out);
    }
    ck_assert(server_alive(&a));
    server_stop(&a);
}
END_TEST

/* --max-body 1 MiB and a chunked body announcing a 2^60-byte chunk: the
 * server answers 413 once it has received more than 1 MiB, not at the
 * body's end (before, it read and dropped 9.6 GiB in 15 s). The client
 * sends up to 64 MiB, reading as it goes. */
START_TEST(chunked_past_max_body_cut_at_once)
{
    server a;
    const char *args[] = {"--max-body", "1048576", NULL};
    server_start(&a, args);
    static const char head[] = "PUT /bkt/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                               "Content-Encoding: aws-chunked\r\n"
                               "x-amz-decoded-content-length: 1152921504606846976\r\n"
                               "\r\n1000000000000000\r\n";
    int fd = raw_connect(a.port);
    ck_assert_int_eq(write(fd, head, sizeof head - 1), (ssize_t)(sizeof head - 1));
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    static char chunk[64 * 1024];
    memset(chunk, 'x', sizeof chunk);
    size_t sent = 0, got = 0;
    char reply[512];
    int open_ = 1;
    while (open_ && sent < (size_t)64 << 20) {
        struct pollfd p = {fd, POLLIN | POLLOUT, 0};
        ck_assert_int_ge(poll(&p, 1, 20000), 1);
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(fd, reply + got, sizeof reply - 1 - got);
            if (n <= 0)
                break;
            got += (size_t)n;
            if (got >= 12)
                break;
        } else if (p.revents & POLLOUT) {
            ssize_t n = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN)
                open_ = 0;
            else if (n > 0)
                sent += (size_t)n;
        }
    }
    reply[got] = 0;
    fprintf(stderr, "chunked_past_max_body_cut_at_once: answered after %zu bytes sent: %.12s\n",
            sent, reply);
    ck_assert_msg(got >= 12 && atoi(reply + 9) == 413,
                  "no 413 after %zu bytes of a 2^60-byte chunk (--max-body 1 MiB): '%s'", sent,
                  reply);
    close(fd);
    ck_assert(server_alive(&a));
    server_stop(&a);
}
END_TEST

Suite *suite_sec_body(void)
{
    Suite *s = suite_create("sec_body");
    TCase *tc = tcase_create("sec_body");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, unsigned_bodies_never_read);
    tcase_add_test(tc, refused_before_body);
    tcase_add_test(tc, inflight_budget);
    tcase_add_test(tc, inflight_budget_chunked);
    tcase_add_test(tc, reply_bodies_in_budget);
    tcase_add_test(tc, length_and_chunked_refused);
    tcase_add_test(tc, chunked_put_answered_before_body);
    tcase_add_test(tc, chunked_past_max_body_cut_at_once);
    suite_add_tcase(s, tc);
    return s;
}
