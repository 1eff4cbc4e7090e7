/* The transport of a server (transport.h). */
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn_guard.h"
#include "exchange.h"

/* libmicrohttpd's own connection limits (over all, per address) are
 * --max-connections and --max-peer-connections plus this: room for
 * connections displaced (conn_guard) but not yet closed. */
#define CONNECTION_SLACK 64

/* libmicrohttpd's memory per connection: the request's headers, its read
 * buffer (about half of it), the reply's headers. It zeroes all of it
 * after every request, which at 64 KiB was a tenth of a 1 KiB PUT+GET's
 * CPU; below 32 KiB a 1 MiB body arrives in more, smaller reads. Headers
 * beyond it get 431. */
#define CONNECTION_MEMORY ((size_t)32 * 1024)

/* Workers: more than the listings or large PUTs that may run at once, so
 * a small request that needs a worker (the file backend's) still finds
 * one free while they hash. Listings take at most half of them. */
#define SERVE_WORKERS 8
#define LISTING_WORKERS (SERVE_WORKERS / 2)

typedef struct serve_transport {
    exchange ex;
    struct MHD_Daemon *daemon;
    int fd;            /* the listening socket, until the daemon takes it */
    char host[64];
    unsigned port;
} serve_transport;

static int is_loopback(const struct sockaddr *a)
{
    if (a->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
    return 0;
}

/* MHD_AcceptPolicyCallback: who is calling is decided before any work is
 * done for them. Only loopback peers unless --allow-remote; then the
 * connection caps, which may displace an idle connection (conn_guard.h). */
static enum MHD_Result accept_peer(void *cls, const struct sockaddr *addr, socklen_t len)
{
    serve_server *s = cls;
    if (len < (socklen_t)sizeof(sa_family_t))
        return MHD_NO;
    if (!s->cfg.allow_remote && !is_loopback(addr))
        return MHD_NO;
    return conn_guard_admit(s->guard, addr) ? MHD_YES : MHD_NO;
}

/* Enough descriptors for --max-connections (and libmicrohttpd's slack,
 * the store's files, the upstream's sockets): the soft limit is raised up
 * to the hard one, and the cap lowered (said on stderr) when that is not
 * enough. */
static void fit_descriptors(serve_limits *lim)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return;
    rlim_t want = (rlim_t)lim->max_conns + CONNECTION_SLACK + 128;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < want) {
        unsigned fit = rl.rlim_cur > CONNECTION_SLACK + 128 + 16
                           ? (unsigned)(rl.rlim_cur - CONNECTION_SLACK - 128)
                           : 16;
        fprintf(stderr, "lhv1 serve: --max-connections lowered to %u (RLIMIT_NOFILE %llu)\n",
                fit, (unsigned long long)rl.rlim_cur);
        lim->max_conns = fit;
    }
}

/* The listening socket, bound to sa (port 0: any free port); -1 with errno. */
static int listen_on(struct sockaddr_in *sa)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int on = 1;
    socklen_t len = sizeof *sa;
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
        bind(fd, (struct sockaddr *)sa, sizeof *sa) < 0 || listen(fd, 256) < 0 ||
        getsockname(fd, (struct sockaddr *)sa, &len) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Everything but the daemon; the guard too. */
static void transport_free(serve_server *s)
{
    serve_transport *t = s->transport;
    if (!t)
        return;
    worker_pool_free(t->ex.workers);
    delay_timer_free(t->ex.timer);
    if (t->fd >= 0)
        close(t->fd);
    free(t);
    s->transport = NULL;
    conn_guard_free(s->guard);
    s->guard = NULL;
}

int serve_transport_start(serve_server *s)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)s->cfg.port);
    const char *host = strcmp(s->cfg.host, "localhost") ? s->cfg.host : "127.0.0.1";
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        serve_report(s, "lhv1 serve: --listen", s->cfg.host, "not an IPv4 address");
        return -1;
    }
    if (!s->cfg.allow_remote && !is_loopback((struct sockaddr *)&sa)) {
        fprintf(stderr, "lhv1 serve: %s is not a loopback address; pass --allow-remote\n",
                host);
        return -1;
    }
    fit_descriptors(&s->cfg.lim);
    serve_transport *t = calloc(1, sizeof *t);
    s->transport = t;
    s->guard = t ? conn_guard_new(&s->cfg.lim) : NULL;
    if (!t || !s->guard) {
        fprintf(stderr, "lhv1 serve: out of memory\n");
        transport_free(s);
        return -1;
    }
    snprintf(t->host, sizeof t->host, "%s", host);
    t->ex.srv = s;
    t->fd = listen_on(&sa);
    if (t->fd < 0) {
        fprintf(stderr, "lhv1 serve: cannot listen on %s:%u: %s\n", host, s->cfg.port,
                strerror(errno));
        transport_free(s);
        return -1;
    }
    t->port = ntohs(sa.sin_port);
    errno = 0;
    t->ex.timer = delay_timer_start();
    t->ex.workers = t->ex.timer ? worker_pool_start(SERVE_WORKERS, LISTING_WORKERS) : NULL;
    int no_memory = !t->ex.workers && errno == ENOMEM;
    if (t->ex.timer && t->ex.workers && conn_guard_start(s->guard) == 0) {
        /* One thread polls (epoll) and serves every connection: a thread
         * per connection paid a context switch per request, and even a
         * second poller costs a 1 KiB PUT+GET more in wake-ups than it
         * brings; what would hold it goes to the workers (bench/serve). */
        t->daemon = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC |
                MHD_ALLOW_SUSPEND_RESUME,
            0, accept_peer, s, exchange_on_request, &t->ex, MHD_OPTION_LISTEN_SOCKET, t->fd,
            MHD_OPTION_NOTIFY_COMPLETED, exchange_on_completed, &t->ex,
            MHD_OPTION_URI_LOG_CALLBACK, exchange_on_uri, &t->ex,
            MHD_OPTION_NOTIFY_CONNECTION, conn_guard_notify, s->guard,
            MHD_OPTION_UNESCAPE_CALLBACK, exchange_keep_escaped, NULL,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.idle_timeout,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned)(s->cfg.lim.max_conns + CONNECTION_SLACK),
            MHD_OPTION_PER_IP_CONNECTION_LIMIT,
            (unsigned)(s->cfg.lim.max_peer_conns + CONNECTION_SLACK),
            MHD_OPTION_END);
    }
    if (!t->daemon) {
        fprintf(stderr, "lhv1 serve: cannot start the server's threads%s\n",
                no_memory ? ": out of memory" : "");
        transport_free(s);
        return -1;
    }
    return 0;
}

const char *serve_transport_host(const serve_server *s)
{
    return s->transport ? s->transport->host : "";
}

unsigned serve_transport_port(const serve_server *s)
{
    return s->transport ? s->transport->port : 0;
}

void serve_transport_stop(serve_server *s)
{
    serve_transport *t = s->transport;
    if (!t)
        return;
    /* No new connection; the listening socket is ours again to close. */
    MHD_socket fd = MHD_quiesce_daemon(t->daemon);
    if (fd != MHD_INVALID_SOCKET && fd != t->fd)
        close(fd);
    __atomic_store_n(&s->stopping, 1, __ATOMIC_RELAXED);
    worker_pool_stop(t->ex.workers);   /* each offloaded connection resumed */
    delay_timer_stop(t->ex.timer);     /* each delayed connection resumed */
    MHD_stop_daemon(t->daemon);
    transport_free(s);                 /* every connection closed: the guard is free */
}
