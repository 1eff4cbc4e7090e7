/* Connection deadlines, displacement and the body budget (conn_guard.h). */
#include "conn_guard.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

typedef enum phase {
    PHASE_HEADER, /* waiting for a request's header (new or kept alive) */
    PHASE_BODY,   /* the header is in, the body arriving */
    PHASE_BUSY    /* handled or answering: libmicrohttpd's idle timeout only */
} phase;

typedef struct slot {
    struct slot *prev, *next;
    struct conn_guard *g;
    int fd;
    uint32_t peer;    /* IPv4 address, network order (0: unknown) */
    phase ph;
    int64_t since_ms; /* when the phase began */
    uint64_t order;   /* the same as a count: strictly increasing */
    uint64_t bytes;   /* body bytes in PHASE_BODY */
    int shut;         /* shut down already */
} slot;

/* A connection admitted but not yet started by libmicrohttpd (it starts
 * them on its own thread, later): counted against the caps meanwhile. */
typedef struct pending {
    uint32_t peer;
    int64_t since_ms;
} pending;

/* A pending entry that never started (libmicrohttpd dropped it: its own
 * limit, no memory) is forgotten after this. */
#define PENDING_MAX_MS 5000

struct conn_guard {
    serve_limits lim;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    slot *head;
    unsigned n;
    pending *pend; /* oldest first */
    unsigned n_pend, cap_pend;
    uint64_t phases; /* phases begun so far: slot.order */
    uint64_t inflight; /* atomic */
    uint64_t closed;   /* atomic */
    int running, stopping;
    pthread_t thread;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

conn_guard *conn_guard_new(const serve_limits *lim)
{
    conn_guard *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->lim = *lim;
    g->cap_pend = lim->max_conns + 64;
    g->pend = calloc(g->cap_pend, sizeof *g->pend);
    if (!g->pend) {
        free(g);
        return NULL;
    }
    pthread_mutex_init(&g->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g->wake, &ca);
    pthread_condattr_destroy(&ca);
    return g;
}

/* Caller holds the lock. The socket stays open (libmicrohttpd closes it
 * after CLOSED, which takes the lock first): no other connection can have
 * its number yet. */
static void shut(conn_guard *g, slot *s)
{
    if (s->shut)
        return;
    s->shut = 1;
    shutdown(s->fd, SHUT_RDWR);
    __atomic_add_fetch(&g->closed, 1, __ATOMIC_RELAXED);
}

/* Caller holds the lock. Removes the oldest pending entry of `peer`, or
 * with `expire_before`, every entry older than that. */
static void unpend(conn_guard *g, uint32_t peer, int64_t expire_before)
{
    unsigned k = 0;
    int taken = 0;
    for (unsigned i = 0; i < g->n_pend; i++) {
        int drop = expire_before ? g->pend[i].since_ms < expire_before
                                 : !taken && g->pend[i].peer == peer;
        taken |= drop;
        if (!drop)
            g->pend[k++] = g->pend[i];
    }
    g->n_pend = k;
}

/* Caller holds the lock: shuts down what is past a deadline. */
static void sweep(conn_guard *g, int64_t now)
{
    unpend(g, 0, now - PENDING_MAX_MS);
    int64_t limit = (int64_t)g->lim.header_timeout * 1000;
    for (slot *s = g->head; s; s = s->next) {
        if (s->shut)
            continue;
        int64_t age = now - s->since_ms;
        if (s->ph == PHASE_HEADER && age >= limit)
            shut(g, s);
        else if (s->ph == PHASE_BODY && age >= limit && g->lim.min_body_rate &&
                 (double)s->bytes < (double)g->lim.min_body_rate * (double)age / 1000.0)
            shut(g, s);
    }
}

static void *watchdog(void *arg)
{
    conn_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += 250 * 1000000L;
        if (until.tv_nsec >= 1000000000L)
            until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
        if (!g->stopping)
            sweep(g, now_ms());
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

int conn_guard_start(conn_guard *g)
{
    g->running = pthread_create(&g->thread, NULL, watchdog, g) == 0;
    return g->running ? 0 : -1;
}

void conn_guard_free(conn_guard *g)
{
    if (!g)
        return;
    if (g->running) {
        pthread_mutex_lock(&g->lock);
        g->stopping = 1;
        pthread_cond_broadcast(&g->wake);
        pthread_mutex_unlock(&g->lock);
        pthread_join(g->thread, NULL);
    }
    /* Connections are gone (the daemons stopped first): nothing left. */
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->lock);
    free(g->pend);
    free(g);
}

void conn_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                       enum MHD_ConnectionNotificationCode code)
{
    conn_guard *g = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        slot *s = calloc(1, sizeof *s);
        *socket_context = s;
        if (!s || !ci) {
            /* Untracked: no deadline can reach it, so it is not served. */
            if (ci)
                shutdown(ci->connect_fd, SHUT_RDWR);
            return;
        }
        s->g = g;
        s->fd = ci->connect_fd;
        const union MHD_ConnectionInfo *ai =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ai && ai->client_addr && ai->client_addr->sa_family == AF_INET)
            s->peer = ((const struct sockaddr_in *)ai->client_addr)->sin_addr.s_addr;
        s->ph = PHASE_HEADER;
        s->since_ms = now_ms();
        pthread_mutex_lock(&g->lock);
        s->order = ++g->phases;
        s->next = g->head;
        if (g->head)
            g->head->prev = s;
        g->head = s;
        g->n++;
        unpend(g, s->peer, 0);
        pthread_mutex_unlock(&g->lock);
        return;
    }
    slot *s = *socket_context;
    if (!s)
        return;
    pthread_mutex_lock(&g->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        g->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    g->n--;
    pthread_mutex_unlock(&g->lock);
    free(s);
    *socket_context = NULL;
}

/* Caller holds the lock. Shuts down the connection (of `peer` only, when
 * not 0) that has waited longest for a header; 0 when there is none. */
static int displace(conn_guard *g, uint32_t peer)
{
    slot *oldest = NULL;
    for (slot *s = g->head; s; s = s->next)
        if (s->ph == PHASE_HEADER && !s->shut && (!peer || s->peer == peer) &&
            (!oldest || s->order < oldest->order))
            oldest = s;
    if (oldest)
        shut(g, oldest);
    return oldest != NULL;
}

int conn_guard_admit(conn_guard *g, const struct sockaddr *peer)
{
    uint32_t addr = peer->sa_family == AF_INET
                        ? ((const struct sockaddr_in *)peer)->sin_addr.s_addr
                        : 0;
    pthread_mutex_lock(&g->lock);
    unsigned mine = 0;
    for (slot *s = g->head; s && addr; s = s->next)
        mine += s->peer == addr && !s->shut;
    for (unsigned i = 0; i < g->n_pend && addr; i++)
        mine += g->pend[i].peer == addr;
    /* A peer at its cap displaces its own idle or slow connection, never
     * another's; the server full, anyone's. */
    int ok = g->n_pend < g->cap_pend &&
             (mine < g->lim.max_peer_conns || displace(g, addr)) &&
             (g->n + g->n_pend < g->lim.max_conns || displace(g, 0));
    if (ok)
        g->pend[g->n_pend++] = (pending){addr, now_ms()};
    pthread_mutex_unlock(&g->lock);
    return ok;
}

static slot *slot_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void set_phase(struct MHD_Connection *c, phase ph)
{
    slot *s = slot_of(c);
    if (!s)
        return;
    pthread_mutex_lock(&s->g->lock);
    s->ph = ph;
    s->since_ms = now_ms();
    s->order = ++s->g->phases;
    s->bytes = 0;
    pthread_mutex_unlock(&s->g->lock);
}

void conn_guard_header_done(struct MHD_Connection *c)
{
    set_phase(c, PHASE_BODY);
}

void conn_guard_body_bytes(struct MHD_Connection *c, size_t n)
{
    slot *s = slot_of(c);
    if (!s)
        return;
    pthread_mutex_lock(&s->g->lock);
    s->bytes += n;
    pthread_mutex_unlock(&s->g->lock);
}

void conn_guard_body_done(struct MHD_Connection *c)
{
    set_phase(c, PHASE_BUSY);
}

void conn_guard_request_done(struct MHD_Connection *c)
{
    set_phase(c, PHASE_HEADER);
}

int conn_guard_budget_take(conn_guard *g, uint64_t n)
{
    uint64_t cur = __atomic_load_n(&g->inflight, __ATOMIC_RELAXED);
    do {
        if (n > g->lim.max_inflight || cur > g->lim.max_inflight - n)
            return -1;
    } while (!__atomic_compare_exchange_n(&g->inflight, &cur, cur + n, 1, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    return 0;
}

void conn_guard_budget_give(conn_guard *g, uint64_t n)
{
    __atomic_sub_fetch(&g->inflight, n, __ATOMIC_RELAXED);
}

uint64_t conn_guard_closed(const conn_guard *g)
{
    return __atomic_load_n(&g->closed, __ATOMIC_RELAXED);
}
