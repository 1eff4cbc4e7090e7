/* Proxy mode (`lhv1 serve --upstream URL`): the server's backend store is
 * a real S3-compatible server. The server's store keys map onto it:
 *   "_buckets/<name>"  a bucket (put: CreateBucket, del: DeleteBucket,
 *                      list: ListBuckets)
 *   "<bucket>/<key>"   an object, through the libcurl client store of
 *                      that bucket (src/s3client)
 * The fault store stays in front unchanged, so a torn PUT forwards the cut
 * body and a stale read serves a version the proxy saw earlier.
 *
 * What the proxy created (each object it wrote, each bucket that did not
 * exist before its CreateBucket) is recorded, in a memory store of empty
 * markers, so that an admin reset deletes that and nothing else.
 *
 * What it reads from the upstream is bounded as the server bounds what
 * clients send: an object's body at most --max-body bytes, taken from the
 * in-flight budget before it is held (serve_upstream_charge), a
 * bucket-level reply at most a listing page.
 *
 * No network I/O under the server's lock (serve_upstream_bind): one slow
 * upstream call would stall every client. Each transfer releases the lock
 * and takes it again after; each operation has its own libcurl handle. */
#define _GNU_SOURCE /* memmem */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buckets.h"
#include "s3_reply.h"
#include "s3_store.h"
#include "serve.h"
#include "upstream.h"

#define MARKER_LEN (sizeof SERVE_BUCKET_MARKERS - 1)

typedef struct upstream_store {
    lhv1_store base;
    lhv1_s3_config cfg;   /* strings point at the environment and `endpoint` */
    lhv1_s3_charge charge; /* every bucket store's; set per operation */
    lhv1_s3_exchange exchange; /* every bucket store's; set per operation */
    char *endpoint;
    char *userpwd, *sigv4;
    pthread_mutex_t *lock; /* the server's, released for each transfer */
    const int *stop;       /* the server's: nonzero ends transfers */
    unsigned away;         /* transfers under way (under `lock`) */
    pthread_cond_t idle;   /* with `lock`: `away` fell to 0 */
    lhv1_store *created;  /* keys as above, empty bodies: what reset deletes */
} upstream_store;

/* A bucket-level reply's body: a ListBuckets page (S3 lists at most 10,000
 * buckets, some 150 bytes each) or an error document, at most a listing
 * page's bytes. */
typedef struct small_body {
    lhv1_buf *out;
    int over;
} small_body;

static size_t on_body(char *p, size_t size, size_t n, void *cls)
{
    small_body *b = cls;
    size_t len = size * n;
    if (len > LHV1_S3_PAGE_MAX - b->out->len) {
        b->over = 1;
        return 0;
    }
    return lhv1_buf_append(b->out, p, len) < 0 ? 0 : len;
}

/* The text of <Code> in an S3 error body, into code. */
static void error_code(const lhv1_buf *body, char *code, size_t n)
{
    code[0] = 0;
    const char *p = body->data ? memmem(body->data, body->len, "<Code>", 6) : NULL;
    if (!p)
        return;
    p += 6;
    const char *e = memmem(p, body->len - (size_t)(p - (const char *)body->data), "</", 2);
    if (e && (size_t)(e - p) < n) {
        memcpy(code, p, (size_t)(e - p));
        code[e - p] = 0;
    }
}

/* The server's lock, released for a transfer: 1 when the caller held it
 * (every caller but the start-up's ListBuckets, made before any thread
 * runs), counted in `away` before it is let go. An error-checking mutex
 * tells whether it was held. */
static int lock_release(upstream_store *u)
{
    if (!u->lock)
        return 0;
    u->away++;
    if (pthread_mutex_unlock(u->lock) == 0)
        return 1;
    u->away--;
    return 0;
}

static void lock_retake(upstream_store *u, int held)
{
    if (!held)
        return;
    pthread_mutex_lock(u->lock);
    if (--u->away == 0)
        pthread_cond_broadcast(&u->idle);
}

static int stop_requested(void *cls, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    return cls && __atomic_load_n((const int *)cls, __ATOMIC_RELAXED);
}

/* One bucket-level request (path "/" or "/<bucket>"), signed like the
 * client store's. The HTTP status, or -1 with err filled. */
static long bucket_request(upstream_store *u, const char *method, const char *path,
                           lhv1_buf *out, lhv1_store_err *err)
{
    char url[512];
    if ((size_t)snprintf(url, sizeof url, "%s%s", u->endpoint, path) >= sizeof url)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 500, "upstream URL too long");
    if (stop_requested((void *)u->stop, 0, 0, 0, 0))
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 503, "upstream %s %s: cancelled", method,
                               path);
    CURL *c = curl_easy_init();
    if (!c)
        return lhv1_store_oom(err, "upstream request");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (!strcmp(method, "PUT")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    }
    struct curl_slist *h = NULL;
    if (u->userpwd) {
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, u->sigv4);
        curl_easy_setopt(c, CURLOPT_USERPWD, u->userpwd);
        /* Bucket requests have no body: S3 wants its hash signed. */
        h = curl_slist_append(NULL, "x-amz-content-sha256: "
                                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        if (!h) {
            curl_easy_cleanup(c);
            return lhv1_store_oom(err, "upstream request");
        }
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    }
    small_body b = {out, 0};
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)LHV1_S3_PAGE_MAX);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, stop_requested);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)u->stop);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    int held = lock_release(u);
    CURLcode rc = curl_easy_perform(c);
    lock_retake(u, held);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (b.over || rc == CURLE_FILESIZE_EXCEEDED)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 502,
                               "upstream %s %s: a reply of more than %zu bytes", method, path,
                               LHV1_S3_PAGE_MAX);
    if (rc != CURLE_OK)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 502, "upstream %s %s: %s", method, path,
                               curl_easy_strerror(rc));
    if (out->failed)
        return lhv1_store_oom(err, "upstream reply");
    return status;
}

/* A failed bucket-level reply as a store error (5xx kept, else 502). */
static int bucket_fail(long status, const lhv1_buf *body, const char *what, lhv1_store_err *err)
{
    char code[64];
    error_code(body, code, sizeof code);
    return lhv1_store_fail(err, LHV1_STORE_FAILED, status >= 500 && status < 600 ? (int)status : 502,
                           "upstream %s: %ld %s", what, status, code[0] ? code : "(no S3 code)");
}

/* What one operation's client reads while the lock is let go: copies of
 * the settings made for it under the lock, which the next operation may
 * overwrite meanwhile. */
typedef struct upstream_op {
    lhv1_s3_charge charge;
    lhv1_s3_exchange exchange;
} upstream_op;

/* A client store of bucket name[0:len] for one operation, which the
 * caller destroys: its own libcurl handle and its own copy of the charge
 * (serve_upstream_charge) and the headers exchanged
 * (serve_upstream_exchange), as operations run at once off the lock. */
static lhv1_store *bucket_client(upstream_store *u, const uint8_t *name, size_t len,
                                 upstream_op *op, lhv1_store_err *err)
{
    if (!serve_bucket_name_ok(name, len)) {
        lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400, "not a bucket name");
        return NULL;
    }
    char *n = strndup((const char *)name, len);
    if (!n) {
        lhv1_store_oom(err, "upstream bucket");
        return NULL;
    }
    op->charge = u->charge;
    op->exchange = u->exchange;
    lhv1_s3_config cfg = u->cfg;
    cfg.bucket = n;
    cfg.charge = &op->charge;
    cfg.exchange = &op->exchange;
    lhv1_store *s = lhv1_s3_store_new(&cfg, err); /* copies the name */
    free(n);
    return s;
}

/* Splits "<bucket>/<key>" and makes the bucket's client. */
static lhv1_store *object_client(upstream_store *u, lhv1_bytes key, lhv1_bytes *okey,
                                 upstream_op *op, lhv1_store_err *err)
{
    const uint8_t *slash = key.len ? memchr(key.data, '/', key.len) : NULL;
    if (!slash)
        return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400, "no bucket in the key"), NULL;
    size_t bl = (size_t)(slash - key.data);
    *okey = (lhv1_bytes){slash + 1, key.len - bl - 1};
    return bucket_client(u, key.data, bl, op, err);
}

/* One object operation (op: 'p'ut, 'g'et, 'd'elete) off the lock. */
static int object_call(upstream_store *u, char op, lhv1_bytes key, lhv1_bytes body,
                       lhv1_buf *out, lhv1_store_err *err)
{
    lhv1_bytes okey;
    upstream_op settings;
    lhv1_store *s = object_client(u, key, &okey, &settings, err);
    if (!s)
        return -1;
    int held = lock_release(u);
    int rc = op == 'p'   ? lhv1_store_put(s, okey, body, err)
             : op == 'g' ? lhv1_store_get(s, okey, out, err)
                         : lhv1_store_del(s, okey, err);
    lock_retake(u, held);
    lhv1_store_destroy(s);
    return rc;
}

static int is_marker(lhv1_bytes key)
{
    return key.len > MARKER_LEN && !memcmp(key.data, SERVE_BUCKET_MARKERS, MARKER_LEN);
}

/* ListBuckets: appends each name to names. Names the server could not
 * route (outside its bucket-name rule: XML entities, NUL, ...) are left
 * out, so none reaches the bucket cache or a reply unchecked. */
static int list_buckets(upstream_store *u, lhv1_key_list *names, lhv1_store_err *err)
{
    lhv1_buf xml;
    lhv1_buf_init(&xml);
    long st = bucket_request(u, "GET", "/", &xml, err);
    int rc = st < 0 ? -1 : st != 200 ? bucket_fail(st, &xml, "ListBuckets", err) : 0;
    const char *p = (const char *)xml.data, *end = p + xml.len;
    while (rc == 0 && p && (p = memmem(p, (size_t)(end - p), "<Name>", 6))) {
        p += 6;
        const char *e = memmem(p, (size_t)(end - p), "</Name>", 7);
        if (!e)
            rc = lhv1_store_fail(err, LHV1_STORE_FAILED, 502, "upstream ListBuckets: malformed");
        else if (serve_bucket_name_ok((const uint8_t *)p, (size_t)(e - p)) &&
                 lhv1_key_list_push(names, (lhv1_bytes){(const uint8_t *)p, (size_t)(e - p)}) < 0)
            rc = lhv1_store_oom(err, "bucket list");
        else
            p = e + 7;
    }
    lhv1_buf_free(&xml);
    return rc;
}

/* The record of what the proxy created (a key as the server lays them out). */
static int record(upstream_store *u, lhv1_bytes key, lhv1_store_err *err)
{
    if (lhv1_store_put(u->created, key, (lhv1_bytes){NULL, 0}, err) < 0)
        return -1;
    lhv1_store_err_ok(err);
    return 0;
}

static int forget(upstream_store *u, lhv1_bytes key, lhv1_store_err *err)
{
    lhv1_store_err e;
    lhv1_store_del(u->created, key, &e); /* absent: it was never ours */
    lhv1_store_err_ok(err);
    return 0;
}

static int up_put(lhv1_store *st, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err)
{
    upstream_store *u = (upstream_store *)st;
    if (!is_marker(key)) {
        if (object_call(u, 'p', key, body, NULL, err) < 0)
            return -1;
        return record(u, key, err);
    }
    char path[80];
    if (!serve_bucket_name_ok(key.data + MARKER_LEN, key.len - MARKER_LEN))
        return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400, "not a bucket name");
    /* Us-east-1 answers 200 to creating a bucket one owns already: whether
     * this CreateBucket creates it is known only by looking first. */
    lhv1_key_list names;
    lhv1_key_list_init(&names);
    int existed = 0;
    if (list_buckets(u, &names, err) < 0) {
        lhv1_key_list_free(&names);
        return -1;
    }
    for (size_t i = 0; i < names.n; i++)
        existed |= names.keys[i].len == key.len - MARKER_LEN &&
                   !memcmp(names.keys[i].data, key.data + MARKER_LEN, names.keys[i].len);
    lhv1_key_list_free(&names);
    snprintf(path, sizeof path, "/%.*s", (int)(key.len - MARKER_LEN), key.data + MARKER_LEN);
    lhv1_buf out;
    lhv1_buf_init(&out);
    long status = bucket_request(u, "PUT", path, &out, err);
    char code[64];
    error_code(&out, code, sizeof code);
    int rc = status < 0                                          ? -1
             : status / 100 == 2                                 ? 0
             : status == 409 && strstr(code, "AlreadyOwnedByYou") ? 0
                                                                  : bucket_fail(status, &out, "CreateBucket", err);
    lhv1_buf_free(&out);
    if (rc == 0 && !existed)
        rc = record(u, key, err);
    if (rc == 0)
        lhv1_store_err_ok(err);
    return rc;
}

static int up_get(lhv1_store *st, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err)
{
    upstream_store *u = (upstream_store *)st;
    if (is_marker(key)) { /* a marker's body is empty; it exists if the bucket does */
        lhv1_key_list names;
        lhv1_key_list_init(&names);
        int rc = list_buckets(u, &names, err), found = 0;
        for (size_t i = 0; rc == 0 && i < names.n; i++)
            found |= names.keys[i].len == key.len - MARKER_LEN &&
                     !memcmp(names.keys[i].data, key.data + MARKER_LEN, names.keys[i].len);
        lhv1_key_list_free(&names);
        if (rc == 0 && !found)
            return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "no such bucket");
        if (rc == 0) {
            lhv1_buf_reset(out);
            lhv1_store_err_ok(err);
        }
        return rc;
    }
    return object_call(u, 'g', key, (lhv1_bytes){NULL, 0}, out, err);
}

static int up_del(lhv1_store *st, lhv1_bytes key, lhv1_store_err *err)
{
    upstream_store *u = (upstream_store *)st;
    if (!is_marker(key)) {
        if (object_call(u, 'd', key, (lhv1_bytes){NULL, 0}, NULL, err) < 0)
            return -1;
        return forget(u, key, err);
    }
    lhv1_bytes name = {key.data + MARKER_LEN, key.len - MARKER_LEN};
    char path[80];
    if (!serve_bucket_name_ok(name.data, name.len))
        return lhv1_store_fail(err, LHV1_STORE_INVALID_KEY, 400, "not a bucket name");
    snprintf(path, sizeof path, "/%.*s", (int)name.len, name.data);
    lhv1_buf out;
    lhv1_buf_init(&out);
    long status = bucket_request(u, "DELETE", path, &out, err);
    int rc = status < 0 ? -1 : status / 100 == 2 || status == 404 ? 0 /* idempotent */
                                                                 : bucket_fail(status, &out, "DeleteBucket", err);
    lhv1_buf_free(&out);
    if (rc == 0)
        rc = forget(u, key, err);
    return rc;
}

/* Appends bucket's keys under prefix as "<bucket>/<key>". */
static int list_objects(upstream_store *u, lhv1_bytes bucket, lhv1_bytes prefix,
                        lhv1_key_list *out, lhv1_store_err *err)
{
    upstream_op op;
    lhv1_store *s = bucket_client(u, bucket.data, bucket.len, &op, err);
    if (!s)
        return -1;
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    int held = lock_release(u);
    int rc = lhv1_store_list(s, prefix, &l, err);
    lock_retake(u, held);
    lhv1_store_destroy(s);
    lhv1_buf k;
    lhv1_buf_init(&k);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        lhv1_buf_reset(&k);
        lhv1_buf_append(&k, bucket.data, bucket.len);
        lhv1_buf_putc(&k, '/');
        lhv1_buf_append(&k, l.keys[i].data, l.keys[i].len);
        if (k.failed || lhv1_key_list_push(out, (lhv1_bytes){k.data, k.len}) < 0)
            rc = lhv1_store_oom(err, "listing");
    }
    lhv1_buf_free(&k);
    lhv1_key_list_free(&l);
    return rc;
}

static int has_prefix(lhv1_bytes s, lhv1_bytes p)
{
    return s.len >= p.len && (!p.len || !memcmp(s.data, p.data, p.len));
}

/* Objects come before the bucket markers, so emptying the store in list
 * order (admin reset) deletes a bucket's objects before the bucket. */
static int up_list(lhv1_store *st, lhv1_bytes prefix, lhv1_key_list *out, lhv1_store_err *err)
{
    upstream_store *u = (upstream_store *)st;
    const uint8_t *slash = prefix.len ? memchr(prefix.data, '/', prefix.len) : NULL;
    lhv1_bytes marker = lhv1_bytes_str(SERVE_BUCKET_MARKERS);
    if (slash && !has_prefix(prefix, marker)) { /* within one bucket */
        size_t bl = (size_t)(slash - prefix.data);
        int rc = list_objects(u, (lhv1_bytes){prefix.data, bl},
                              (lhv1_bytes){slash + 1, prefix.len - bl - 1}, out, err);
        return rc == 0 ? (lhv1_store_err_ok(err), 0) : -1;
    }
    lhv1_key_list names;
    lhv1_key_list_init(&names);
    int rc = list_buckets(u, &names, err);
    lhv1_buf k;
    lhv1_buf_init(&k);
    for (size_t i = 0; rc == 0 && !slash && i < names.n; i++)
        if (has_prefix(names.keys[i], prefix))
            rc = list_objects(u, names.keys[i], (lhv1_bytes){NULL, 0}, out, err);
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        lhv1_buf_reset(&k);
        lhv1_buf_puts(&k, SERVE_BUCKET_MARKERS);
        lhv1_buf_append(&k, names.keys[i].data, names.keys[i].len);
        if (k.failed)
            rc = lhv1_store_oom(err, "listing");
        else if (has_prefix((lhv1_bytes){k.data, k.len}, prefix) &&
                 lhv1_key_list_push(out, (lhv1_bytes){k.data, k.len}) < 0)
            rc = lhv1_store_oom(err, "listing");
    }
    lhv1_buf_free(&k);
    lhv1_key_list_free(&names);
    if (rc == 0)
        lhv1_store_err_ok(err);
    return rc;
}

static void up_destroy(lhv1_store *st)
{
    upstream_store *u = (upstream_store *)st;
    lhv1_store_destroy(u->created);
    pthread_cond_destroy(&u->idle);
    free(u->endpoint);
    free(u->userpwd);
    free(u->sigv4);
    free(u);
}

static const lhv1_store_ops upstream_ops = {"upstream", up_put, up_get, up_del, up_list,
                                            up_destroy, NULL, NULL};

void serve_upstream_charge(lhv1_store *st, int (*take)(void *cls, uint64_t n), void *cls)
{
    if (!serve_is_upstream(st))
        return;
    upstream_store *u = (upstream_store *)st;
    u->charge.take = take;
    u->charge.cls = cls;
}

void serve_upstream_exchange(lhv1_store *st, const char *const *send,
                             void (*received)(void *cls, const char *name, const char *value),
                             void *cls)
{
    if (!serve_is_upstream(st))
        return;
    upstream_store *u = (upstream_store *)st;
    u->exchange = (lhv1_s3_exchange){send, received, cls};
}

int serve_is_upstream(const lhv1_store *st)
{
    return st && st->ops == &upstream_ops;
}

lhv1_store *serve_upstream_new(const char *url, uint64_t max_body, lhv1_store_err *err)
{
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
        lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "wants http(s)://HOST:PORT");
        return NULL;
    }
    upstream_store *u = calloc(1, sizeof *u);
    if (!u) {
        lhv1_store_oom(err, "upstream");
        return NULL;
    }
    u->base.ops = &upstream_ops;
    pthread_cond_init(&u->idle, NULL);
    /* lhv1_s3_store_new initialises libcurl once (before any thread): a
     * probe store does it. */
    lhv1_s3_config probe = {.endpoint = url, .bucket = "probe"};
    lhv1_store *p = lhv1_s3_store_new(&probe, err);
    lhv1_store_destroy(p);
    u->endpoint = strdup(url);
    u->created = lhv1_memory_store_new();
    if (!p || !u->endpoint || !u->created) {
        if (p)
            lhv1_store_oom(err, "upstream");
        up_destroy(&u->base);
        return NULL;
    }
    size_t el = strlen(u->endpoint);
    while (el && u->endpoint[el - 1] == '/')
        u->endpoint[--el] = 0;
    u->cfg.endpoint = u->endpoint;
    u->cfg.max_object = max_body;
    u->cfg.charge = &u->charge;
    u->cfg.exchange = &u->exchange;
    u->cfg.access_key = getenv("AWS_ACCESS_KEY_ID");
    u->cfg.secret_key = getenv("AWS_SECRET_ACCESS_KEY");
    u->cfg.region = getenv("AWS_REGION");
    if (u->cfg.access_key && u->cfg.secret_key) {
        const char *region = u->cfg.region ? u->cfg.region : "us-east-1";
        if (asprintf(&u->userpwd, "%s:%s", u->cfg.access_key, u->cfg.secret_key) < 0)
            u->userpwd = NULL;
        if (asprintf(&u->sigv4, "aws:amz:%s:s3", region) < 0)
            u->sigv4 = NULL;
        if (!u->userpwd || !u->sigv4) {
            up_destroy(&u->base);
            lhv1_store_oom(err, "upstream");
            return NULL;
        }
    }
    return &u->base;
}

void serve_upstream_bind(lhv1_store *st, pthread_mutex_t *lock, const int *stop)
{
    if (!serve_is_upstream(st))
        return;
    upstream_store *u = (upstream_store *)st;
    u->lock = lock;
    u->stop = stop;
    u->cfg.cancel = stop;
}

void serve_upstream_quiesce(lhv1_store *st)
{
    if (!serve_is_upstream(st))
        return;
    upstream_store *u = (upstream_store *)st;
    while (u->away)
        pthread_cond_wait(&u->idle, u->lock);
}

int serve_upstream_reset(lhv1_store *st, lhv1_store_err *err)
{
    upstream_store *u = (upstream_store *)st;
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    if (lhv1_store_list(u->created, (lhv1_bytes){(const uint8_t *)"", 0}, &l, err) < 0) {
        lhv1_key_list_free(&l);
        return -1;
    }
    int rc = 0;
    /* Objects first, then the buckets: one still holding an object the
     * proxy did not write is not empty, and stays (BucketNotEmpty). */
    for (int markers = 0; markers < 2 && rc == 0; markers++)
        for (size_t i = 0; i < l.n && rc == 0; i++) {
            if (is_marker(l.keys[i]) != markers)
                continue;
            rc = up_del(st, l.keys[i], err);
            if (rc < 0 && markers && err->kind == LHV1_STORE_FAILED &&
                strstr(err->body, "BucketNotEmpty")) {
                forget(u, l.keys[i], err);
                rc = 0;
            }
        }
    lhv1_key_list_free(&l);
    if (rc == 0)
        lhv1_store_err_ok(err);
    return rc;
}
