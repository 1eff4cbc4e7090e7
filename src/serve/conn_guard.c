/* Connection deadlines, displacement and the body budget (conn_guard.h). */
#include "conn_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef enum phase {
    PHASE_HEADER, /* waiting for a request's header (new or kept alive) */
    PHASE_BODY,   /* the header is in, the body arriving */
    PHASE_BUSY,   /* being handled (or delayed): libmicrohttpd's idle timeout only */
    PHASE_REPLY   /* its reply queued, until the client has read all of it */
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
    int64_t reply_ms; /* time spent in PHASE_REPLY before this phase */
    int shut;         /* shut down already */
    int linger;       /* answered before its body was read: close gently */
    char *parting;    /* bytes to send as it closes (conn_guard_parting) */
    size_t parting_len;
} slot;

/* A connection answered before its request body was read (413, 503, 403)
 * is closed with that body's bytes still arriving; closing the socket then
 * sends RST, which makes the client's kernel drop the answer it has not
 * read yet. So its socket is kept (a duplicate of libmicrohttpd's, taken
 * as libmicrohttpd closes its own) and what arrives is read and dropped
 * for a little while: LINGER_MS or LINGER_BYTES, at most MAX_LINGER such
 * sockets at once (beyond, closed at once). */
#define LINGER_MS 2000
#define LINGER_BYTES ((uint64_t)8 << 20)
#define MAX_LINGER 64

typedef struct lingering {
    int fd;
    int64_t until_ms;
    uint64_t dropped;
} lingering;

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
    lingering lingers[MAX_LINGER];
    unsigned n_linger;
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

/* The reply bytes `fd`'s client has acknowledged so far (headers and
 * bodies, over the connection's life): what it has taken, not what waits
 * in the server's socket buffer. */
static uint64_t bytes_acked(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof ti.tcpi_bytes_acked)
        return UINT64_MAX; /* unknown: never judged slow */
    return ti.tcpi_bytes_acked;
}

/* Caller holds the lock. Replies must be read at --min-body-rate: once the
 * connection has spent --header-timeout in the reply phase (this reply and
 * earlier ones: a client pipelining requests answers its own without ever
 * waiting for a header), its client must have acknowledged that much. */
static int reader_too_slow(const conn_guard *g, const slot *s, int64_t age)
{
    int64_t total = s->reply_ms + age;
    if (!g->lim.min_body_rate || total < (int64_t)g->lim.header_timeout * 1000)
        return 0;
    return (double)bytes_acked(s->fd) < (double)g->lim.min_body_rate * (double)total / 1000.0;
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
        else if (s->ph == PHASE_REPLY && reader_too_slow(g, s, age))
            shut(g, s);
    }
}

/* Caller holds the lock: drops what lingering sockets received, closes
 * those done (EOF, error, time or bytes up; all when `all`). */
static void drain_lingering(conn_guard *g, int64_t now, int all)
{
    static char sink[64 * 1024];
    unsigned k = 0;
    for (unsigned i = 0; i < g->n_linger; i++) {
        lingering *l = &g->lingers[i];
        int done = all || now >= l->until_ms;
        while (!done) {
            ssize_t n = recv(l->fd, sink, sizeof sink, MSG_DONTWAIT);
            if (n > 0 && (l->dropped += (uint64_t)n) < LINGER_BYTES)
                continue;
            done = !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
            break;
        }
        if (done)
            close(l->fd);
        else
            g->lingers[k++] = *l;
    }
    g->n_linger = k;
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
        drain_lingering(g, now_ms(), g->stopping);
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
    drain_lingering(g, 0, 1);
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
            if (!s)
                fprintf(stderr, "lhv1 serve: a connection: out of memory: closed unread\n");
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
    if ((s->linger || s->parting) && !s->shut) {
        /* libmicrohttpd closes its descriptor after this and never uses
         * the socket again; the duplicate is ours */
        int fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 0);
        if (fd >= 0 && s->parting)
            (void)!send(fd, s->parting, s->parting_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (fd >= 0 && g->n_linger < MAX_LINGER) {
            shutdown(fd, SHUT_WR);
            g->lingers[g->n_linger++] = (lingering){fd, now_ms() + LINGER_MS, 0};
        } else if (fd >= 0) {
            close(fd);
        }
    }
    free(s->parting);
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
    if (s->ph == PHASE_REPLY)
        s->reply_ms += now_ms() - s->since_ms;
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

void conn_guard_reply_queued(struct MHD_Connection *c)
{
    set_phase(c, PHASE_REPLY);
}

void conn_guard_linger(struct MHD_Connection *c)
{
    slot *s = slot_of(c);
    if (!s)
        return;
    pthread_mutex_lock(&s->g->lock);
    s->linger = 1;
    pthread_mutex_unlock(&s->g->lock);
}

void conn_guard_parting(struct MHD_Connection *c, char *bytes, size_t len)
{
    slot *s = slot_of(c);
    if (!s) {
        free(bytes);
        return;
    }
    pthread_mutex_lock(&s->g->lock);
    free(s->parting);
    s->parting = bytes;
    s->parting_len = len;
    s->linger = 1;
    pthread_mutex_unlock(&s->g->lock);
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
