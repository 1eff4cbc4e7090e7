/* One timer thread for every delayed reply of a server (delay_timer.h). */
#define _GNU_SOURCE /* POLLRDHUP */
#include "delay_timer.h"

#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct pending_delay {
    struct pending_delay *next;
    struct MHD_Connection *conn;
    int fd;                /* its socket, -1 unknown */
    struct timespec until; /* CLOCK_MONOTONIC */
} pending_delay;

struct delay_timer {
    pthread_mutex_t lock;
    pthread_cond_t wake;   /* on CLOCK_MONOTONIC */
    pending_delay *head;   /* soonest first */
    int stopping, joined;
    pthread_t thread;
};

static int before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* How often waiting connections are checked for clients that left. */
#define LEFT_CHECK_MS 500

/* Caller holds the lock: resumes at once each connection whose client has
 * closed its side (FIN, RST): its reply goes nowhere, and until resumed it
 * holds its place under the connection caps (64 clients that left locked
 * their address out for a 10-minute delay). */
static void resume_left(delay_timer *t)
{
    for (pending_delay **pp = &t->head; *pp;) {
        pending_delay *d = *pp;
        struct pollfd p = {d->fd, POLLRDHUP, 0};
        if (d->fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
            *pp = d->next;
            MHD_resume_connection(d->conn);
            free(d);
        } else {
            pp = &d->next;
        }
    }
}

static void *timer_loop(void *arg)
{
    delay_timer *t = arg;
    pthread_mutex_lock(&t->lock);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        while (t->head && (t->stopping || !before(&now, &t->head->until))) {
            pending_delay *d = t->head;
            t->head = d->next;
            MHD_resume_connection(d->conn);
            free(d);
        }
        if (t->stopping)
            break;
        resume_left(t);
        if (t->head) {
            struct timespec check = now;
            check.tv_nsec += LEFT_CHECK_MS * 1000000L;
            if (check.tv_nsec >= 1000000000L)
                check.tv_sec++, check.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&t->wake, &t->lock,
                                   before(&check, &t->head->until) ? &check : &t->head->until);
        } else {
            pthread_cond_wait(&t->wake, &t->lock);
        }
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

delay_timer *delay_timer_start(void)
{
    delay_timer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&t->thread, NULL, timer_loop, t) != 0) {
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

int delay_timer_add(delay_timer *t, struct MHD_Connection *conn, uint64_t ms)
{
    pending_delay *d = malloc(sizeof *d);
    if (!d)
        return -1;
    d->conn = conn;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    d->fd = ci ? ci->connect_fd : -1;
    clock_gettime(CLOCK_MONOTONIC, &d->until);
    d->until.tv_sec += (time_t)(ms / 1000);
    d->until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (d->until.tv_nsec >= 1000000000L)
        d->until.tv_sec++, d->until.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&t->lock);
    int ok = !t->stopping;
    if (ok) {
        pending_delay **pp = &t->head;
        while (*pp && !before(&d->until, &(*pp)->until))
            pp = &(*pp)->next;
        d->next = *pp;
        *pp = d;
        if (t->head == d) /* sooner than what the thread waits for */
            pthread_cond_signal(&t->wake);
    }
    pthread_mutex_unlock(&t->lock);
    if (!ok)
        free(d);
    return ok ? 0 : -1;
}

void delay_timer_stop(delay_timer *t)
{
    if (t->joined)
        return;
    pthread_mutex_lock(&t->lock);
    t->stopping = 1;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    t->joined = 1;
}

void delay_timer_free(delay_timer *t)
{
    if (!t)
        return;
    delay_timer_stop(t);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
