/* The hostile S3 endpoint (hostile.h): one thread, one connection at a
 * time, every request handed to the scenario. */
#define _GNU_SOURCE /* strcasestr */
#include "hostile.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lhv1/bytes.h"

struct hostile {
    hostile_fn fn;
    void *cls;
    int lfd, stop_pipe[2];
    pthread_t thread;
    pthread_mutex_t lock;
    uint64_t sent;
    int requests;
    lhv1_buf log;
    volatile int stopping;
    char url[64];
};

/* Waits until fd is readable (1) or the server stops (0). */
static int wait_readable(hostile *h, int fd)
{
    struct pollfd p[2] = {{fd, POLLIN, 0}, {h->stop_pipe[0], POLLIN, 0}};
    while (!h->stopping) {
        int n = poll(p, 2, 1000);
        if (n < 0 && errno != EINTR)
            return 0;
        if (n > 0 && (p[1].revents || h->stopping))
            return 0;
        if (n > 0 && p[0].revents)
            return 1;
    }
    return 0;
}

/* Reads one request head (and skips its body, by Content-Length). The
 * head is NUL-terminated in buf; 0, or -1 when the client went. */
static int read_request(hostile *h, int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (!strstr(buf, "\r\n\r\n")) {
        if (n + 1 >= cap || !wait_readable(h, fd))
            return -1;
        ssize_t k = recv(fd, buf + n, cap - 1 - n, 0);
        if (k <= 0)
            return -1;
        n += (size_t)k;
        buf[n] = 0;
    }
    char *end = strstr(buf, "\r\n\r\n") + 4;
    size_t have = n - (size_t)(end - buf);
    const char *cl = strcasestr(buf, "\r\ncontent-length:");
    size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
    char sink[4096];
    while (have < body) {
        if (!wait_readable(h, fd))
            return -1;
        ssize_t k = recv(fd, sink, sizeof sink, 0);
        if (k <= 0)
            return -1;
        have += (size_t)k;
    }
    *end = 0;
    return 0;
}

static void serve_connection(hostile *h, int fd)
{
    static char buf[65536];
    for (;;) {
        buf[0] = 0;
        if (read_request(h, fd, buf, sizeof buf) < 0)
            return;
        char method[16] = "", target[8192] = "";
        if (sscanf(buf, "%15s %8191s", method, target) != 2)
            return;
        pthread_mutex_lock(&h->lock);
        lhv1_buf_puts(&h->log, method);
        lhv1_buf_putc(&h->log, ' ');
        lhv1_buf_puts(&h->log, target);
        lhv1_buf_putc(&h->log, '\n');
        h->requests++;
        pthread_mutex_unlock(&h->lock);
        if (!h->fn(h, fd, method, target, h->cls))
            return;
    }
}

static void *serve(void *arg)
{
    hostile *h = arg;
    while (wait_readable(h, h->lfd)) {
        int fd = accept(h->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        serve_connection(h, fd);
        close(fd);
    }
    return NULL;
}

hostile *hostile_start(hostile_fn fn, void *cls)
{
    hostile *h = calloc(1, sizeof *h);
    ck_assert_ptr_nonnull(h);
    h->fn = fn;
    h->cls = cls;
    lhv1_buf_init(&h->log);
    pthread_mutex_init(&h->lock, NULL);
    ck_assert_int_eq(pipe(h->stop_pipe), 0);
    h->lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(h->lfd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(h->lfd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(h->lfd, 16), 0);
    socklen_t len = sizeof a;
    ck_assert_int_eq(getsockname(h->lfd, (struct sockaddr *)&a, &len), 0);
    snprintf(h->url, sizeof h->url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    ck_assert_int_eq(pthread_create(&h->thread, NULL, serve, h), 0);
    return h;
}

void hostile_stop(hostile *h)
{
    h->stopping = 1;
    ck_assert_int_eq(write(h->stop_pipe[1], "x", 1), 1);
    pthread_join(h->thread, NULL);
    close(h->lfd);
    close(h->stop_pipe[0]);
    close(h->stop_pipe[1]);
    pthread_mutex_destroy(&h->lock);
    lhv1_buf_free(&h->log);
    free(h);
}

const char *hostile_url(const hostile *h)
{
    return h->url;
}

uint64_t hostile_sent(hostile *h)
{
    pthread_mutex_lock(&h->lock);
    uint64_t n = h->sent;
    pthread_mutex_unlock(&h->lock);
    return n;
}

int hostile_requests(hostile *h)
{
    pthread_mutex_lock(&h->lock);
    int n = h->requests;
    pthread_mutex_unlock(&h->lock);
    return n;
}

char *hostile_log(hostile *h)
{
    pthread_mutex_lock(&h->lock);
    char *s = strndup(h->log.data ? (const char *)h->log.data : "", h->log.len);
    pthread_mutex_unlock(&h->lock);
    ck_assert_ptr_nonnull(s);
    return s;
}

int hostile_write(hostile *h, int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        struct pollfd pf[2] = {{fd, POLLOUT, 0}, {h->stop_pipe[0], POLLIN, 0}};
        if (h->stopping || poll(pf, 2, 1000) < 0 || pf[1].revents)
            return -1;
        if (!pf[0].revents)
            continue;
        ssize_t k = send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (k <= 0)
            return -1;
        pthread_mutex_lock(&h->lock);
        h->sent += (uint64_t)k;
        pthread_mutex_unlock(&h->lock);
        s += k;
        n -= (size_t)k;
    }
    return 0;
}

int hostile_printf(hostile *h, int fd, const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ck_assert(n >= 0 && (size_t)n < sizeof buf);
    return hostile_write(h, fd, buf, (size_t)n);
}

uint64_t hostile_flood(hostile *h, int fd, uint8_t byte, uint64_t cap)
{
    static uint8_t chunk[65536];
    memset(chunk, byte, sizeof chunk);
    uint64_t done = 0;
    while (done < cap && hostile_write(h, fd, chunk, sizeof chunk) == 0)
        done += sizeof chunk;
    return done;
}

void hostile_reply(hostile *h, int fd, int status, const char *type, const void *body, size_t n)
{
    if (hostile_printf(h, fd, "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                       status, type, n) == 0)
        hostile_write(h, fd, body, n);
}
