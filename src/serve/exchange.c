/* One HTTP exchange (exchange.h). */
#include "exchange.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_guard.h"
#include "deliver.h"
#include "request_gate.h"
#include "route.h"

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
    int answered;         /* a response was queued early (413, 411) */
    serve_reply *delayed; /* a latency fault's or an offloaded request's
                           * reply, sent when resumed */
    uint64_t delayed_id;
    int failed;           /* an offloaded request found no memory */
} req_ctx;

/* A request a worker routes, its connection suspended meanwhile. */
typedef struct offload_job {
    exchange *ex;
    struct MHD_Connection *conn;
    req_ctx *ctx;
    serve_request q;
} offload_job;

static void delayed_free(req_ctx *ctx)
{
    if (ctx->delayed) {
        serve_reply_free(ctx->delayed);
        free(ctx->delayed);
        ctx->delayed = NULL;
    }
}

/* 0: the connection is suspended for r->delay_ms and `r` now belongs to
 * ctx; -1: no timer (shutting down, or no memory for one): answer now. */
static int delay_reply(exchange *ex, struct MHD_Connection *conn, req_ctx *ctx, uint64_t id,
                       serve_reply *r)
{
    serve_reply *kept = malloc(sizeof *kept);
    if (!kept)
        return -1;
    /* Suspended first: the timer may fire at once. */
    MHD_suspend_connection(conn);
    *kept = *r; /* the body moves with it */
    ctx->delayed = kept;
    ctx->delayed_id = id;
    if (delay_timer_add(ex->timer, conn, r->delay_ms) < 0) {
        ctx->delayed = NULL;
        free(kept);
        MHD_resume_connection(conn);
        return -1;
    }
    lhv1_buf_init(&r->body);
    return 0;
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
    request_gate_busy_reply(q, r);
}

static void run_offloaded(void *arg)
{
    offload_job *j = arg;
    serve_server *s = j->ex->srv;
    uint64_t body_charge = j->ctx->gate.charged;
    serve_reply *r = malloc(sizeof *r);
    if (r) {
        serve_reply_init(r);
        j->q.on_worker = 1;
        if (__atomic_load_n(&s->stopping, __ATOMIC_RELAXED)) {
            /* queued when the server stopped: not run */
            serve_reply_error(r, &j->q, 503, "ServiceUnavailable", "the server is stopping");
            serve_reply_header(r, "Retry-After", "1");
        } else {
            serve_route(&j->q, r);
        }
    }
    lhv1_buf_free(&j->q.key);
    lhv1_buf_free(&j->q.body);
    if (r)
        settle_budget(s, j->ctx, &j->q, r, body_charge);
    else
        request_gate_release(s, &j->ctx->gate);
    /* No reply (out of memory): resumed with none, the connection is
     * closed. */
    j->ctx->delayed = r;
    j->ctx->delayed_id = j->q.id;
    j->ctx->failed = !r;
    if (!r || !r->delay_ms || delay_timer_add(j->ex->timer, j->conn, r->delay_ms) < 0)
        MHD_resume_connection(j->conn);
    free(j);
}

/* 0: the request (its body moved into the job) is queued and the
 * connection suspended; -1: serve it here. `kind` is SERVE_OFFLOAD or
 * SERVE_OFFLOAD_LISTING. */
static int offload(exchange *ex, struct MHD_Connection *conn, req_ctx *ctx, serve_request *q,
                   int kind)
{
    offload_job *j = malloc(sizeof *j);
    if (!j)
        return -1;
    *j = (offload_job){ex, conn, ctx, *q};
    MHD_suspend_connection(conn);
    if (worker_pool_submit(ex->workers, kind == SERVE_OFFLOAD_LISTING, run_offloaded, j) < 0) {
        MHD_resume_connection(conn);
        free(j);
        return -1;
    }
    return 0;
}

/* Every reply goes out through here: from now until it is sent, the time
 * counts toward the connection's reply rate (conn_guard.h). */
static enum MHD_Result deliver(struct MHD_Connection *conn, uint64_t id, serve_reply *r)
{
    conn_guard_reply_queued(conn);
    return serve_deliver(conn, id, r);
}

/* An answer before the body was read (the gate's, 413): libmicrohttpd
 * then closes the connection instead of reading the rest. */
static enum MHD_Result early_reply(serve_server *s, struct MHD_Connection *conn, req_ctx *ctx,
                                   const serve_request *q, serve_reply *r)
{
    ctx->answered = 1;
    request_gate_release(s, &ctx->gate);
    conn_guard_body_done(conn);
    conn_guard_linger(conn);
    enum MHD_Result rc = deliver(conn, q->id, r);
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

void *exchange_on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
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
        /* libmicrohttpd next parses the arguments into its per-connection
         * memory, and when they fill it neither answers nor closes (463
         * parameters in a 3 KB target waited for the header deadline). The
         * query is read from the copy above (request.c), so its arguments
         * are emptied in the request line it hands us, which it parses
         * after this callback. */
        char *args = strchr((char *)uri, '?');
        if (args)
            args[1] = 0;
    }
    return ctx;
}

size_t exchange_keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
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

/* Body bytes: kept within --max-body and the in-flight budget; 0 while
 * they are, -1 once past either (answered at once by the caller). */
static int on_body_bytes(serve_server *s, struct MHD_Connection *conn, req_ctx *ctx,
                          const char *data, size_t n)
{
    conn_guard_body_bytes(conn, n);
    size_t held = ctx->body.len + n;
    if (held > ctx->gate.body_max) {
        ctx->too_large = 1;
    } else if (held > ctx->gate.charged &&
               request_gate_charge(s, &ctx->gate, held - ctx->gate.charged) < 0) {
        ctx->over_budget = 1; /* a body without Content-Length, charged as it comes */
    } else {
        lhv1_buf_append(&ctx->body, data, n);
        return 0;
    }
    lhv1_buf_free(&ctx->body);
    request_gate_release(s, &ctx->gate);
    return -1;
}

/* Past --max-body or the budget in the middle of a body (chunked, where
 * nothing announced its size): answered 413 or 503 now and closed instead
 * of reading the rest. libmicrohttpd queues no reply in the middle of a
 * body, so the connection guard sends it as the connection closes. */
static enum MHD_Result cut_body(serve_server *s, struct MHD_Connection *conn, req_ctx *ctx,
                                const char *method)
{
    ctx->answered = 1;
    conn_guard_body_done(conn);
    serve_request q;
    request_init(&q, s, conn, method, ctx);
    serve_reply r;
    serve_reply_init(&r);
    if (ctx->too_large)
        request_gate_too_large(&q, &ctx->gate, &r);
    else
        serve_reply_error(&r, &q, 503, "SlowDown",
                          "the server holds its most request bytes (--max-inflight); retry later");
    size_t len = 0;
    char *bytes = serve_render_reply(q.id, &r, &len);
    if (bytes)
        conn_guard_parting(conn, bytes, len);
    serve_reply_free(&r);
    return MHD_NO;
}

/* The body is in: routed here, or on a worker when it would hold this
 * thread; the reply sent now or after its delay. */
static enum MHD_Result on_complete_request(exchange *ex, struct MHD_Connection *conn,
                                           req_ctx *ctx, const char *method)
{
    serve_server *s = ex->srv;
    ctx->answered = 1;
    conn_guard_body_done(conn);
    serve_request q;
    request_init(&q, s, conn, method, ctx);
    serve_reply r;
    serve_reply_init(&r);
    if (ctx->too_large || ctx->over_budget || ctx->body.failed) {
        if (ctx->too_large)
            request_gate_too_large(&q, &ctx->gate, &r);
        else if (ctx->over_budget)
            serve_reply_error(&r, &q, 503, "SlowDown",
                              "the server holds its most request bytes (--max-inflight); "
                              "retry later");
        else
            serve_reply_oom(&r, &q, "request body");
        return early_reply(s, conn, ctx, &q, &r);
    }
    q.body = ctx->body; /* the request owns it now: a PUT may hand it to the store */
    lhv1_buf_init(&ctx->body);
    uint64_t body_charge = ctx->gate.charged;
    if (q.body.len >= SERVE_OFFLOAD_MIN && !strcmp(method, "PUT") &&
        offload(ex, conn, ctx, &q, SERVE_OFFLOAD) == 0) {
        serve_reply_free(&r);
        return MHD_YES;
    }
    serve_route(&q, &r);
    if (r.offload) { /* the handler did nothing: a worker serves it */
        int kind = r.offload;
        serve_reply_free(&r);
        if (offload(ex, conn, ctx, &q, kind) == 0)
            return MHD_YES;
        serve_reply_init(&r);
        q.on_worker = 1; /* no worker (shutting down): here after all */
        serve_route(&q, &r);
    }
    lhv1_buf_free(&q.key);
    lhv1_buf_free(&q.body);
    settle_budget(s, ctx, &q, &r, body_charge);
    enum MHD_Result rc = MHD_YES;
    /* No timer (shutting down, no memory): answered at once, never by
     * sleeping on the event thread. */
    if (!r.delay_ms || delay_reply(ex, conn, ctx, q.id, &r) < 0)
        rc = deliver(conn, q.id, &r);
    serve_reply_free(&r);
    return rc;
}

/* No memory for a request's context: 503 SlowDown from a static text (the
 * response refers to it, copies nothing), and the connection closes. */
static enum MHD_Result context_oom(struct MHD_Connection *conn)
{
    static const char body[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown"
                               "</Code><Message>request: out of memory</Message></Error>\n";
    fprintf(stderr, "lhv1 serve: a request: out of memory\n");
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "application/xml");
    MHD_add_response_header(resp, "Retry-After", "1");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result rc = MHD_queue_response(conn, 503, resp);
    MHD_destroy_response(resp);
    return rc;
}

enum MHD_Result exchange_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size,
                                    void **con_cls)
{
    (void)url; /* the raw target comes from on_uri */
    exchange *ex = cls;
    req_ctx *ctx = *con_cls;
    if (!ctx || !ctx->path)
        return context_oom(conn);
    if (!ctx->started)
        return on_header(ex->srv, conn, ctx, method, version);
    if (ctx->delayed) { /* resumed after a latency fault or an offloaded request */
        enum MHD_Result rc = deliver(conn, ctx->delayed_id, ctx->delayed);
        delayed_free(ctx);
        return rc;
    }
    if (ctx->failed) /* a worker found no memory for its reply */
        return context_oom(conn);
    if (ctx->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (on_body_bytes(ex->srv, conn, ctx, upload_data, n) == 0)
            return MHD_YES;
        return cut_body(ex->srv, conn, ctx, method);
    }
    return on_complete_request(ex, conn, ctx, method);
}

void exchange_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
    exchange *ex = cls;
    (void)toe;
    req_ctx *ctx = *con_cls;
    if (ctx) {
        delayed_free(ctx);
        lhv1_buf_free(&ctx->body);
        request_gate_release(ex->srv, &ctx->gate);
        free(ctx->path);
        free(ctx);
        *con_cls = NULL;
    }
    /* The next request's header deadline starts now. */
    conn_guard_request_done(conn);
}
