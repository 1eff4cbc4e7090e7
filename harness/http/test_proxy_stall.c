/* `lhv1 serve --upstream` in front of an upstream whose listings stall:
 * the proxy does no network I/O under its lock, so one stalled upstream
 * call holds up no other client, and SIGTERM ends the transfers in
 * progress (docs/SECURITY.md, "Proxy mode"). Before: a GET and the admin
 * log went unanswered for as long as one listing ran (up to the client's
 * 600 s listing limit), and SIGTERM waited for it. Labels http and
 * security. */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

/* Each listing page comes after this long (within the client's 30 s per
 * request), with one key and a fresh token: a listing that never ends
 * within any bound these tests wait (the client's own limit is 600 s). */
#define PAGE_STALL_MS 20000
#define MAX_CONNS 64

/* An upstream that serves each connection on its own thread, as a real
 * S3 server does (a GET is answered while a listing stalls). */
typedef struct stall_upstream {
    int lfd, port, stopping;
    int listings; /* listing requests seen (atomic) */
    pthread_t acceptor;
    pthread_mutex_t lock;
    pthread_t conns[MAX_CONNS];
    int n_conns;
    char url[64];
} stall_upstream;

typedef struct conn_arg {
    stall_upstream *u;
    int fd;
} conn_arg;

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void reply(int fd, int status, const char *body)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: application/xml\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, strlen(body));
    send_all(fd, head, (size_t)n);
    send_all(fd, body, strlen(body));
}

/* Waits up to ms for the upstream to stop or the client to go. */
static void stall(stall_upstream *u, int fd, long ms)
{
    long end = mono_ms() + ms;
    while (!__atomic_load_n(&u->stopping, __ATOMIC_RELAXED) && mono_ms() < end) {
        struct pollfd p = {fd, POLLIN, 0};
        char c;
        if (poll(&p, 1, 100) > 0 && recv(fd, &c, 1, MSG_PEEK) <= 0)
            return; /* the client went */
    }
}

static void *serve_conn(void *arg)
{
    conn_arg *a = arg;
    stall_upstream *u = a->u;
    int fd = a->fd;
    free(a);
    char req[8192] = "";
    size_t got = 0;
    while (got < sizeof req - 1 && !strstr(req, "\r\n\r\n")) {
        ssize_t n = recv(fd, req + got, sizeof req - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        req[got] = 0;
    }
    req[got] = 0;
    char method[16] = "", target[4096] = "";
    sscanf(req, "%15s %4095s", method, target);
    if (!strcmp(target, "/")) {
        reply(fd, 200, "<ListAllMyBucketsResult><Buckets><Bucket><Name>bkt</Name></Bucket>"
                       "</Buckets></ListAllMyBucketsResult>");
    } else if (strstr(target, "list-type=2")) {
        int n = __atomic_add_fetch(&u->listings, 1, __ATOMIC_RELAXED);
        stall(u, fd, PAGE_STALL_MS);
        char b[512];
        snprintf(b, sizeof b, "<ListBucketResult><IsTruncated>true</IsTruncated>"
                              "<NextContinuationToken>t%d</NextContinuationToken><Contents>"
                              "<Key>k%d</Key></Contents></ListBucketResult>", n, n);
        reply(fd, 200, b);
    } else if (!strcmp(method, "PUT") && !strcmp(target, "/bkt")) {
        reply(fd, 200, "");
    } else if (!strcmp(method, "GET") && !strcmp(target, "/bkt/x")) {
        reply(fd, 200, "hello");
    } else {
        reply(fd, 404, "<Error><Code>NoSuchKey</Code></Error>");
    }
    close(fd);
    return NULL;
}

static void *accept_loop(void *arg)
{
    stall_upstream *u = arg;
    for (;;) {
        int fd = accept(u->lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            return NULL; /* shut down */
        }
        conn_arg *a = malloc(sizeof *a);
        pthread_mutex_lock(&u->lock);
        int room = a && u->n_conns < MAX_CONNS && !u->stopping;
        if (room) {
            *a = (conn_arg){u, fd};
            room = pthread_create(&u->conns[u->n_conns], NULL, serve_conn, a) == 0;
            u->n_conns += room;
        }
        pthread_mutex_unlock(&u->lock);
        if (!room) {
            free(a);
            close(fd);
        }
    }
}

static stall_upstream *upstream_start(void)
{
    stall_upstream *u = calloc(1, sizeof *u);
    ck_assert_ptr_nonnull(u);
    pthread_mutex_init(&u->lock, NULL);
    u->lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(u->lfd, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    ck_assert_int_eq(bind(u->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(u->lfd, 64), 0);
    ck_assert_int_eq(getsockname(u->lfd, (struct sockaddr *)&sa, &sl), 0);
    u->port = ntohs(sa.sin_port);
    snprintf(u->url, sizeof u->url, "http://127.0.0.1:%d", u->port);
    ck_assert_int_eq(pthread_create(&u->acceptor, NULL, accept_loop, u), 0);
    return u;
}

static void upstream_stop(stall_upstream *u)
{
    __atomic_store_n(&u->stopping, 1, __ATOMIC_RELAXED);
    shutdown(u->lfd, SHUT_RDWR);
    pthread_join(u->acceptor, NULL);
    close(u->lfd);
    for (int i = 0; i < u->n_conns; i++)
        pthread_join(u->conns[i], NULL);
    pthread_mutex_destroy(&u->lock);
    free(u);
}

/* Waits (generously) for the upstream to have seen n listing requests. */
static void await_listings(stall_upstream *u, int n)
{
    long end = mono_ms() + 60000;
    while (__atomic_load_n(&u->listings, __ATOMIC_RELAXED) < n && mono_ms() < end)
        usleep(20000);
    ck_assert_int_ge(__atomic_load_n(&u->listings, __ATOMIC_RELAXED), n);
}

/* A listing sent on a raw connection, its reply left unread. */
static int start_listing(const server *p)
{
    static const char req[] = "GET /bkt?list-type=2 HTTP/1.1\r\nHost: x\r\n\r\n";
    int fd = raw_connect(p->port);
    ck_assert_int_eq(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
    return fd;
}

/* Nothing came back on fd yet. */
static int still_waiting(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

static void start_proxy(server *p, const stall_upstream *u)
{
    const char *args[] = {"--upstream", u->url, NULL};
    server_start(p, args);
}

/* While a listing waits on the upstream, other clients are served: an
 * object GET (which goes upstream too), the admin log and rules (which
 * take the lock). Each is answered while the listing has no reply yet,
 * whatever the machine's load: no clock decides. */
START_TEST(second_client_served_while_listing_stalls)
{
    stall_upstream *u = upstream_start();
    server p;
    start_proxy(&p, u);
    resp r;
    http_req(&p, &r, "PUT", "/bkt", NULL, 0, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    int lfd = start_listing(&p);
    await_listings(u, 1);
    long saved = http_timeout_ms;
    http_timeout_ms = 90000; /* before: no answer until the listing ends */
    static const char *const paths[] = {"/bkt/x", "/_lhv1/log", "/_lhv1/rules"};
    for (int i = 0; i < 3; i++) {
        http_req(&p, &r, "GET", paths[i], NULL, 0, NULL);
        ck_assert_msg(r.status == 200, "GET %s during a stalled listing: %ld (curl %d)", paths[i],
                      r.status, (int)r.rc);
        if (i == 0)
            ck_assert(r.body.len == 5 && !memcmp(r.body.data, "hello", 5));
        ck_assert_msg(still_waiting(lfd), "GET %s was answered only after the listing",
                      paths[i]);
        resp_free(&r);
    }
    http_timeout_ms = saved;
    server_stop(&p); /* SIGTERM ends the stalled listing; exit status 0 */
    close(lfd);
    upstream_stop(u);
}
END_TEST

/* SIGTERM while listings stall on the upstream (more than the 4 workers
 * listings may take: some run, some are queued): the transfers are
 * cancelled, the queued ones are not run, and the server exits 0 within
 * a bound far above the progress callback's second (before: at the
 * listing limit, 600 s). */
START_TEST(sigterm_ends_stalled_transfers)
{
    enum { LISTINGS = 6 };
    stall_upstream *u = upstream_start();
    server p;
    start_proxy(&p, u);
    int fds[LISTINGS];
    for (int i = 0; i < LISTINGS; i++)
        fds[i] = start_listing(&p);
    await_listings(u, 1); /* before, one listing at a time reached it */
    kill(p.pid, SIGTERM);
    int status = 0;
    pid_t w = 0;
    long end = mono_ms() + 30000;
    while ((w = waitpid(p.pid, &status, WNOHANG)) == 0 && mono_ms() < end)
        usleep(50000);
    if (w == 0) {
        kill(p.pid, SIGKILL);
        waitpid(p.pid, &status, 0);
    }
    for (int i = 0; i < LISTINGS; i++)
        close(fds[i]);
    upstream_stop(u);
    ck_assert_msg(w == p.pid, "still running 30 s after SIGTERM with stalled upstream listings");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
}
END_TEST

Suite *suite_proxy_stall(void)
{
    Suite *s = suite_create("proxy_stall");
    TCase *tc = tcase_create("proxy_stall");
    tcase_set_timeout(tc, 150);
    tcase_add_test(tc, second_client_served_while_listing_stalls);
    tcase_add_test(tc, sigterm_ends_stalled_transfers);
    suite_add_tcase(s, tc);
    return s;
}
