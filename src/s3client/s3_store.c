/* The S3 client store (see s3_store.h). */
#define _GNU_SOURCE /* tdestroy */
#include "s3_store.h"

#include <curl/curl.h>
#include <search.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alloc.h"
#include "s3_reply.h"

typedef struct s3_store {
    lhv1_store base;
    CURL *curl; /* reused: keeps the connection alive between requests */
    char *endpoint, *bucket, *userpwd, *sigv4;
    long timeout_ms;
    uint64_t max_object;
    size_t max_keys;
    long listing_timeout_ms;
    const lhv1_s3_charge *charge;
    const lhv1_s3_exchange *exchange;
    const int *cancel;
} s3_store;

/* Where a reply's body goes and how much of it is read. The status decides
 * at its first byte: a 200 to `body` or `page` (at most `limit_ok` bytes),
 * anything else to `small` (at most LHV1_S3_ERROR_BODY_MAX). */
typedef struct reply {
    CURL *curl;
    long timeout_ms;   /* this request's; 0: the store's */
    uint64_t limit_ok;
    lhv1_buf *body;
    lhv1_s3_page *page;
    const lhv1_s3_charge *charge; /* for `body` */
    const lhv1_s3_exchange *exchange; /* object requests: the caller's headers */
    const char *condition; /* a conditional PUT's If-Match / If-None-Match line, or NULL */
    lhv1_store_version *etag; /* where the final reply's ETag goes, or NULL */
    int etag_bad;      /* an ETag too long or with control bytes */
    size_t header_bytes; /* of the reply's header lines, for exchange */
    uint64_t charged;  /* bytes of `body` taken from it */
    int refused;       /* it had no room */
    lhv1_buf small;
    long status;       /* 0 until the body's first byte */
    int to_body;
    uint64_t limit, got;
    int oom;           /* an allocation failed */
    int excess;        /* bytes past the announced Content-Length */
    char stop[192];    /* why the client stopped reading; "" when it did not */
} reply;

/* Takes `body`'s bytes up to `upto` from the charge: 0, or -1 with stop
 * set. */
static int charge_upto(reply *r, uint64_t upto)
{
    if (!r->charge || !r->charge->take || upto <= r->charged)
        return 0;
    if (r->charge->take(r->charge->cls, upto - r->charged) < 0) {
        r->refused = 1;
        snprintf(r->stop, sizeof r->stop,
                 "no room for %llu more bytes of a %ld reply in the reader's budget",
                 (unsigned long long)(upto - r->charged), r->status);
        return -1;
    }
    r->charged = upto;
    return 0;
}

/* The first byte of the body: the status and Content-Length are known. */
static void reply_start(reply *r)
{
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &r->status);
    r->to_body = r->status == 200 && (r->body || r->page);
    r->limit = r->to_body ? r->limit_ok : LHV1_S3_ERROR_BODY_MAX;
    curl_off_t announced = -1;
    curl_easy_getinfo(r->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
    if (announced > 0 && (uint64_t)announced > r->limit)
        snprintf(r->stop, sizeof r->stop,
                 "a %ld reply announcing %lld bytes, more than the %llu this client reads",
                 r->status, (long long)announced, (unsigned long long)r->limit);
    else if (announced > 0 && r->to_body && r->body &&
             charge_upto(r, (uint64_t)announced) == 0 &&
             lhv1_buf_reserve(r->body, (size_t)announced) < 0)
        r->oom = 1;
}

static size_t on_body(char *p, size_t size, size_t n, void *cls)
{
    reply *r = cls;
    size_t len = size * n;
    if (!r->status)
        reply_start(r);
    if (r->stop[0] || r->oom)
        return 0;
    if (len > r->limit - r->got) {
        snprintf(r->stop, sizeof r->stop,
                 "a %ld reply of more than %llu bytes, the most this client reads", r->status,
                 (unsigned long long)r->limit);
        return 0;
    }
    r->got += len;
    if (r->to_body && r->page) {
        if (lhv1_s3_page_feed(r->page, p, len) == 0)
            return len;
        if (lhv1_s3_page_oom(r->page))
            r->oom = 1;
        else
            snprintf(r->stop, sizeof r->stop, "listing page: %s", lhv1_s3_page_error(r->page));
        return 0;
    }
    if (r->to_body && charge_upto(r, r->got) < 0)
        return 0;
    if (lhv1_buf_append(r->to_body ? r->body : &r->small, p, len) < 0) {
        r->oom = 1;
        return 0;
    }
    return len;
}

/* The value of an ETag header line (bounded; sent back verbatim in
 * If-Match, so no control bytes). */
static void take_etag(reply *r, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    r->etag->exists = 0;
    r->etag->tag[0] = 0;
    r->etag_bad = n == 0 || n >= sizeof r->etag->tag;
    for (size_t i = 0; i < n && !r->etag_bad; i++)
        r->etag_bad = (unsigned char)v[i] < 0x20 || v[i] == 0x7f;
    if (r->etag_bad)
        return;
    memcpy(r->etag->tag, v, n);
    r->etag->tag[n] = 0;
    r->etag->exists = 1;
}

/* Each header line of the reply, for the exchange's `received`: an
 * interim reply's (a status line starts each) are not the final ones. */
static size_t on_header(char *p, size_t size, size_t n, void *cls)
{
    reply *r = cls;
    size_t len = size * n;
    r->header_bytes += len;
    if (r->header_bytes > LHV1_S3_HEADERS_MAX) {
        snprintf(r->stop, sizeof r->stop, "reply headers of more than %zu bytes",
                 LHV1_S3_HEADERS_MAX);
        return 0;
    }
    const lhv1_s3_exchange *x = r->exchange;
    long status = 0;
    curl_easy_getinfo(r->curl, CURLINFO_RESPONSE_CODE, &status);
    const char *colon = memchr(p, ':', len);
    /* the version is a success's: an error reply's ETag names nothing read */
    if (r->etag && status >= 200 && status < 300 && colon && colon - p == 4 &&
        !strncasecmp(p, "etag", 4))
        take_etag(r, colon + 1, len - 5);
    if (!x || !x->received || status < 200 || !colon || colon == p)
        return len;
    char *line = lhv1_malloc(len + 1);
    if (!line) {
        r->oom = 1;
        return 0;
    }
    memcpy(line, p, len);
    line[len] = 0;
    size_t nl = (size_t)(colon - p), end = len;
    line[nl] = 0;
    const char *v = line + nl + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    while (end > nl + 1 && (line[end - 1] == '\r' || line[end - 1] == '\n' || line[end - 1] == ' '))
        line[--end] = 0;
    x->received(x->cls, line, v);
    lhv1_free(line);
    return len;
}

/* libcurl ends a body at its Content-Length; that more bytes came in the
 * same read it says only in its verbose text ("Excess found"). Bytes that
 * come later belong to no reply: the next request on the connection fails
 * on them. */
static int on_debug(CURL *c, curl_infotype type, char *text, size_t n, void *cls)
{
    (void)c;
    static const char excess[] = "Excess found";
    if (type == CURLINFO_TEXT && n >= sizeof excess - 1 && !memcmp(text, excess, sizeof excess - 1))
        ((reply *)cls)->excess = 1;
    return 0;
}

/* Percent-encodes a key for the path, keeping '/' (S3's own rule). */
static void path_escape(lhv1_buf *b, const uint8_t *s, size_t n, int keep_slash)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
            lhv1_buf_putc(b, c);
        else
            lhv1_buf_printf(b, "%%%02X", c);
    }
}

static int cancelled(const int *cancel)
{
    return cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED);
}

static int on_progress(void *cls, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return cancelled(cls); /* nonzero: CURLE_ABORTED_BY_CALLBACK */
}

/* A connection that carried bytes past a reply is not reused: the handle
 * (and its connection cache) is replaced. */
static int renew_handle(s3_store *s)
{
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    curl_easy_cleanup(s->curl);
    s->curl = c;
    return 0;
}

/* One request. Returns the HTTP status, or -1 with err filled on a
 * transport error, a reply over its bound, or out of memory. A 200's body
 * goes to r->body or r->page, any other status's to r->small. */
static long request(s3_store *s, const char *method, const lhv1_buf *path, lhv1_bytes body,
                    reply *r, lhv1_store_err *err)
{
    if (cancelled(s->cancel))
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 503, "%s %s: cancelled", method, s->bucket);
    CURL *c = s->curl;
    curl_easy_reset(c);
    r->curl = c;
    lhv1_buf url;
    lhv1_buf_init(&url);
    lhv1_buf_puts(&url, s->endpoint);
    lhv1_buf_append(&url, path->data, path->len);
    lhv1_buf_putc(&url, 0);
    if (url.failed || path->failed) {
        lhv1_buf_free(&url);
        return lhv1_store_oom(err, "request URL");
    }
    /* libcurl copies these strings: each copy can fail for lack of memory
     * (unchecked, the request would go out without its URL or signature). */
    CURLcode set = curl_easy_setopt(c, CURLOPT_URL, (char *)url.data);
    if (set == CURLE_OK)
        set = curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (set == CURLE_OK && s->userpwd)
        set = curl_easy_setopt(c, CURLOPT_AWS_SIGV4, s->sigv4);
    if (set == CURLE_OK && s->userpwd)
        set = curl_easy_setopt(c, CURLOPT_USERPWD, s->userpwd);
    if (set != CURLE_OK) {
        lhv1_buf_free(&url);
        return set == CURLE_OUT_OF_MEMORY
                   ? lhv1_store_oom(err, "libcurl")
                   : lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "%s %s: %s", method, s->bucket,
                                     curl_easy_strerror(set));
    }
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->timeout_ms ? r->timeout_ms : s->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (s->cancel) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)s->cancel);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    /* No "Expect:" to drop 100-continue: libcurl 7.88's SigV4 signs the
     * removed header as "expect:" with an empty value, which no S3 server
     * that verifies signatures accepts. */
    struct curl_slist *h = NULL;
    if (s->userpwd) {
        /* S3 wants the payload's hash as a signed header; libcurl 7.88
         * signs it when given (and hashes the body into the canonical
         * request the same way). */
        uint8_t d[crypto_hash_sha256_BYTES];
        char line[32 + 2 * crypto_hash_sha256_BYTES + 1] = "x-amz-content-sha256: ";
        crypto_hash_sha256(d, body.data ? body.data : (const uint8_t *)"", body.len);
        sodium_bin2hex(line + strlen(line), 2 * sizeof d + 1, d, sizeof d);
        struct curl_slist *n = curl_slist_append(h, line);
        if (!n) {
            lhv1_buf_free(&url);
            return lhv1_store_oom(err, "request header");
        }
        h = n;
    }
    if (r->condition) {
        struct curl_slist *n = curl_slist_append(h, r->condition);
        if (!n) {
            curl_slist_free_all(h);
            lhv1_buf_free(&url);
            return lhv1_store_oom(err, "request header");
        }
        h = n;
    }
    for (const char *const *x = r->exchange && r->exchange->send ? r->exchange->send : NULL;
         x && *x; x++) {
        struct curl_slist *n = curl_slist_append(h, *x);
        if (!n) {
            curl_slist_free_all(h);
            lhv1_buf_free(&url);
            return lhv1_store_oom(err, "request header");
        }
        h = n;
    }
    if (h)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (r->exchange || r->etag) {
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    }
    if (!strcmp(method, "PUT")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data ? (const char *)body.data : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, r);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    lhv1_buf_free(&url);
    if (r->excess && renew_handle(s) < 0)
        r->oom = 1;
    if (r->oom)
        return lhv1_store_oom(err, "S3 reply");
    if (r->stop[0])
        return lhv1_store_fail(err, LHV1_STORE_FAILED, r->refused ? 503 : (int)status,
                               "%s %s: %s", method, s->bucket, r->stop);
    if (rc == CURLE_OUT_OF_MEMORY)
        return lhv1_store_oom(err, "libcurl");
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 503, "%s %s: cancelled", method, s->bucket);
    if (rc != CURLE_OK) {
        /* A reset, a body shorter than its Content-Length, a timeout: the
         * store failed; what the server may have done is unknown. */
        return lhv1_store_fail(err, LHV1_STORE_FAILED, (int)status, "%s %s: %s", method,
                               s->bucket, curl_easy_strerror(rc));
    }
    if (r->excess)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, (int)status,
                               "%s %s: more bytes than the reply's Content-Length", method,
                               s->bucket);
    return status;
}

static void reply_init(reply *r, uint64_t limit_ok, lhv1_buf *body, lhv1_s3_page *page)
{
    memset(r, 0, sizeof *r);
    r->limit_ok = limit_ok;
    r->body = body;
    r->page = page;
    lhv1_buf_init(&r->small);
}

static void object_path(s3_store *s, lhv1_bytes key, lhv1_buf *p)
{
    lhv1_buf_putc(p, '/');
    lhv1_buf_puts(p, s->bucket);
    lhv1_buf_putc(p, '/');
    path_escape(p, key.data, key.len, 1);
}

/* A reply other than the success wanted, as a store error: only a 404
 * whose error document's Code is NoSuchKey is NOT_FOUND. */
static int reply_error(long status, const lhv1_buf *body, lhv1_store_err *err)
{
    char code[64];
    if (lhv1_s3_error_code(body->data, body->len, code, sizeof code) == -2)
        return lhv1_store_oom(err, "S3 error document");
    if (status == 404 && !strcmp(code, "NoSuchKey"))
        return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "NoSuchKey");
    return lhv1_store_fail(err, LHV1_STORE_FAILED, (int)status, "%ld %s: %.*s", status,
                           code[0] ? code : "(no S3 code)",
                           (int)(body->len > 160 ? 160 : body->len),
                           body->data ? (const char *)body->data : "");
}

/* A request whose success is any 2xx and whose body is not wanted. */
static int request_2xx(s3_store *s, const char *method, lhv1_bytes key, lhv1_bytes body,
                       lhv1_store_err *err)
{
    lhv1_buf p;
    lhv1_buf_init(&p);
    object_path(s, key, &p);
    reply r;
    reply_init(&r, 0, NULL, NULL);
    r.exchange = s->exchange;
    long status = request(s, method, &p, body, &r, err);
    int rc = status < 0 ? -1 : status / 100 == 2 ? 0 : reply_error(status, &r.small, err);
    if (rc == 0)
        lhv1_store_err_ok(err);
    lhv1_buf_free(&p);
    lhv1_buf_free(&r.small);
    return rc;
}

static int s3_put(lhv1_store *st, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err)
{
    return request_2xx((s3_store *)st, "PUT", key, body, err);
}

static int s3_del(lhv1_store *st, lhv1_bytes key, lhv1_store_err *err)
{
    return request_2xx((s3_store *)st, "DELETE", key, (lhv1_bytes){NULL, 0}, err);
}

/* --- conditional writes ----------------------------------------------- */

/* The ETag a 2xx reply must carry for the next conditional write. */
static int need_etag(const reply *r, const char *method, lhv1_store_version *ver,
                     lhv1_store_err *err)
{
    if (r->etag_bad || !ver->exists) {
        memset(ver, 0, sizeof *ver);
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 200, "%s: %s", method,
                               r->etag_bad ? "an ETag of more than the client reads, or not text"
                                           : "no ETag in the reply");
    }
    return 0;
}

/* GET into out; with `ver`, the reply's ETag into it as well, which a 200
 * must carry. */
static int get_object(s3_store *s, lhv1_bytes key, lhv1_buf *out, lhv1_store_version *ver,
                      lhv1_store_err *err)
{
    lhv1_buf p;
    lhv1_buf_init(&p);
    object_path(s, key, &p);
    lhv1_buf_reset(out);
    reply r;
    reply_init(&r, s->max_object, out, NULL);
    r.charge = s->charge;
    r.exchange = s->exchange;
    r.etag = ver;
    long status = request(s, "GET", &p, (lhv1_bytes){NULL, 0}, &r, err);
    int rc = status < 0       ? -1
             : status != 200  ? reply_error(status, &r.small, err)
             : ver            ? need_etag(&r, "GET", ver, err)
                              : 0;
    if (rc == 0) {
        lhv1_store_err_ok(err);
    } else {
        lhv1_buf_reset(out);
        if (ver)
            memset(ver, 0, sizeof *ver);
    }
    lhv1_buf_free(&p);
    lhv1_buf_free(&r.small);
    return rc;
}

static int s3_get(lhv1_store *st, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err)
{
    return get_object((s3_store *)st, key, out, NULL, err);
}

static int s3_get_version(lhv1_store *st, lhv1_bytes key, lhv1_buf *out, lhv1_store_version *ver,
                          lhv1_store_err *err)
{
    return get_object((s3_store *)st, key, out, ver, err);
}

/* A PUT with If-Match on the version read, or If-None-Match: * to create
 * only. A refusal is PRECONDITION_FAILED: 412, S3's 409
 * ConditionalRequestConflict (a concurrent conditional write), or, with
 * If-Match, 404 NoSuchKey (the object was deleted since). */
static int s3_put_if(lhv1_store *st, lhv1_bytes key, lhv1_bytes body,
                     const lhv1_store_version *expect, lhv1_store_version *now,
                     lhv1_store_err *err)
{
    s3_store *s = (s3_store *)st;
    char cond[LHV1_STORE_VERSION_MAX + 16];
    if (!expect->exists)
        snprintf(cond, sizeof cond, "If-None-Match: *");
    else
        snprintf(cond, sizeof cond, "If-Match: %s", expect->tag);
    lhv1_store_version got = {0};
    lhv1_buf p;
    lhv1_buf_init(&p);
    object_path(s, key, &p);
    reply r;
    reply_init(&r, 0, NULL, NULL);
    r.exchange = s->exchange;
    r.condition = cond;
    r.etag = &got;
    long status = request(s, "PUT", &p, body, &r, err);
    int rc = status < 0 ? -1 : status / 100 == 2 ? need_etag(&r, "PUT", &got, err)
                                                 : reply_error(status, &r.small, err);
    if (rc < 0 && status > 0 && status / 100 != 2) {
        char code[64] = "";
        lhv1_s3_error_code(r.small.data, r.small.len, code, sizeof code);
        if (status == 412 || (status == 409 && !strcmp(code, "ConditionalRequestConflict")) ||
            (expect->exists && err->kind == LHV1_STORE_NOT_FOUND))
            lhv1_store_fail(err, LHV1_STORE_PRECONDITION_FAILED, (int)status, "%s: %ld %s", cond,
                            status, code[0] ? code : "(no S3 code)");
    }
    if (rc == 0) {
        lhv1_store_err_ok(err);
        if (now)
            *now = got;
    }
    lhv1_buf_free(&p);
    lhv1_buf_free(&r.small);
    return rc;
}

/* --- listing ----------------------------------------------------------- */

/* A byte string in a tsearch tree (glibc's red-black tree). */
typedef struct seen_entry {
    size_t len;
    uint8_t data[];
} seen_entry;

static int seen_cmp(const void *a, const void *b)
{
    const seen_entry *x = a, *y = b;
    return lhv1_bytes_cmp((lhv1_bytes){x->data, x->len}, (lhv1_bytes){y->data, y->len});
}

/* Adds s to the set: 1 when it was new, 0 when already there, -1 when out
 * of memory. */
static int seen_add(void **root, lhv1_bytes s)
{
    seen_entry *e = lhv1_malloc(sizeof *e + s.len);
    if (!e)
        return -1;
    e->len = s.len;
    if (s.len)
        memcpy(e->data, s.data, s.len);
    void *slot = tsearch(e, root, seen_cmp);
    if (!slot) {
        lhv1_free(e);
        return -1;
    }
    if (*(seen_entry **)slot != e) {
        lhv1_free(e);
        return 0;
    }
    return 1;
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

typedef struct listing {
    s3_store *s;
    long deadline_ms; /* now_ms() by which the listing is complete */
    lhv1_bytes prefix;
    lhv1_key_list *keys, *outside;
    void *seen_keys, *seen_tokens;
    size_t count;
    int stalled; /* truncated pages in a row that listed no key */
} listing;

/* The keys of one page into the listing. 0, or -1 with err filled. */
static int take_page(listing *l, const lhv1_s3_page *page, lhv1_store_err *err)
{
    const lhv1_key_list *k = lhv1_s3_page_keys(page);
    for (size_t i = 0; i < k->n; i++) {
        lhv1_bytes key = k->keys[i];
        if (++l->count > l->s->max_keys)
            return lhv1_store_fail(err, LHV1_STORE_FAILED, 200,
                                   "listing: more than %zu keys (the client's key limit)",
                                   l->s->max_keys);
        int fresh = seen_add(&l->seen_keys, key);
        if (fresh < 0)
            return lhv1_store_oom(err, "listing");
        if (!fresh)
            return lhv1_store_fail(err, LHV1_STORE_FAILED, 200,
                                   "listing: a key listed twice (the listing does not advance)");
        int inside = key.len >= l->prefix.len &&
                     (!l->prefix.len || !memcmp(key.data, l->prefix.data, l->prefix.len));
        if (lhv1_key_list_push(inside ? l->keys : l->outside, key) < 0)
            return lhv1_store_oom(err, "listing");
    }
    if (!lhv1_s3_page_truncated(page))
        return 0;
    l->stalled = k->n ? 0 : l->stalled + 1;
    if (l->stalled >= LHV1_S3_STALLED_PAGES)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 200,
                               "listing: %d truncated pages in a row without a key (the listing "
                               "does not advance)", l->stalled);
    int fresh = seen_add(&l->seen_tokens, lhv1_s3_page_token(page));
    if (fresh < 0)
        return lhv1_store_oom(err, "listing");
    if (!fresh)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 200,
                               "listing: a continuation token repeated (the listing does not "
                               "advance)");
    return 0;
}

static int listing_late(listing *l, lhv1_store_err *err)
{
    return lhv1_store_fail(err, LHV1_STORE_FAILED, 0,
                           "listing: not complete after %ld s (the client's listing time limit)",
                           l->s->listing_timeout_ms / 1000);
}

/* GETs one page (after token, when not empty) into *page, within the time
 * left to the listing. */
static int get_page(listing *l, lhv1_bytes token, lhv1_s3_page **page, lhv1_store_err *err)
{
    s3_store *s = l->s;
    long left = l->deadline_ms - now_ms();
    if (left <= 0)
        return listing_late(l, err);
    lhv1_buf p;
    lhv1_buf_init(&p);
    /* Parameters in sorted order and fully escaped: libcurl 7.88 signs the
     * query as written, SigV4 verifiers canonicalise it. */
    lhv1_buf_printf(&p, "/%s?", s->bucket);
    if (token.len) {
        lhv1_buf_puts(&p, "continuation-token=");
        path_escape(&p, token.data, token.len, 0);
        lhv1_buf_putc(&p, '&');
    }
    lhv1_buf_puts(&p, "encoding-type=url&list-type=2&prefix=");
    path_escape(&p, l->prefix.data, l->prefix.len, 0);
    *page = lhv1_s3_page_new(LHV1_S3_PAGE_MAX, LHV1_S3_TEXT_MAX);
    if (!*page) {
        lhv1_buf_free(&p);
        return lhv1_store_oom(err, "listing");
    }
    reply r;
    reply_init(&r, LHV1_S3_PAGE_MAX, NULL, *page);
    r.timeout_ms = left < s->timeout_ms ? left : s->timeout_ms;
    long status = request(s, "GET", &p, (lhv1_bytes){NULL, 0}, &r, err);
    /* cut by the listing's limit (libcurl's clock started after ours) */
    if (status < 0 && r.timeout_ms == left && now_ms() >= l->deadline_ms - 100)
        status = listing_late(l, err);
    int rc = status < 0 ? -1 : status != 200 ? reply_error(status, &r.small, err) : 0;
    if (rc == 0 && lhv1_s3_page_end(*page) < 0)
        rc = lhv1_s3_page_oom(*page) ? lhv1_store_oom(err, "listing")
                                      : lhv1_store_fail(err, LHV1_STORE_FAILED, 200,
                                                        "listing page: %s",
                                                        lhv1_s3_page_error(*page));
    lhv1_buf_free(&p);
    lhv1_buf_free(&r.small);
    return rc;
}

static const lhv1_store_ops s3_ops;

int lhv1_s3_list(lhv1_store *st, lhv1_bytes prefix, lhv1_key_list *keys, lhv1_key_list *outside,
                 lhv1_store_err *err)
{
    if (st->ops != &s3_ops)
        return lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "not an S3 client store");
    listing l = {.s = (s3_store *)st, .prefix = prefix, .keys = keys, .outside = outside};
    l.deadline_ms = now_ms() + l.s->listing_timeout_ms;
    lhv1_buf token;
    lhv1_buf_init(&token);
    int rc = 0;
    for (;;) {
        lhv1_s3_page *page = NULL;
        rc = get_page(&l, (lhv1_bytes){token.data, token.len}, &page, err);
        if (rc == 0)
            rc = take_page(&l, page, err);
        int more = rc == 0 && lhv1_s3_page_truncated(page);
        if (more) {
            lhv1_bytes t = lhv1_s3_page_token(page);
            lhv1_buf_reset(&token);
            if (lhv1_buf_append(&token, t.data, t.len) < 0)
                rc = lhv1_store_oom(err, "listing");
        }
        lhv1_s3_page_free(page);
        if (rc < 0 || !more)
            break;
    }
    if (rc == 0)
        lhv1_store_err_ok(err);
    tdestroy(l.seen_keys, lhv1_free);
    tdestroy(l.seen_tokens, lhv1_free);
    lhv1_buf_free(&token);
    return rc;
}

static int s3_list(lhv1_store *st, lhv1_bytes prefix, lhv1_key_list *out, lhv1_store_err *err)
{
    lhv1_key_list outside;
    lhv1_key_list_init(&outside);
    int rc = lhv1_s3_list(st, prefix, out, &outside, err);
    if (rc == 0 && outside.n)
        rc = lhv1_store_fail(err, LHV1_STORE_FAILED, 200,
                             "listing: the server listed %zu keys outside the prefix", outside.n);
    lhv1_key_list_free(&outside);
    return rc;
}

static void s3_destroy(lhv1_store *st)
{
    s3_store *s = (s3_store *)st;
    curl_easy_cleanup(s->curl);
    lhv1_free(s->endpoint);
    lhv1_free(s->bucket);
    lhv1_free(s->userpwd);
    lhv1_free(s->sigv4);
    lhv1_free(s);
}

static const lhv1_store_ops s3_ops = {"s3",       s3_put,     s3_get,        s3_del,
                                      s3_list,    s3_destroy, s3_get_version, s3_put_if};

lhv1_store *lhv1_s3_store_new(const lhv1_s3_config *cfg, lhv1_store_err *err)
{
    if (!cfg->endpoint || strncmp(cfg->endpoint, "http", 4) || !cfg->bucket || !cfg->bucket[0] ||
        strchr(cfg->bucket, '/')) {
        lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "an endpoint http(s)://HOST:PORT and a bucket are needed");
        return NULL;
    }
    static int global;
    if (!global++)
        curl_global_init(CURL_GLOBAL_DEFAULT);
    /* libcurl's handle fails only when its memory does. */
    s3_store *s = lhv1_calloc(1, sizeof *s);
    if (!s || !(s->curl = curl_easy_init())) {
        lhv1_free(s);
        lhv1_store_oom(err, "S3 client");
        return NULL;
    }
    s->base.ops = &s3_ops;
    s->endpoint = lhv1_strdup(cfg->endpoint);
    s->bucket = lhv1_strdup(cfg->bucket);
    if (!s->endpoint || !s->bucket) {
        s3_destroy(&s->base);
        lhv1_store_oom(err, "S3 client");
        return NULL;
    }
    size_t el = strlen(s->endpoint);
    while (el && s->endpoint[el - 1] == '/')
        s->endpoint[--el] = 0;
    s->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 30000;
    s->max_object = cfg->max_object ? cfg->max_object : LHV1_S3_MAX_OBJECT_DEFAULT;
    if (s->max_object > SIZE_MAX - 1)
        s->max_object = SIZE_MAX - 1;
    s->max_keys = cfg->max_keys ? cfg->max_keys : LHV1_S3_MAX_KEYS_DEFAULT;
    s->listing_timeout_ms =
        cfg->listing_timeout_ms > 0 ? cfg->listing_timeout_ms : LHV1_S3_LISTING_TIMEOUT_DEFAULT;
    s->charge = cfg->charge;
    s->exchange = cfg->exchange;
    s->cancel = cfg->cancel;
    if (cfg->access_key && cfg->secret_key) {
        size_t n = strlen(cfg->access_key) + strlen(cfg->secret_key) + 2;
        s->userpwd = lhv1_malloc(n);
        if (s->userpwd)
            snprintf(s->userpwd, n, "%s:%s", cfg->access_key, cfg->secret_key);
        const char *region = cfg->region ? cfg->region : "us-east-1";
        n = strlen(region) + 32;
        s->sigv4 = lhv1_malloc(n);
        if (s->sigv4)
            snprintf(s->sigv4, n, "aws:amz:%s:s3", region);
        if (!s->userpwd || !s->sigv4) {
            s3_destroy(&s->base);
            lhv1_store_oom(err, "S3 client");
            return NULL;
        }
    }
    return &s->base;
}

int lhv1_s3_parse_url(const char *url, char **bucket, const char **key)
{
    *bucket = NULL;
    *key = NULL;
    if (strncmp(url, "s3://", 5) || url[5] == '/' || !url[5])
        return -1;
    char *copy = lhv1_strdup(url + 5);
    if (!copy)
        return -2;
    char *slash = strchr(copy, '/');
    if (slash) {
        *slash = 0;
        *key = slash + 1;
    } else {
        *key = copy + strlen(copy);
    }
    *bucket = copy;
    return 0;
}

void lhv1_s3_url_free(char *bucket)
{
    lhv1_free(bucket);
}

lhv1_store *lhv1_s3_store_from_env(const lhv1_s3_config *base, lhv1_store_err *err)
{
    lhv1_s3_config cfg = *base;
    cfg.access_key = getenv("AWS_ACCESS_KEY_ID");
    cfg.secret_key = getenv("AWS_SECRET_ACCESS_KEY");
    cfg.region = getenv("AWS_REGION");
    return lhv1_s3_store_new(&cfg, err);
}
