/* The HTTP side of `lhv1 serve`: libmicrohttpd does the HTTP parsing; this
 * file collects the body (bounded by --max-body), routes the request to the
 * S3 or admin handler, and sends what the handler answers, or misbehaves as
 * a fault asks (reset, body cut short, delay). */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn_guard.h"
#include "request_gate.h"
#include "serve.h"
#include "serve_main.h"
#include "sigv4.h"

/* Threads that poll (epoll) and serve the connections: one. A thread per
 * connection paid a context switch per request, and even a second poller
 * costs a 1 KiB PUT+GET more in wake-ups than it brings; what would hold
 * it for long goes to the workers below instead (the bench/serve figures). */
#define SERVE_THREADS 1
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

/* Per-request state kept across libmicrohttpd's calls, from the request
 * line (on_uri) to the end (on_completed). */
typedef struct req_ctx {
    char *path;           /* the request target as sent, cut at '?' */
    const char *query;    /* the text after '?', or NULL */
    int started;          /* the header passed the gate */
    uint64_t id;          /* x-amz-request-id */
    request_gate gate;
    lhv1_buf body;
    int too_large;
    int over_budget;      /* a body without Content-Length went past --max-inflight */
    int answered; /* a response was queued early (413, 411) */
    serve_reply *delayed; /* a latency fault's or an offloaded request's
                           * reply, sent when resumed */
    uint64_t delayed_id;
    int failed;           /* an offloaded request found no memory */
} req_ctx;

/* --- replies -------------------------------------------------------- */

void serve_reply_init(serve_reply *r)
{
    /* Not the header arrays: 3 KiB to clear per request for nothing. */
    r->status = 200;
    lhv1_buf_init(&r->body);
    r->n_headers = 0;
    r->reset = 0;
    r->cut_at = -1;
    r->delay_ms = 0;
    r->offload = SERVE_INLINE;
    r->reserved = 0;
}

void serve_reply_free(serve_reply *r)
{
    lhv1_buf_free(&r->body);
}

static void copy_cut(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* Most values are a literal or one string: they skip printf. */
static void format_value(char *dst, size_t cap, const char *fmt, va_list ap)
{
    if (!strchr(fmt, '%'))
        copy_cut(dst, cap, fmt);
    else if (!strcmp(fmt, "%s"))
        copy_cut(dst, cap, va_arg(ap, const char *));
    else
        vsnprintf(dst, cap, fmt, ap);
}

void serve_reply_header(serve_reply *r, const char *name, const char *fmt, ...)
{
    size_t i = 0;
    while (i < r->n_headers && strcasecmp(r->header_name[i], name))
        i++;
    if (i == SERVE_MAX_HEADERS)
        return;
    if (i == r->n_headers) {
        copy_cut(r->header_name[i], sizeof r->header_name[i], name);
        r->n_headers++;
    }
    va_list ap;
    va_start(ap, fmt);
    format_value(r->header_value[i], sizeof r->header_value[i], fmt, ap);
    va_end(ap);
}

void serve_reply_error(serve_reply *r, const serve_request *q, int status,
                       const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->status = status;
    lhv1_buf_reset(&r->body);
    lhv1_buf_puts(&r->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>");
    lhv1_buf_puts(&r->body, code);
    lhv1_buf_puts(&r->body, "</Code><Message>");
    xml_escape(&r->body, (const uint8_t *)msg, strlen(msg));
    lhv1_buf_puts(&r->body, "</Message>");
    if (q->bucket[0]) {
        lhv1_buf_puts(&r->body, "<BucketName>");
        xml_escape(&r->body, (const uint8_t *)q->bucket, strlen(q->bucket));
        lhv1_buf_puts(&r->body, "</BucketName>");
    }
    if (q->has_key) {
        lhv1_buf_puts(&r->body, "<Key>");
        xml_escape(&r->body, q->key.data, q->key.len);
        lhv1_buf_puts(&r->body, "</Key>");
    }
    lhv1_buf_puts(&r->body, "<Resource>");
    const char *path_end = strchr(q->raw_url, '?');
    size_t plen = path_end ? (size_t)(path_end - q->raw_url) : strlen(q->raw_url);
    xml_escape(&r->body, (const uint8_t *)q->raw_url, plen);
    lhv1_buf_printf(&r->body, "</Resource><RequestId>%llu</RequestId></Error>\n",
                    (unsigned long long)q->id);
    serve_reply_header(r, "Content-Type", "application/xml");
}

/* --- request helpers ------------------------------------------------ */

int serve_unescape(const char *s, size_t n, lhv1_buf *out)
{
    lhv1_buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            lhv1_buf_putc(out, (uint8_t)s[i]);
            continue;
        }
        if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
            !isxdigit((unsigned char)s[i + 2]))
            return -1;
        char hex[3] = {s[i + 1], s[i + 2], 0};
        long v = strtol(hex, NULL, 16);
        lhv1_buf_putc(out, (uint8_t)v);
        i += 2;
    }
    return out->failed ? -1 : 0;
}

const char *serve_header(const serve_request *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

int serve_query(const serve_request *q, const char *name, char *out, size_t out_len)
{
    /* Argument names are matched decoded; names we look up need no escape. */
    const char *raw = NULL;
    size_t raw_len = 0;
    if (MHD_lookup_connection_value_n(q->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &raw,
                                      &raw_len) != MHD_YES)
        return 0;
    if (!raw) { /* present without '=' ("?location") */
        if (out_len)
            out[0] = 0;
        return 1;
    }
    lhv1_buf v;
    lhv1_buf_init(&v);
    int rc = serve_unescape(raw, strlen(raw), &v);
    if (rc == 0 && (v.len >= out_len || (v.len && memchr(v.data, 0, v.len))))
        rc = -1;
    if (rc == 0) {
        if (v.len) /* an empty value ("delimiter=") has no buffer */
            memcpy(out, v.data, v.len);
        out[v.len] = 0;
    }
    lhv1_buf_free(&v);
    return rc < 0 ? -1 : 1;
}

typedef struct allow_ctx {
    const char *const *allowed;
    char bad[64];
} allow_ctx;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    (void)value;
    allow_ctx *a = cls;
    for (const char *const *p = a->allowed; *p; p++)
        if (!strcmp(*p, key))
            return MHD_YES;
    snprintf(a->bad, sizeof a->bad, "%s", key);
    return MHD_NO;
}

int serve_query_allowed(const serve_request *q, serve_reply *r, const char *const *allowed)
{
    allow_ctx a = {allowed, ""};
    MHD_get_connection_values(q->conn, MHD_GET_ARGUMENT_KIND, check_arg, &a);
    if (!a.bad[0])
        return 0;
    serve_reply_error(r, q, 400, "InvalidArgument", "unsupported query parameter \"%s\"",
                      a.bad);
    return -1;
}

/* Keep what libmicrohttpd hands us raw: the path and the query arguments
 * are decoded by serve_unescape, which keeps NUL bytes visible instead of
 * cutting the C string at them. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

/* --- routing -------------------------------------------------------- */

int serve_bucket_name_ok(const uint8_t *s, size_t n)
{
    if (n < 3 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return 0;
    }
    return s[0] != '-' && s[0] != '.' && s[n - 1] != '-' && s[n - 1] != '.';
}

static void route(serve_request *q, serve_reply *r)
{
    const char *url = q->raw_url;
    const char *qm = strchr(url, '?');
    size_t plen = qm ? (size_t)(qm - url) : strlen(url);
    if (plen == 0 || url[0] != '/') {
        serve_reply_error(r, q, 400, "InvalidURI", "the path must start with '/'");
        return;
    }
    /* Who is calling was decided before the body was read (the gate);
     * what is left is the body against its signed hash, once, though a
     * request handed to a worker is routed again there. */
    if (!q->payload_checked && sigv4_check_payload(q, r) < 0)
        return;
    q->payload_checked = 1;
    if (serve_is_admin_path(url)) {
        serve_admin(q, r);
        return;
    }
    const char *p = url + 1;
    size_t rest = plen - 1;
    if (rest == 0) {
        s3_list_buckets(q, r);
        return;
    }
    const char *slash = memchr(p, '/', rest);
    size_t blen = slash ? (size_t)(slash - p) : rest;
    lhv1_buf b;
    lhv1_buf_init(&b);
    int ok = serve_unescape(p, blen, &b) == 0 && serve_bucket_name_ok(b.data, b.len);
    if (ok)
        memcpy(q->bucket, b.data, b.len), q->bucket[b.len] = 0;
    lhv1_buf_free(&b);
    if (!ok) {
        serve_reply_error(r, q, 400, "InvalidBucketName",
                          "bucket names are 3 to 63 of [a-z0-9.-]");
        return;
    }
    if (!slash || slash + 1 == url + plen) {
        s3_bucket_op(q, r);
        return;
    }
    q->has_key = 1;
    if (serve_unescape(slash + 1, (size_t)(url + plen - slash - 1), &q->key) < 0) {
        serve_reply_error(r, q, 400, "InvalidURI", "bad percent-escape in the key");
        return;
    }
    s3_object_op(q, r);
}

/* --- sending -------------------------------------------------------- */

typedef struct cut_body {
    uint8_t *data;
    size_t len; /* bytes to send before failing */
} cut_body;

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    cut_body *c = cls;
    if (pos >= c->len)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = c->len - (size_t)pos < max ? c->len - (size_t)pos : max;
    memcpy(buf, c->data + pos, n);
    return (ssize_t)n;
}

static void cut_free(void *cls)
{
    cut_body *c = cls;
    free(c->data);
    free(c);
}

static void reset_connection(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci) {
        struct linger lg = {1, 0}; /* close() sends RST */
        setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, uint64_t req_id,
                                  serve_reply *r)
{
    if (r->reset) {
        reset_connection(conn);
        return MHD_NO;
    }
    struct MHD_Response *resp;
    size_t len = r->body.len;
    uint8_t *data = r->body.data;
    r->body.data = NULL;
    r->body.len = r->body.cap = 0;
    if (r->cut_at >= 0 && (size_t)r->cut_at < len) {
        cut_body *c = malloc(sizeof *c);
        if (!c) {
            free(data);
            return MHD_NO;
        }
        c->data = data;
        c->len = (size_t)r->cut_at;
        resp = MHD_create_response_from_callback(len, 64 * 1024, cut_reader, c, cut_free);
    } else {
        resp = MHD_create_response_from_buffer_with_free_callback(len, data ? data : (void *)"",
                                                                  data ? free : NULL);
    }
    if (!resp)
        return MHD_NO;
    for (size_t i = 0; i < r->n_headers; i++)
        MHD_add_response_header(resp, r->header_name[i], r->header_value[i]);
    char id[24], *p = id + sizeof id;
    *--p = 0;
    do
        *--p = (char)('0' + req_id % 10);
    while (req_id /= 10);
    MHD_add_response_header(resp, "x-amz-request-id", p);
    MHD_add_response_header(resp, "Server", "lhv1");
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* --- latency faults -------------------------------------------------- */

/* The server's few threads each serve many connections, so a latency
 * fault must not sleep in one: the connection is suspended, its reply
 * kept, and a timer thread resumes it when the delay is over (or at
 * shutdown, which waits for every timer before stopping the daemon). */
static pthread_mutex_t delay_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t delay_cond = PTHREAD_COND_INITIALIZER;
static unsigned delay_pending;
static int delay_stopping;

typedef struct delay_timer {
    struct MHD_Connection *conn;
    struct timespec until;
} delay_timer;

static void *delay_thread(void *arg)
{
    delay_timer *t = arg;
    pthread_mutex_lock(&delay_lock);
    while (!delay_stopping &&
           pthread_cond_timedwait(&delay_cond, &delay_lock, &t->until) != ETIMEDOUT) {
    }
    MHD_resume_connection(t->conn);
    delay_pending--;
    pthread_cond_broadcast(&delay_cond);
    pthread_mutex_unlock(&delay_lock);
    free(t);
    return NULL;
}

/* Resumes the suspended connection when `ms` are over (or at shutdown).
 * 0, or -1 when no timer could start (shutting down, out of memory). */
static int start_timer(struct MHD_Connection *conn, uint64_t ms)
{
    delay_timer *t = malloc(sizeof *t);
    if (!t)
        return -1;
    clock_gettime(CLOCK_REALTIME, &t->until);
    t->until.tv_sec += (time_t)(ms / 1000);
    t->until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t->until.tv_nsec >= 1000000000L)
        t->until.tv_sec++, t->until.tv_nsec -= 1000000000L;
    t->conn = conn;
    pthread_mutex_lock(&delay_lock);
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int ok = !delay_stopping && pthread_create(&th, &attr, delay_thread, t) == 0;
    if (ok)
        delay_pending++;
    pthread_attr_destroy(&attr);
    pthread_mutex_unlock(&delay_lock);
    if (!ok)
        free(t);
    return ok ? 0 : -1;
}

/* 0: the connection is suspended for `ms` and `r` now belongs to ctx;
 * -1: no timer (shutting down, or no memory for one): answer now. */
static int delay_reply(struct MHD_Connection *conn, req_ctx *ctx, uint64_t id, serve_reply *r)
{
    serve_reply *kept = malloc(sizeof *kept);
    if (!kept)
        return -1;
    /* Suspended first: the timer may fire at once. */
    MHD_suspend_connection(conn);
    *kept = *r; /* the body moves with it */
    ctx->delayed = kept;
    ctx->delayed_id = id;
    if (start_timer(conn, r->delay_ms) < 0) {
        ctx->delayed = NULL;
        free(kept);
        MHD_resume_connection(conn);
        return -1;
    }
    lhv1_buf_init(&r->body);
    return 0;
}

/* Ends every pending delay and waits until each connection is resumed. */
static void delay_stop_all(void)
{
    pthread_mutex_lock(&delay_lock);
    delay_stopping = 1;
    pthread_cond_broadcast(&delay_cond);
    while (delay_pending)
        pthread_cond_wait(&delay_cond, &delay_lock);
    pthread_mutex_unlock(&delay_lock);
}

static void delayed_free(req_ctx *ctx)
{
    if (ctx->delayed) {
        serve_reply_free(ctx->delayed);
        free(ctx->delayed);
        ctx->delayed = NULL;
    }
}

/* A reply's body is held until it is sent (a slow reader keeps it): it
 * takes its bytes from the in-flight budget, released when the request
 * completes. A handler reserves them before making a large body (a GET's
 * copy of its object: serve_reply_reserve); the rest are taken once the
 * handler is done, and when they are not there the body is dropped for
 * 503. */
static void busy_reply(const serve_request *q, serve_reply *r)
{
    serve_reply_error(r, q, 503, "SlowDown",
                      "the server holds its most bytes (--max-inflight); retry later");
    serve_reply_header(r, "Retry-After", "1");
}

int serve_reply_reserve(serve_request *q, serve_reply *r, uint64_t n)
{
    if (!q->gate || request_gate_charge(q->srv, q->gate, n) == 0) {
        r->reserved += n;
        return 0;
    }
    busy_reply(q, r);
    return -1;
}

/* After the handler, on the event thread or a worker (the budget is
 * atomic; an offloaded request's connection is suspended, so its context
 * is the worker's): the request body's share, `body_charge`, goes back,
 * and the reply takes what it has not reserved. */
static void settle_budget(serve_server *s, req_ctx *ctx, const serve_request *q,
                          serve_reply *r, uint64_t body_charge)
{
    request_gate_give(s, &ctx->gate, body_charge);
    uint64_t more = r->body.len > r->reserved ? r->body.len - r->reserved : 0;
    if (!more || request_gate_charge(s, &ctx->gate, more) == 0)
        return;
    serve_reply_free(r);
    serve_reply_init(r);
    busy_reply(q, r);
}

/* --- work off the event thread -------------------------------------- */

/* One thread runs every connection's I/O: at 1 KiB a second one costs
 * more in wake-ups than it brings (bench/serve). What would hold that
 * thread for long runs on the workers instead, the connection suspended
 * meanwhile: a large PUT (its MD5, its checksums), so a 1 MiB PUT+GET
 * uses both cores, and whatever a handler hands over (serve_reply's
 * `offload`: listings, the file and proxy backends' I/O). */
#define OFFLOAD_MIN SERVE_OFFLOAD_MIN
/* Workers: more than the listings or large PUTs that may run at once, so
 * a small request that needs a worker (the file backend's) still finds
 * one free while they hash. */
#define SERVE_WORKERS 8
/* Listings at once: a listing may take seconds (hashing objects placed by
 * hand, reading each object of the upstream), and a client can send as
 * many as it has connections; beyond this they wait in the queue, which
 * the rest of the work passes, so the other half of the workers is
 * always there for it. */
#define LISTING_WORKERS (SERVE_WORKERS / 2)

typedef struct job {
    struct job *next;
    struct MHD_Connection *conn;
    req_ctx *ctx;
    serve_request q;
    int listing; /* SERVE_OFFLOAD_LISTING */
} job;

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_cond = PTHREAD_COND_INITIALIZER;
static job *job_head, **job_tail = &job_head;
static int job_stopping, job_running;
static unsigned listings_running;
static pthread_t job_threads[SERVE_WORKERS];

/* The oldest job a worker may take now (a listing only while fewer than
 * LISTING_WORKERS run), unlinked; NULL when none. job_lock held. */
static job *take_job(void)
{
    job **pp = &job_head;
    while (*pp && (*pp)->listing && listings_running >= LISTING_WORKERS)
        pp = &(*pp)->next;
    job *j = *pp;
    if (!j)
        return NULL;
    *pp = j->next;
    if (job_tail == &j->next)
        job_tail = pp;
    listings_running += j->listing != 0;
    return j;
}

static void *job_loop(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&job_lock);
        job *j;
        while (!(j = take_job()) && !(job_stopping && !job_head))
            pthread_cond_wait(&job_cond, &job_lock);
        pthread_mutex_unlock(&job_lock);
        if (!j)
            return NULL; /* stopping, queue drained */
        uint64_t body_charge = j->ctx->gate.charged;
        serve_reply *r = malloc(sizeof *r);
        if (r) {
            serve_reply_init(r);
            j->q.on_worker = 1;
            route(&j->q, r);
        }
        lhv1_buf_free(&j->q.key);
        lhv1_buf_free(&j->q.body);
        if (r)
            settle_budget(j->q.srv, j->ctx, &j->q, r, body_charge);
        else
            request_gate_release(j->q.srv, &j->ctx->gate);
        if (j->listing) { /* a queued listing may start now */
            pthread_mutex_lock(&job_lock);
            listings_running--;
            pthread_cond_broadcast(&job_cond);
            pthread_mutex_unlock(&job_lock);
        }
        /* No reply (out of memory): resumed with none, the connection
         * is closed. */
        j->ctx->delayed = r;
        j->ctx->delayed_id = j->q.id;
        j->ctx->failed = !r;
        if (!r || !r->delay_ms || start_timer(j->conn, r->delay_ms) < 0)
            MHD_resume_connection(j->conn);
        free(j);
    }
}

static int offload_start(void)
{
    while (job_running < SERVE_WORKERS &&
           pthread_create(&job_threads[job_running], NULL, job_loop, NULL) == 0)
        job_running++;
    return job_running == SERVE_WORKERS ? 0 : -1;
}

/* Finishes the queued jobs (each connection resumed) and ends the threads. */
static void offload_stop(void)
{
    if (!job_running)
        return;
    pthread_mutex_lock(&job_lock);
    job_stopping = 1;
    pthread_cond_broadcast(&job_cond);
    int n = job_running;
    pthread_mutex_unlock(&job_lock);
    for (int i = 0; i < n; i++)
        pthread_join(job_threads[i], NULL);
    pthread_mutex_lock(&job_lock);
    job_running = 0;
    pthread_mutex_unlock(&job_lock);
}

/* 0: the request (its body moved into the job) is queued and the
 * connection suspended; -1: serve it here. `kind` is SERVE_OFFLOAD or
 * SERVE_OFFLOAD_LISTING. */
static int offload(struct MHD_Connection *conn, req_ctx *ctx, serve_request *q, int kind)
{
    job *j = malloc(sizeof *j);
    if (!j)
        return -1;
    j->next = NULL;
    j->conn = conn;
    j->ctx = ctx;
    j->q = *q;
    j->listing = kind == SERVE_OFFLOAD_LISTING;
    MHD_suspend_connection(conn);
    pthread_mutex_lock(&job_lock);
    int ok = job_running && !job_stopping;
    if (ok) {
        *job_tail = j;
        job_tail = &j->next;
        pthread_cond_signal(&job_cond);
    }
    pthread_mutex_unlock(&job_lock);
    if (!ok) {
        MHD_resume_connection(conn);
        free(j);
        return -1;
    }
    return 0;
}

/* An answer before the body was read (the gate's, 413): libmicrohttpd
 * then closes the connection instead of reading the rest. */
static enum MHD_Result early_reply(serve_server *s, struct MHD_Connection *conn, req_ctx *ctx,
                                   const serve_request *q, serve_reply *r)
{
    ctx->answered = 1;
    request_gate_release(s, &ctx->gate);
    conn_guard_body_done(conn);
    enum MHD_Result rc = send_reply(conn, q->id, r);
    serve_reply_free(r);
    return rc;
}

static void request_init(serve_request *q, serve_server *s, struct MHD_Connection *conn,
                         const char *method, req_ctx *ctx)
{
    memset(q, 0, sizeof *q);
    q->srv = s;
    q->conn = conn;
    q->method = method;
    q->raw_url = ctx->path;
    q->raw_query = ctx->query;
    lhv1_buf_init(&q->key);
    q->auth = ctx->gate.authed ? &ctx->gate.auth : NULL;
    q->gate = &ctx->gate;
    q->id = ctx->id;
}

/* The request line is in (MHD_OPTION_URI_LOG_CALLBACK): its target, as
 * sent, is what SigV4 signs. The context returned is the request's. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    req_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    lhv1_buf_init(&ctx->body);
    ctx->path = strdup(uri);
    if (ctx->path) {
        char *qm = strchr(ctx->path, '?');
        if (qm) {
            *qm = 0;
            ctx->query = qm + 1;
        }
    }
    return ctx;
}

/* The header is complete: the gate decides before any body byte. */
static enum MHD_Result on_header(serve_server *s, struct MHD_Connection *conn, req_ctx *ctx,
                                 const char *method, const char *version)
{
    ctx->started = 1;
    ctx->id = __atomic_add_fetch(&s->request_no, 1, __ATOMIC_RELAXED);
    conn_guard_header_done(conn);
    serve_request q;
    request_init(&q, s, conn, method, ctx);
    serve_reply r;
    serve_reply_init(&r);
    if (request_gate_check(&q, version, &ctx->gate, &r) < 0)
        return early_reply(s, conn, ctx, &q, &r);
    serve_reply_free(&r);
    /* One buffer of the announced size instead of a doubling series of
     * copies: the gate charged it to the in-flight budget, and pages a
     * client never sends are never touched. */
    if (ctx->gate.length && lhv1_buf_reserve(&ctx->body, (size_t)ctx->gate.length) < 0)
        lhv1_buf_reset(&ctx->body);
    return MHD_YES;
}

/* Body bytes: kept within --max-body and the in-flight budget. */
static void on_body_bytes(serve_server *s, struct MHD_Connection *conn, req_ctx *ctx,
                          const char *data, size_t n)
{
    conn_guard_body_bytes(conn, n);
    if (ctx->too_large || ctx->over_budget)
        return;
    size_t held = ctx->body.len + n;
    if (held > s->cfg.max_body) {
        ctx->too_large = 1;
    } else if (held > ctx->gate.charged &&
               request_gate_charge(s, &ctx->gate, held - ctx->gate.charged) < 0) {
        ctx->over_budget = 1; /* a body without Content-Length, charged as it comes */
    } else {
        lhv1_buf_append(&ctx->body, data, n);
        return;
    }
    lhv1_buf_free(&ctx->body);
    request_gate_release(s, &ctx->gate);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)url; /* the raw target comes from on_uri */
    serve_server *s = cls;
    req_ctx *ctx = *con_cls;
    if (!ctx || !ctx->path)
        return MHD_NO; /* no memory for the request's context: close */
    if (!ctx->started)
        return on_header(s, conn, ctx, method, version);
    if (ctx->delayed) { /* resumed after a latency fault or an offloaded request */
        enum MHD_Result rc = send_reply(conn, ctx->delayed_id, ctx->delayed);
        delayed_free(ctx);
        return rc;
    }
    if (ctx->failed)
        return MHD_NO;
    if (ctx->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        on_body_bytes(s, conn, ctx, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    ctx->answered = 1;
    conn_guard_body_done(conn);
    serve_request q;
    request_init(&q, s, conn, method, ctx);
    serve_reply r;
    serve_reply_init(&r);
    if (ctx->too_large || ctx->over_budget || ctx->body.failed) {
        if (ctx->too_large)
            serve_reply_error(&r, &q, 413, "EntityTooLarge",
                              "the body exceeds the server's --max-body");
        else if (ctx->over_budget)
            serve_reply_error(&r, &q, 503, "SlowDown",
                              "the server holds its most request bytes (--max-inflight); "
                              "retry later");
        else
            serve_reply_error(&r, &q, 500, "InternalError", "out of memory");
        return early_reply(s, conn, ctx, &q, &r);
    }
    q.body = ctx->body; /* the request owns it now: a PUT may hand it to the store */
    lhv1_buf_init(&ctx->body);
    uint64_t body_charge = ctx->gate.charged;
    if (q.body.len >= OFFLOAD_MIN && !strcmp(method, "PUT") &&
        offload(conn, ctx, &q, SERVE_OFFLOAD) == 0) {
        serve_reply_free(&r);
        return MHD_YES;
    }
    route(&q, &r);
    if (r.offload) { /* the handler did nothing: a worker serves it */
        serve_reply_free(&r);
        if (offload(conn, ctx, &q, r.offload) == 0)
            return MHD_YES;
        serve_reply_init(&r);
        q.on_worker = 1; /* no worker (shutting down): here after all */
        route(&q, &r);
    }
    lhv1_buf_free(&q.key);
    lhv1_buf_free(&q.body);
    settle_budget(s, ctx, &q, &r, body_charge);
    enum MHD_Result rc = MHD_YES;
    if (!r.delay_ms || delay_reply(conn, ctx, q.id, &r) < 0) {
        if (r.delay_ms) /* no timer: the old way, this thread sleeps */
            usleep((useconds_t)(r.delay_ms > 600000 ? 600000 : r.delay_ms) * 1000);
        rc = send_reply(conn, q.id, &r);
    }
    serve_reply_free(&r);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    serve_server *s = cls;
    (void)toe;
    req_ctx *ctx = *con_cls;
    if (ctx) {
        delayed_free(ctx);
        lhv1_buf_free(&ctx->body);
        request_gate_release(s, &ctx->gate);
        free(ctx->path);
        free(ctx);
        *con_cls = NULL;
    }
    /* The next request's header deadline starts now. */
    conn_guard_request_done(conn);
}

static int is_loopback(const struct sockaddr *a)
{
    if (a->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
    return 0;
}

/* Connections are accepted here and handed to the worker daemons in
 * turn. libmicrohttpd's own thread pool lets whichever worker wakes first
 * accept up to 10 queued connections in a row: the bench's 8 clients, who
 * connect at once, often all landed on one worker, and a 1 MiB PUT+GET
 * run used one core of two. */
typedef struct acceptor {
    serve_server *srv;
    int fd;
    struct MHD_Daemon *workers[SERVE_THREADS];
} acceptor;

static void *accept_loop(void *arg)
{
    acceptor *a = arg;
    for (unsigned next = 0;;) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        int c = accept4(a->fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                usleep(10000); /* out of descriptors: let connections close */
                continue;
            }
            return NULL; /* the listening socket was shut down */
        }
        if ((!a->srv->cfg.allow_remote && !is_loopback((struct sockaddr *)&peer)) ||
            !conn_guard_admit(a->srv->guard, (struct sockaddr *)&peer)) {
            close(c);
            continue;
        }
        /* libmicrohttpd closes the socket itself when it cannot take it. */
        if (MHD_add_connection(a->workers[next++ % SERVE_THREADS], c, (struct sockaddr *)&peer,
                               len) != MHD_YES)
            conn_guard_not_added(a->srv->guard, (struct sockaddr *)&peer);
    }
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
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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

int serve_run(serve_server *s)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)s->cfg.port);
    const char *host = strcmp(s->cfg.host, "localhost") ? s->cfg.host : "127.0.0.1";
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        serve_report("lhv1 serve: --listen", s->cfg.host, "not an IPv4 address");
        return 2;
    }
    if (!s->cfg.allow_remote && !is_loopback((struct sockaddr *)&sa)) {
        fprintf(stderr, "lhv1 serve: %s is not a loopback address; pass --allow-remote\n",
                host);
        return 2;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* server threads inherit it */
    signal(SIGPIPE, SIG_IGN);
    fit_descriptors(&s->cfg.lim);
    s->guard = conn_guard_new(&s->cfg.lim);
    if (!s->guard) {
        fprintf(stderr, "lhv1 serve: out of memory\n");
        return 2;
    }
    acceptor a = {s, listen_on(&sa), {NULL}};
    if (a.fd < 0) {
        fprintf(stderr, "lhv1 serve: cannot listen on %s:%u: %s\n", host, s->cfg.port,
                strerror(errno));
        conn_guard_free(s->guard);
        return 2;
    }
    int ok = 1;
    for (int i = 0; i < SERVE_THREADS && ok; i++) {
        a.workers[i] = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC |
                MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME,
            0, NULL, NULL, on_request, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
            MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_CONNECTION,
            conn_guard_notify, s->guard, MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.idle_timeout,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned)((s->cfg.lim.max_conns + CONNECTION_SLACK) / SERVE_THREADS),
            MHD_OPTION_PER_IP_CONNECTION_LIMIT,
            (unsigned)(s->cfg.lim.max_peer_conns + CONNECTION_SLACK),
            MHD_OPTION_END);
        ok = a.workers[i] != NULL;
    }
    pthread_t th;
    if (!ok || conn_guard_start(s->guard) < 0 || offload_start() < 0 ||
        pthread_create(&th, NULL, accept_loop, &a) != 0) {
        offload_stop();
        fprintf(stderr, "lhv1 serve: cannot start the server's threads\n");
        for (int i = 0; i < SERVE_THREADS; i++)
            if (a.workers[i])
                MHD_stop_daemon(a.workers[i]);
        conn_guard_free(s->guard);
        close(a.fd);
        return 2;
    }
    printf("listening on http://%s:%u\n", host, (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    shutdown(a.fd, SHUT_RDWR); /* accept() fails: the loop ends */
    pthread_join(th, NULL);
    close(a.fd);
    offload_stop();
    delay_stop_all();
    for (int i = 0; i < SERVE_THREADS; i++)
        MHD_stop_daemon(a.workers[i]);
    conn_guard_free(s->guard); /* every connection closed: no slot left */
    s->guard = NULL;
    return 0;
}
