/* Objects: PutObject, GetObject (with Range), HeadObject, DeleteObject;
 * CopyObject is s3_copy.c. */
#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_chunked.h"
#include "checksums.h"
#include "conditional.h"
#include "http_faults.h"
#include "object_meta.h"
#include "object_read.h"
#include "object_write.h"
#include "put_body.h"
#include "request_gate.h"
#include "s3_handlers.h"
#include "sigv4.h"
#include "stored_headers.h"
#include "upstream.h"

static const char *const object_args[] = {
    "x-id", "versionId", "response-content-type", "response-cache-control", "response-expires",
    "response-content-disposition", "response-content-encoding", "response-content-language",
    SERVE_PRESIGN_ARGS, NULL};

int serve_object_key(const serve_request *q, lhv1_buf *out)
{
    lhv1_buf_reset(out);
    size_t bl = strlen(q->bucket);
    if (lhv1_buf_reserve(out, bl + 1 + q->key.len) == 0) {
        lhv1_buf_append(out, q->bucket, bl);
        lhv1_buf_putc(out, '/');
        lhv1_buf_append(out, q->key.data, q->key.len);
    }
    return out->failed ? -1 : 0;
}

/* The ETag of a body's MD5, quoted as S3 sends it. */
static void etag_of(const uint8_t md5[16], char quoted[35])
{
    serve_hex(md5, 16, quoted + 1);
    quoted[0] = quoted[33] = '"';
    quoted[34] = 0;
}

static void etag_header(serve_reply *r, const uint8_t md5[16])
{
    char quoted[35];
    etag_of(md5, quoted);
    serve_reply_header(r, "ETag", "%s", quoted);
}

/* The object a conditional PUT would replace (lock held): 1 with its
 * quoted ETag, 0 none, -1 with `err` filled. The backend itself is asked,
 * not the fault store: the precondition is about what is stored. An ETag
 * not known yet (a body a rule touched, a file placed by hand, the proxy's
 * upstream) is read and hashed here, on a worker (put_object). */
static int current_etag(serve_server *s, lhv1_bytes skey, char etag[35], lhv1_store_err *err)
{
    obj_info cur;
    int p = object_meta_peek(s, skey, &cur);
    if (p == 1) {
        etag_of(cur.md5, etag);
        return 1;
    }
    if (p == -1)
        return 0;
    lhv1_buf body;
    lhv1_buf_init(&body);
    int rc = lhv1_store_get(s->store, skey, &body, err);
    if (rc == 0) {
        uint8_t md5[16];
        serve_md5(body.data, body.len, md5);
        etag_of(md5, etag);
    }
    lhv1_buf_free(&body);
    if (rc < 0 && err->kind == LHV1_STORE_NOT_FOUND)
        return 0;
    return rc < 0 ? -1 : 1;
}

/* "bytes=a-b", "bytes=a-", "bytes=-n" against an object of `size` bytes:
 * 1 with [*from, *to] set, 0 to ignore the header (as S3 does for forms it
 * does not understand), -1 unsatisfiable. */
static int parse_range(const char *h, size_t size, size_t *from, size_t *to)
{
    if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return 0;
    const char *p = h + 6;
    char *end;
    if (*p == '-') {
        if (!isdigit((unsigned char)p[1]))
            return 0;
        unsigned long long n = strtoull(p + 1, &end, 10);
        if (*end)
            return 0;
        if (n == 0 || size == 0)
            return -1;
        *from = n >= size ? 0 : size - (size_t)n;
        *to = size - 1;
        return 1;
    }
    if (!isdigit((unsigned char)*p))
        return 0;
    unsigned long long a = strtoull(p, &end, 10);
    if (*end != '-')
        return 0;
    p = end + 1;
    unsigned long long b = size ? size - 1 : 0;
    if (*p) {
        if (!isdigit((unsigned char)*p))
            return 0;
        b = strtoull(p, &end, 10);
        if (*end || b < a)
            return 0;
    }
    if (a >= size)
        return -1;
    *from = (size_t)a;
    *to = b >= size ? size - 1 : (size_t)b;
    return 1;
}

/* A store error, or the proxy's upstream refusing a precondition it was
 * passed: its 412, or S3's 409 for a write that raced another. */
static void store_error(serve_request *q, serve_reply *r, const lhv1_store_err *err)
{
    if (err->kind == LHV1_STORE_FAILED && err->status == 412)
        serve_reply_error(r, q, 412, "PreconditionFailed",
                          "At least one of the pre-conditions you specified did not hold");
    else if (err->kind == LHV1_STORE_FAILED && err->status == 409 &&
             strstr(err->body, "ConditionalRequestConflict"))
        serve_reply_error(r, q, 409, "ConditionalRequestConflict",
                          "A conflicting conditional operation is currently in progress "
                          "against this resource.");
    else
        serve_store_error(q, r, err);
}

/* What the proxy keeps of its upstream's reply to a GET. */
typedef struct upstream_reply {
    lhv1_buf *kept; /* the object's stored headers */
    char last_modified[64], etag[80];
} upstream_reply;

static void on_upstream_header(void *cls, const char *name, const char *value)
{
    upstream_reply *u = cls;
    if (!strcasecmp(name, "Last-Modified"))
        snprintf(u->last_modified, sizeof u->last_modified, "%s", value);
    else if (!strcasecmp(name, "ETag"))
        snprintf(u->etag, sizeof u->etag, "%s", value);
    else
        stored_headers_receive(u->kept, name, value);
}

/* A read's lines and x-amz-checksum-mode: the proxy asks its upstream for
 * the stored checksums whatever its client asked, as it keeps them with
 * the object's other headers (get_object_read decides what is sent on).
 * One allocation; NULL out of memory. */
static char **with_checksum_mode(char *const *lines)
{
    static const char mode[] = "x-amz-checksum-mode: ENABLED";
    size_t n = 0, bytes = sizeof mode;
    for (; lines[n]; n++)
        bytes += strlen(lines[n]) + 1;
    char **out = malloc((n + 2) * sizeof *out + bytes);
    if (!out)
        return NULL;
    char *at = (char *)(out + n + 2);
    for (size_t i = 0; i < n; i++)
        out[i] = strcpy(at, lines[i]), at += strlen(at) + 1;
    out[n] = strcpy(at, mode);
    out[n + 1] = NULL;
    return out;
}

/* The "Name: value" lines the proxy adds to an upstream request: the
 * object's headers (a PUT) and the preconditions. -1 out of memory. */
static int upstream_lines(const serve_request *q, lhv1_bytes kept, int put, char ***out)
{
    *out = NULL;
    if (!serve_is_upstream(q->srv->store))
        return 0;
    char **cond = cond_forward_lines(q, put);
    if (cond && put)
        *out = stored_headers_lines(kept, (const char *const *)cond);
    else if (cond)
        *out = with_checksum_mode(cond);
    free(cond);
    return *out ? 0 : -1;
}

static void put_object(serve_request *q, serve_reply *r, lhv1_bytes skey)
{
    int cond = cond_write_present(q);
    if (cond && !q->on_worker) {
        /* An ETag to hash would hold the event thread: a worker does it. */
        obj_info cur;
        pthread_mutex_lock(&q->srv->lock);
        int p = object_meta_peek(q->srv, skey, &cur);
        pthread_mutex_unlock(&q->srv->lock);
        if (p != 1 && p != -1) {
            r->offload = SERVE_OFFLOAD;
            return;
        }
    }
    lhv1_buf kept; /* the headers kept with the object */
    lhv1_buf_init(&kept);
    if (stored_headers_collect(q, &kept, r) < 0) {
        lhv1_buf_free(&kept);
        return;
    }
    char **send = NULL;
    aws_chunked dec;
    aws_chunked_init(&dec);
    put_body pb; /* hashed outside the lock */
    int ok = put_body_decode(q, r, &dec, &pb) == 0;
    if (ok) {
        /* The verified checksums (a trailer's too) are kept with it. The
         * proxy's upstream keeps them all itself, and judges the
         * preconditions again where the write happens. */
        stored_headers_add_checksums(&kept, pb.cksum);
        if (kept.failed ||
            upstream_lines(q, (lhv1_bytes){kept.data, kept.len}, 1, &send) < 0) {
            serve_reply_error(r, q, 500, "InternalError", "out of memory");
            ok = 0;
        }
    }
    if (ok) {
        lhv1_bytes body = pb.data;
        const uint8_t *md5 = pb.md5;
        http_fault_decision d;
        serve_server *s = q->srv;
        lhv1_store_err err;
        /* The request's buffer (or the decoded aws-chunked payload) goes
         * to the memory store as it is: no copy. */
        lhv1_buf *owned = body.data == dec.payload.data ? &dec.payload : &q->body;
        pthread_mutex_lock(&s->lock);
        int rc = 0;
        int refused = 0; /* a precondition failed: `r` says so */
        if (cond) {
            /* Checked and written under one hold of the lock: no write of
             * another request comes between (a conditional write's point). */
            char etag[35];
            int exists = current_etag(s, skey, etag, &err);
            if (exists < 0)
                rc = -1;
            else
                refused = cond_write_check(q, r, exists, etag) < 0;
        }
        if (rc < 0 || refused) {
            memset(&d, 0, sizeof d); /* refused before any rule saw it */
        } else {
            rc = object_write(s, skey, body, owned, md5, (lhv1_bytes){kept.data, kept.len},
                              (const char *const *)send, &d, &err);
        }
        pthread_mutex_unlock(&s->lock);
        if (rc < 0) {
            store_error(q, r, &err);
        } else if (!refused) {
            etag_header(r, md5);
            for (int a = 0; a < CKSUM_COUNT; a++)
                if (pb.cksum[a])
                    serve_reply_header(r, serve_cksum_header((serve_cksum_alg)a), "%s",
                                       pb.cksum[a]);
        }
        http_faults_http_effects(&d, q, r);
    }
    aws_chunked_free(&dec);
    lhv1_buf_free(&kept);
    free(send);
}

/* What the proxy reads of an object takes its place in the request's
 * share of the in-flight budget before it is held, as a copy of a stored
 * object does (serve_reply_reserve): past the budget it is not read. */
typedef struct reply_charge {
    serve_request *q;
    serve_reply *r;
} reply_charge;

static int take_for_reply(void *cls, uint64_t n)
{
    reply_charge *c = cls;
    if (c->q->gate && request_gate_charge(c->q->srv, c->q->gate, n) < 0)
        return -1;
    c->r->reserved += n;
    return 0;
}

/* A GET or HEAD; `kept` receives the object's stored headers. */
static void get_object_read(serve_request *q, serve_reply *r, lhv1_bytes skey, int head,
                            lhv1_buf *kept, char **send)
{
    serve_server *s = q->srv;
    lhv1_store_err err;
    http_fault_decision d;
    obj_info stored;
    int peeked = 0; /* 1: `stored` is what the store holds now */
    upstream_reply up = {kept, "", ""};
    pthread_mutex_lock(&s->lock);
    if (!q->on_worker) {
        /* Inline only a 404 or a small object whose ETag is known, with no
         * rule that could hand back another body to hash. */
        int p = http_faults_matches(s->faults, LHV1_OP_GET, skey) ? 0
                                                                  : object_meta_peek(s, skey, &stored);
        if (p != -1 && !(p == 1 && stored.size <= SERVE_GET_INLINE_MAX)) {
            pthread_mutex_unlock(&s->lock);
            r->offload = SERVE_OFFLOAD;
            return;
        }
        peeked = p == 1;
    }
    /* The copy about to be made takes its place in the in-flight budget
     * first: past the budget it is not made (503). */
    if (peeked && serve_reply_reserve(q, r, stored.size) < 0) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    http_faults_decide(s->faults, LHV1_OP_GET, skey, 0, &d);
    int rc, untouched, known;
    if (q->on_worker && d.rule_id == 0 &&
        (lhv1_is_memory_store(s->store) || lhv1_is_file_store(s->store))) {
        /* No rule fired: the stored body, without holding the lock through
         * a large copy or a disk read (object_read.h). */
        int p = object_meta_peek(s, skey, &stored);
        pthread_mutex_unlock(&s->lock);
        if (p != -1 && serve_reply_reserve(q, r, stored.size) < 0)
            return;
        /* the headers read in the same hold as the body's end: one write's */
        rc = object_read(s, skey, &r->body, kept, &stored, &known, &err);
        untouched = rc == 0;
        known = untouched && known && stored.size == r->body.len;
    } else {
        reply_charge charge = {q, r};
        serve_upstream_charge(s->store, take_for_reply, &charge);
        serve_upstream_exchange(s->store, (const char *const *)send, on_upstream_header, &up);
        rc = http_faults_get(s, &d, skey, &r->body, &err);
        serve_upstream_exchange(s->store, NULL, NULL, NULL);
        serve_upstream_charge(s->store, NULL, NULL);
        /* A GET no rule touched returns the stored body: its ETag may be
         * known. */
        untouched = rc == 0 && d.rule_id == 0;
        known = untouched && (peeked || object_meta_peek(s, skey, &stored) == 1) &&
                stored.size == r->body.len;
        if (rc == 0 && (serve_is_upstream(s->store) ? kept->failed
                                                     : object_meta_headers(s, skey, kept) < 0))
            rc = lhv1_store_oom(&err, "stored headers");
        pthread_mutex_unlock(&s->lock);
    }
    uint8_t md5[16];
    if (known)
        memcpy(md5, stored.md5, 16);
    if (rc < 0 && err.kind == LHV1_STORE_FAILED && err.status == 304) {
        /* the upstream judged the preconditions it was passed */
        r->status = 304;
        if (up.etag[0])
            serve_reply_header(r, "ETag", "%s", up.etag);
        if (up.last_modified[0])
            serve_reply_header(r, "Last-Modified", "%s", up.last_modified);
        http_faults_http_effects(&d, q, r);
        return;
    }
    if (rc < 0) {
        if (head && (err.kind == LHV1_STORE_NOT_FOUND || err.status == 412)) {
            r->status = err.status == 412 ? 412 : 404; /* HEAD replies carry no body */
        } else {
            store_error(q, r, &err);
        }
        http_faults_http_effects(&d, q, r);
        return;
    }
    size_t size = r->body.len;
    if (!known) { /* on a worker: the event thread took only known ones */
        serve_md5(r->body.data, size, md5);
        if (untouched) {
            pthread_mutex_lock(&s->lock);
            object_meta_learned(s, skey, &stored, md5);
            pthread_mutex_unlock(&s->lock);
        }
    }
    etag_header(r, md5);
    /* The proxy's object was last modified when its upstream says, unless
     * a rule answered in the upstream's place. */
    time_t modified;
    const char *modified_http = up.last_modified;
    if (!untouched || !up.last_modified[0] || cond_http_date(up.last_modified, &modified) < 0) {
        modified = s->started;
        modified_http = s->started_http;
    }
    serve_reply_header(r, "Last-Modified", "%s", modified_http);
    /* Preconditions on what was read (a body a rule touched included). */
    char etag[35];
    etag_of(md5, etag);
    int cs = cond_read_status(q, etag, modified);
    if (cs) {
        lhv1_buf_reset(&r->body);
        if (cs == 412 && !head)
            serve_reply_error(r, q, 412, "PreconditionFailed",
                              "At least one of the pre-conditions you specified did not hold");
        r->status = cs;
        http_faults_http_effects(&d, q, r);
        return;
    }
    serve_reply_header(r, "Accept-Ranges", "bytes");
    const char *range = serve_header(q, "Range");
    size_t from = 0, to = 0;
    int pr = range ? parse_range(range, size, &from, &to) : 0;
    if (pr < 0) {
        serve_reply_error(r, q, 416, "InvalidRange", "The requested range is not satisfiable");
        serve_reply_header(r, "Content-Range", "bytes */%zu", size);
    } else if (pr > 0) {
        memmove(r->body.data, r->body.data + from, to - from + 1);
        r->body.len = to - from + 1;
        r->status = 206;
        serve_reply_header(r, "Content-Range", "bytes %zu-%zu/%zu", from, to, size);
    }
    /* A range is not the object the checksum is of: S3 sends none. */
    const char *mode = serve_header(q, "x-amz-checksum-mode");
    int checksums = pr == 0 && mode && !strcasecmp(mode, "ENABLED");
    if (pr >= 0 &&
        stored_headers_reply(q, r, (lhv1_bytes){kept->data, kept->len}, checksums) < 0)
        serve_reply_error(r, q, 500, "InternalError", "out of memory");
    http_faults_http_effects(&d, q, r);
}

static void get_object(serve_request *q, serve_reply *r, lhv1_bytes skey, int head)
{
    if (stored_headers_overrides_allowed(q, r) < 0)
        return;
    lhv1_buf kept;
    lhv1_buf_init(&kept);
    char **send;
    if (upstream_lines(q, (lhv1_bytes){NULL, 0}, 0, &send) < 0)
        serve_reply_error(r, q, 500, "InternalError", "out of memory");
    else
        get_object_read(q, r, skey, head, &kept, send);
    free(send);
    lhv1_buf_free(&kept);
}

static void delete_object(serve_request *q, serve_reply *r, lhv1_bytes skey)
{
    serve_server *s = q->srv;
    lhv1_store_err err;
    http_fault_decision d;
    pthread_mutex_lock(&s->lock);
    http_faults_decide(s->faults, LHV1_OP_DEL, skey, 0, &d);
    int rc = http_faults_del(s, &d, skey, &err);
    object_meta_deleted(s, skey);
    pthread_mutex_unlock(&s->lock);
    if (rc < 0)
        serve_store_error(q, r, &err);
    else
        r->status = 204;
    http_faults_http_effects(&d, q, r);
}

void s3_object_op(serve_request *q, serve_reply *r)
{
    serve_server *s = q->srv;
    if (!q->on_worker && !lhv1_is_memory_store(s->store)) {
        r->offload = SERVE_OFFLOAD; /* disk or network I/O */
        return;
    }
    if (serve_query_allowed(q, r, object_args) < 0 || s3_version_id_ok(q, r) < 0)
        return;
    if (serve_key_check(q, r, (lhv1_bytes){q->key.data, q->key.len}) < 0)
        return;
    if (!serve_bucket_required(q, r))
        return;
    lhv1_buf k;
    lhv1_buf_init(&k);
    if (serve_object_key(q, &k) < 0) {
        lhv1_buf_free(&k);
        serve_reply_oom(r, q, "object key");
        return;
    }
    lhv1_bytes skey = {k.data, k.len};
    if (!strcmp(q->method, "PUT") && serve_header(q, "x-amz-copy-source")) {
        s3_copy_object(q, r, skey);
    } else if (!strcmp(q->method, "PUT")) {
        put_object(q, r, skey);
    } else if (!strcmp(q->method, "GET")) {
        get_object(q, r, skey, 0);
    } else if (!strcmp(q->method, "HEAD")) {
        get_object(q, r, skey, 1);
    } else if (!strcmp(q->method, "DELETE")) {
        delete_object(q, r, skey);
    } else {
        serve_reply_error(r, q, 405, "MethodNotAllowed", "%s is not allowed on an object",
                          q->method);
    }
    lhv1_buf_free(&k);
}
