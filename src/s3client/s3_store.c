/* The S3 client store (see s3_store.h). */
#define _GNU_SOURCE /* memmem */
#include "s3_store.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct s3_store {
    lhv1_store base;
    CURL *curl; /* reused: keeps the connection alive between requests */
    char *endpoint, *bucket, *userpwd, *sigv4;
    long timeout_ms;
} s3_store;

static size_t on_body(char *p, size_t size, size_t n, void *cls)
{
    return lhv1_buf_append(cls, p, size * n) < 0 ? 0 : size * n;
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

/* The S3 error code of an XML error body, into code. */
static void error_code(const lhv1_buf *body, char *code, size_t n)
{
    code[0] = 0;
    if (!body->data)
        return;
    const char *p = memmem(body->data, body->len, "<Code>", 6);
    if (!p)
        return;
    p += 6;
    const char *e = memmem(p, body->len - (size_t)(p - (const char *)body->data), "</Code>", 7);
    if (!e || (size_t)(e - p) >= n)
        return;
    memcpy(code, p, (size_t)(e - p));
    code[e - p] = 0;
}

/* One request. Returns the HTTP status, or -1 with err filled on a
 * transport error. */
static long request(s3_store *s, const char *method, const lhv1_buf *path, lhv1_bytes body,
                    lhv1_buf *out, lhv1_store_err *err)
{
    CURL *c = s->curl;
    curl_easy_reset(c);
    lhv1_buf url;
    lhv1_buf_init(&url);
    lhv1_buf_puts(&url, s->endpoint);
    lhv1_buf_append(&url, path->data, path->len);
    lhv1_buf_putc(&url, 0);
    if (url.failed) {
        lhv1_buf_free(&url);
        lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "out of memory");
        return -1;
    }
    curl_easy_setopt(c, CURLOPT_URL, (char *)url.data);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (s->userpwd) {
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, s->sigv4);
        curl_easy_setopt(c, CURLOPT_USERPWD, s->userpwd);
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
            lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "out of memory");
            return -1;
        }
        h = n;
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    }
    if (!strcmp(method, "PUT")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data ? (const char *)body.data : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    lhv1_buf_free(&url);
    if (rc != CURLE_OK) {
        /* A reset, a body shorter than its Content-Length, a timeout: the
         * store failed; what the server may have done is unknown. */
        lhv1_store_fail(err, LHV1_STORE_FAILED, (int)status, "%s %s: %s", method,
                        s->bucket, curl_easy_strerror(rc));
        return -1;
    }
    if (out->failed) {
        lhv1_store_fail(err, LHV1_STORE_FAILED, (int)status, "out of memory");
        return -1;
    }
    return status;
}

static void object_path(s3_store *s, lhv1_bytes key, lhv1_buf *p)
{
    lhv1_buf_putc(p, '/');
    lhv1_buf_puts(p, s->bucket);
    lhv1_buf_putc(p, '/');
    path_escape(p, key.data, key.len, 1);
}

/* A non-2xx reply as a store error: only NoSuchKey is NOT_FOUND. */
static int reply_error(long status, const lhv1_buf *body, lhv1_store_err *err)
{
    char code[64];
    error_code(body, code, sizeof code);
    if (status == 404 && !strcmp(code, "NoSuchKey"))
        return lhv1_store_fail(err, LHV1_STORE_NOT_FOUND, 404, "NoSuchKey");
    return lhv1_store_fail(err, LHV1_STORE_FAILED, (int)status, "%ld %s: %.*s", status,
                           code[0] ? code : "(no S3 code)",
                           (int)(body->len > 160 ? 160 : body->len),
                           body->data ? (const char *)body->data : "");
}

static int s3_put(lhv1_store *st, lhv1_bytes key, lhv1_bytes body, lhv1_store_err *err)
{
    s3_store *s = (s3_store *)st;
    lhv1_buf p, out;
    lhv1_buf_init(&p);
    lhv1_buf_init(&out);
    object_path(s, key, &p);
    long status = request(s, "PUT", &p, body, &out, err);
    int rc = status < 0 ? -1 : status / 100 == 2 ? 0 : reply_error(status, &out, err);
    if (rc == 0)
        lhv1_store_err_ok(err);
    lhv1_buf_free(&p);
    lhv1_buf_free(&out);
    return rc;
}

static int s3_get(lhv1_store *st, lhv1_bytes key, lhv1_buf *out, lhv1_store_err *err)
{
    s3_store *s = (s3_store *)st;
    lhv1_buf p, got;
    lhv1_buf_init(&p);
    lhv1_buf_init(&got);
    object_path(s, key, &p);
    long status = request(s, "GET", &p, (lhv1_bytes){NULL, 0}, &got, err);
    int rc;
    if (status < 0) {
        rc = -1;
    } else if (status == 200) {
        lhv1_buf_reset(out);
        rc = lhv1_buf_append(out, got.data, got.len) < 0
                 ? lhv1_store_fail(err, LHV1_STORE_FAILED, 507, "out of memory")
                 : 0;
        if (rc == 0)
            lhv1_store_err_ok(err);
    } else {
        rc = reply_error(status, &got, err);
    }
    lhv1_buf_free(&p);
    lhv1_buf_free(&got);
    return rc;
}

static int s3_del(lhv1_store *st, lhv1_bytes key, lhv1_store_err *err)
{
    s3_store *s = (s3_store *)st;
    lhv1_buf p, out;
    lhv1_buf_init(&p);
    lhv1_buf_init(&out);
    object_path(s, key, &p);
    long status = request(s, "DELETE", &p, (lhv1_bytes){NULL, 0}, &out, err);
    int rc = status < 0 ? -1 : status / 100 == 2 ? 0 : reply_error(status, &out, err);
    if (rc == 0)
        lhv1_store_err_ok(err);
    lhv1_buf_free(&p);
    lhv1_buf_free(&out);
    return rc;
}

/* The text of each <tag>...</tag> in order; keys come URL-encoded
 * (encoding-type=url), so they hold no XML markup or entity. */
static int each_tag(const lhv1_buf *xml, const char *tag, int (*fn)(void *, const char *, size_t),
                    void *cls)
{
    char open[64], close[64];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *p = (const char *)xml->data, *end = p + xml->len;
    while (p && p < end) {
        const char *a = memmem(p, (size_t)(end - p), open, strlen(open));
        if (!a)
            break;
        a += strlen(open);
        const char *b = memmem(a, (size_t)(end - a), close, strlen(close));
        if (!b)
            return -1;
        if (fn(cls, a, (size_t)(b - a)) < 0)
            return -1;
        p = b + strlen(close);
    }
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int push_key(void *cls, const char *s, size_t n)
{
    lhv1_buf k;
    lhv1_buf_init(&k);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            lhv1_buf_putc(&k, (uint8_t)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else if (s[i] == '%') {
            lhv1_buf_free(&k);
            return -1;
        } else {
            lhv1_buf_putc(&k, (uint8_t)s[i]);
        }
    }
    int rc = k.failed ? -1 : lhv1_key_list_push(cls, (lhv1_bytes){k.data, k.len});
    lhv1_buf_free(&k);
    return rc;
}

static int copy_token(void *cls, const char *s, size_t n)
{
    lhv1_buf *t = cls;
    lhv1_buf_reset(t);
    return lhv1_buf_append(t, s, n);
}

static int s3_list(lhv1_store *st, lhv1_bytes prefix, lhv1_key_list *out, lhv1_store_err *err)
{
    s3_store *s = (s3_store *)st;
    lhv1_buf token, p, xml;
    lhv1_buf_init(&token);
    lhv1_buf_init(&p);
    lhv1_buf_init(&xml);
    int rc = 0;
    for (int page = 0; rc == 0; page++) {
        lhv1_buf_reset(&p);
        lhv1_buf_reset(&xml);
        /* Parameters in sorted order and fully escaped: libcurl 7.88 signs
         * the query as written, SigV4 verifiers canonicalise it. */
        lhv1_buf_printf(&p, "/%s?", s->bucket);
        if (token.len) {
            lhv1_buf_puts(&p, "continuation-token=");
            path_escape(&p, token.data, token.len, 0);
            lhv1_buf_putc(&p, '&');
        }
        lhv1_buf_puts(&p, "encoding-type=url&list-type=2&prefix=");
        path_escape(&p, prefix.data, prefix.len, 0);
        long status = request(s, "GET", &p, (lhv1_bytes){NULL, 0}, &xml, err);
        if (status < 0) {
            rc = -1;
            break;
        }
        if (status != 200) {
            rc = reply_error(status, &xml, err);
            break;
        }
        if (each_tag(&xml, "Key", push_key, out) < 0) {
            rc = lhv1_store_fail(err, LHV1_STORE_FAILED, 200, "listing: a key is malformed");
            break;
        }
        int truncated = xml.data && memmem(xml.data, xml.len, "<IsTruncated>true<", 18) != NULL;
        lhv1_buf_reset(&token);
        each_tag(&xml, "NextContinuationToken", copy_token, &token);
        if (!truncated)
            break;
        if (!token.len || page > 1000000) {
            rc = lhv1_store_fail(err, LHV1_STORE_FAILED, 200, "listing: truncated without a token");
            break;
        }
    }
    if (rc == 0)
        lhv1_store_err_ok(err);
    lhv1_buf_free(&token);
    lhv1_buf_free(&p);
    lhv1_buf_free(&xml);
    return rc;
}

static void s3_destroy(lhv1_store *st)
{
    s3_store *s = (s3_store *)st;
    curl_easy_cleanup(s->curl);
    free(s->endpoint);
    free(s->bucket);
    free(s->userpwd);
    free(s->sigv4);
    free(s);
}

static const lhv1_store_ops s3_ops = {"s3", s3_put, s3_get, s3_del, s3_list, s3_destroy};

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
    s3_store *s = calloc(1, sizeof *s);
    if (!s || !(s->curl = curl_easy_init())) {
        free(s);
        lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "out of memory");
        return NULL;
    }
    s->base.ops = &s3_ops;
    s->endpoint = strdup(cfg->endpoint);
    size_t el = strlen(s->endpoint);
    while (el && s->endpoint[el - 1] == '/')
        s->endpoint[--el] = 0;
    s->bucket = strdup(cfg->bucket);
    s->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 30000;
    if (cfg->access_key && cfg->secret_key) {
        size_t n = strlen(cfg->access_key) + strlen(cfg->secret_key) + 2;
        s->userpwd = malloc(n);
        if (s->userpwd)
            snprintf(s->userpwd, n, "%s:%s", cfg->access_key, cfg->secret_key);
        const char *region = cfg->region ? cfg->region : "us-east-1";
        n = strlen(region) + 32;
        s->sigv4 = malloc(n);
        if (s->sigv4)
            snprintf(s->sigv4, n, "aws:amz:%s:s3", region);
        if (!s->userpwd || !s->sigv4) {
            s3_destroy(&s->base);
            lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "out of memory");
            return NULL;
        }
    }
    if (!s->endpoint || !s->bucket) {
        s3_destroy(&s->base);
        lhv1_store_fail(err, LHV1_STORE_FAILED, 0, "out of memory");
        return NULL;
    }
    return &s->base;
}

int lhv1_s3_parse_url(const char *url, char **bucket, const char **key)
{
    *bucket = NULL;
    *key = NULL;
    if (strncmp(url, "s3://", 5))
        return -1;
    char *copy = strdup(url + 5);
    if (!copy)
        return -1;
    char *slash = strchr(copy, '/');
    if (slash) {
        *slash = 0;
        *key = slash + 1;
    } else {
        *key = copy + strlen(copy);
    }
    if (!copy[0]) {
        free(copy);
        return -1;
    }
    *bucket = copy;
    return 0;
}

lhv1_store *lhv1_s3_store_from_env(const char *endpoint, const char *bucket,
                                   lhv1_store_err *err)
{
    lhv1_s3_config cfg = {0};
    cfg.endpoint = endpoint;
    cfg.bucket = bucket;
    cfg.access_key = getenv("AWS_ACCESS_KEY_ID");
    cfg.secret_key = getenv("AWS_SECRET_ACCESS_KEY");
    cfg.region = getenv("AWS_REGION");
    return lhv1_s3_store_new(&cfg, err);
}
