/* The checks a request passes before its body is read (request_gate.h). */
#include "request_gate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "body_limit.h"
#include "conn_guard.h"
#include "put_body.h"

int serve_is_admin_path(const char *path)
{
    return !strncmp(path, "/_lhv1/", 7);
}

void serve_credentials_for(const serve_server *s, const char *path, const char **key,
                           const char **secret)
{
    const serve_limits *l = &s->cfg.lim;
    if (serve_is_admin_path(path) && l->admin_key) {
        *key = l->admin_key;
        *secret = l->admin_secret;
    } else {
        *key = s->cfg.auth_key;
        *secret = s->cfg.auth_secret;
    }
}

int serve_peer_is_loopback(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return 0;
    const struct sockaddr *a = ci->client_addr;
    return a->sa_family == AF_INET &&
           (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
}

typedef struct framing {
    int n_length, n_encoding;
    int other_encoding; /* a Transfer-Encoding other than exactly "chunked" */
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    framing *f = cls;
    if (!strcasecmp(key, "Content-Length"))
        f->n_length++;
    if (!strcasecmp(key, "Transfer-Encoding")) {
        f->n_encoding++;
        f->other_encoding |= !value || strcasecmp(value, "chunked");
    }
    return MHD_YES;
}

/* A body the decoder will take as aws-chunked. */
static int aws_chunked_body(const serve_request *q, int is_signed)
{
    return put_body_is_aws_chunked(serve_header(q, "x-amz-content-sha256"),
                                   serve_header(q, "Content-Encoding"), is_signed);
}

/* S3's answer to a Transfer-Encoding it does not take: 501 naming the
 * header, before the body is read. */
static void transfer_encoding_not_implemented(const serve_request *q, serve_reply *r,
                                              const char *which)
{
    serve_reply_error(r, q, 501, "NotImplemented",
                      "A header you provided implies functionality that is not "
                      "implemented (Transfer-Encoding %s)",
                      which);
    serve_reply_header(r, "x-amz-unsupported", "Transfer-Encoding");
}

int request_gate_check(serve_request *q, const char *version, request_gate *g,
                       serve_reply *r)
{
    serve_server *s = q->srv;
    memset(g, 0, sizeof *g);
    g->body_max = s3_body_limit(q, s->cfg.max_body);
    if (serve_is_admin_path(q->raw_url) && g->body_max > SERVE_ADMIN_MAX_BODY)
        g->body_max = SERVE_ADMIN_MAX_BODY;
    framing fr = {0, 0, 0};
    MHD_get_connection_values(q->conn, MHD_HEADER_KIND, count_framing, &fr);
    if (fr.n_length > 1) {
        serve_reply_error(r, q, 400, "InvalidArgument", "more than one Content-Length");
        return -1;
    }
    if (fr.other_encoding || fr.n_encoding > 1) {
        /* libmicrohttpd decodes chunked only, and waited for the deadlines
         * on "identity", "gzip, chunked" or "chunked, identity". */
        transfer_encoding_not_implemented(q, r, "other than chunked");
        return -1;
    }
    if (!strcmp(version, MHD_HTTP_VERSION_1_1) && !serve_header(q, MHD_HTTP_HEADER_HOST)) {
        serve_reply_error(r, q, 400, "InvalidRequest", "HTTP/1.1 needs a Host");
        return -1;
    }
    if (serve_is_admin_path(q->raw_url) && !s->cfg.lim.admin_remote &&
        !serve_peer_is_loopback(q->conn)) {
        serve_reply_error(r, q, 403, "AccessDenied",
                          "the admin API answers loopback peers only (--admin-remote)");
        return -1;
    }
    const char *key, *secret;
    serve_credentials_for(s, q->raw_url, &key, &secret);
    if (key && serve_is_admin_path(q->raw_url) && sigv4_is_presigned(q)) {
        /* A URL anyone holding it may replay: not for the admin API. */
        serve_reply_error(r, q, 403, "AccessDenied",
                          "the admin API takes header signatures only, not presigned URLs");
        return -1;
    }
    if (key) {
        if (sigv4_check_headers(q, key, secret, &g->auth, r) < 0)
            return -1;
        g->authed = 1;
    }
    const char *cl = serve_header(q, "Content-Length");
    int has_body = (cl && strcmp(cl, "0")) || serve_header(q, "Transfer-Encoding");
    if (g->authed && has_body && serve_is_admin_path(q->raw_url) &&
        g->auth.payload != SIGV4_PAYLOAD_HEX) {
        /* Under UNSIGNED-PAYLOAD a replay could carry other rules. */
        serve_reply_error(r, q, 403, "AccessDenied",
                          "an admin call's body must be signed (a hex x-amz-content-sha256)");
        return -1;
    }
    if (cl && serve_header(q, "Transfer-Encoding")) {
        /* Which one frames the body is where request smuggling lives. */
        serve_reply_error(r, q, 400, "InvalidRequest",
                          "Content-Length and Transfer-Encoding together");
        return -1;
    }
    if (!cl && serve_header(q, "Transfer-Encoding") && !strcmp(q->method, "PUT") &&
        !serve_is_admin_path(q->raw_url)) {
        /* S3 takes a body of unknown length only as aws-chunked with its
         * decoded length: anything else is refused before it is read. A
         * plain body in HTTP chunked framing is S3's 501 naming the
         * header (docs/S3.md, "Transfer-Encoding"). */
        if (!aws_chunked_body(q, g->authed)) {
            transfer_encoding_not_implemented(q, r, "chunked without aws-chunked framing");
            return -1;
        }
        if (!serve_header(q, "x-amz-decoded-content-length")) {
            serve_reply_error(r, q, 411, "MissingContentLength",
                              "You must provide the Content-Length HTTP header.");
            return -1;
        }
    }
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || *end || end == cl || cl[0] < '0' || cl[0] > '9') {
            serve_reply_error(r, q, 400, "InvalidArgument", "Content-Length is not a number");
            return -1;
        }
        if (n > g->body_max) {
            request_gate_too_large(q, g, r);
            return -1;
        }
        g->has_length = 1;
        g->length = n;
        if (n && request_gate_charge(s, g, n) < 0) {
            serve_reply_error(r, q, 503, "SlowDown",
                              "the server holds its most request bytes (--max-inflight); "
                              "retry later");
            serve_reply_header(r, "Retry-After", "1");
            return -1;
        }
    }
    return 0;
}

void request_gate_too_large(const serve_request *q, const request_gate *g, serve_reply *r)
{
    if (serve_is_admin_path(q->raw_url) && g->body_max < q->srv->cfg.max_body)
        serve_reply_error(r, q, 413, "EntityTooLarge",
                          "an admin call's body is at most %llu bytes",
                          (unsigned long long)g->body_max);
    else if (g->body_max < q->srv->cfg.max_body)
        serve_reply_error(r, q, 413, "EntityTooLarge", "the body exceeds DeleteObjects' 2 MiB");
    else
        serve_reply_error(r, q, 413, "EntityTooLarge", "the body exceeds the server's --max-body");
}

int request_gate_charge(serve_server *s, request_gate *g, uint64_t n)
{
    if (conn_guard_budget_take(s->guard, n) < 0)
        return -1;
    g->charged += n;
    return 0;
}

void request_gate_release(serve_server *s, request_gate *g)
{
    if (g->charged)
        conn_guard_budget_give(s->guard, g->charged);
    g->charged = 0;
}

void request_gate_give(serve_server *s, request_gate *g, uint64_t n)
{
    if (n > g->charged)
        n = g->charged;
    if (n)
        conn_guard_budget_give(s->guard, n);
    g->charged -= n;
}

/* A reply's body is held until it is sent (a slow reader keeps it): it
 * takes its bytes from the in-flight budget, released when the request
 * completes. A handler reserves them before making a large body (a GET's
 * copy of its object); the rest are taken once the handler is done, and
 * when they are not there the body is dropped for 503 (exchange.c). */
void request_gate_busy_reply(const serve_request *q, serve_reply *r)
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
    request_gate_busy_reply(q, r);
    return -1;
}
