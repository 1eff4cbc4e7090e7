/* AWS Signature Version 4 verification (--auth KEY:SECRET), header-signed
 * requests and aws-chunked chunk signatures. SHA-256 and HMAC-SHA-256 come
 * from libsodium; this file only assembles the canonical texts. */
#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_chunked.h"
#include "checksums.h"
#include "serve.h"

typedef struct sigv4 {
    char key_id[128];
    char date[8 + 1];       /* YYYYMMDD */
    char region[64];
    char service[32];
    char signed_headers[1024];
    char signature[65];
    char amz_date[32];      /* X-Amz-Date */
    char scope[256];
    uint8_t signing_key[32];
} sigv4;

static int field(const char *auth, const char *name, char *out, size_t n)
{
    const char *p = strstr(auth, name);
    if (!p)
        return -1;
    p += strlen(name);
    size_t len = strcspn(p, ", ");
    if (len >= n)
        return -1;
    memcpy(out, p, len);
    out[len] = 0;
    return 0;
}

static void hmac(const uint8_t *key, size_t kl, const char *msg, uint8_t out[32])
{
    serve_hmac_sha256(key, kl, (const uint8_t *)msg, strlen(msg), out);
}

/* Parses the Authorization header and derives the signing key. */
static int parse(serve_request *q, sigv4 *v, serve_reply *r)
{
    memset(v, 0, sizeof *v);
    const char *auth = serve_header(q, "Authorization");
    if (!auth) {
        serve_reply_error(r, q, 403, "AccessDenied", "the request is not signed");
        return -1;
    }
    char cred[512];
    if (strncmp(auth, "AWS4-HMAC-SHA256 ", 17) || field(auth, "Credential=", cred, sizeof cred) ||
        field(auth, "SignedHeaders=", v->signed_headers, sizeof v->signed_headers) ||
        field(auth, "Signature=", v->signature, sizeof v->signature)) {
        serve_reply_error(r, q, 400, "AuthorizationHeaderMalformed",
                          "the Authorization header is not AWS4-HMAC-SHA256 with Credential, "
                          "SignedHeaders and Signature");
        return -1;
    }
    /* KEY/DATE/REGION/SERVICE/aws4_request */
    char *parts[5];
    int n = 0;
    for (char *p = cred, *save = NULL; n < 5 && (p = strtok_r(n ? NULL : p, "/", &save)); n++)
        parts[n] = p;
    if (n != 5 || strcmp(parts[4], "aws4_request") || strlen(parts[1]) != 8 ||
        strlen(parts[2]) >= sizeof v->region || strlen(parts[3]) >= sizeof v->service ||
        strlen(parts[0]) >= sizeof v->key_id) {
        serve_reply_error(r, q, 400, "AuthorizationHeaderMalformed", "bad Credential scope");
        return -1;
    }
    snprintf(v->key_id, sizeof v->key_id, "%s", parts[0]);
    snprintf(v->date, sizeof v->date, "%s", parts[1]);
    snprintf(v->region, sizeof v->region, "%s", parts[2]);
    snprintf(v->service, sizeof v->service, "%s", parts[3]);
    if (strcmp(v->key_id, q->srv->cfg.auth_key)) {
        serve_reply_error(r, q, 403, "InvalidAccessKeyId",
                          "The AWS Access Key Id you provided does not exist in our records.");
        return -1;
    }
    const char *amz_date = serve_header(q, "x-amz-date");
    if (!amz_date || strlen(amz_date) >= sizeof v->amz_date || strncmp(amz_date, v->date, 8)) {
        serve_reply_error(r, q, 403, "AccessDenied", "x-amz-date is missing or not the scope's date");
        return -1;
    }
    snprintf(v->amz_date, sizeof v->amz_date, "%s", amz_date);
    snprintf(v->scope, sizeof v->scope, "%s/%s/%s/aws4_request", v->date, v->region, v->service);
    char k0[300];
    snprintf(k0, sizeof k0, "AWS4%s", q->srv->cfg.auth_secret);
    uint8_t kd[32], kr[32], ks[32];
    hmac((const uint8_t *)k0, strlen(k0), v->date, kd);
    hmac(kd, 32, v->region, kr);
    hmac(kr, 32, v->service, ks);
    hmac(ks, 32, "aws4_request", v->signing_key);
    return 0;
}

/* RFC 3986 encoding as SigV4 wants it: unreserved bytes kept. */
static void uri_encode(lhv1_buf *b, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            lhv1_buf_putc(b, c);
        else
            lhv1_buf_printf(b, "%%%02X", c);
    }
}

typedef struct qarg {
    lhv1_buf k, v;
} qarg;

typedef struct qargs {
    qarg a[64];
    size_t n;
    int bad;
} qargs;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    qargs *qa = cls;
    if (qa->n == 64) {
        qa->bad = 1;
        return MHD_NO;
    }
    qarg *x = &qa->a[qa->n++];
    lhv1_buf_init(&x->k);
    lhv1_buf_init(&x->v);
    lhv1_buf raw;
    lhv1_buf_init(&raw);
    if (serve_unescape(key, strlen(key), &raw) < 0)
        qa->bad = 1;
    uri_encode(&x->k, raw.data, raw.len);
    if (value && serve_unescape(value, strlen(value), &raw) < 0)
        qa->bad = 1;
    if (value)
        uri_encode(&x->v, raw.data, raw.len);
    lhv1_buf_free(&raw);
    return MHD_YES;
}

static int cmp_qarg(const void *x, const void *y)
{
    const qarg *a = x, *b = y;
    int c = lhv1_bytes_cmp((lhv1_bytes){a->k.data, a->k.len}, (lhv1_bytes){b->k.data, b->k.len});
    return c ? c : lhv1_bytes_cmp((lhv1_bytes){a->v.data, a->v.len}, (lhv1_bytes){b->v.data, b->v.len});
}

/* Canonical header value: trimmed, inner runs of spaces collapsed. */
static void header_value(lhv1_buf *b, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == ' ' || v[i] == '\t') {
            space = 1;
            continue;
        }
        if (space)
            lhv1_buf_putc(b, ' ');
        space = 0;
        lhv1_buf_putc(b, (uint8_t)v[i]);
    }
}

static int canonical_request(serve_request *q, const sigv4 *v, lhv1_buf *c)
{
    lhv1_buf_printf(c, "%s\n", q->method);
    const char *qm = strchr(q->raw_url, '?');
    size_t plen = qm ? (size_t)(qm - q->raw_url) : strlen(q->raw_url);
    /* S3 signs the path as the client encoded it, unnormalised. */
    lhv1_buf_append(c, q->raw_url, plen);
    lhv1_buf_putc(c, '\n');
    qargs qa;
    qa.n = 0;
    qa.bad = 0;
    MHD_get_connection_values(q->conn, MHD_GET_ARGUMENT_KIND, collect, &qa);
    qsort(qa.a, qa.n, sizeof qa.a[0], cmp_qarg);
    for (size_t i = 0; i < qa.n; i++) {
        if (i)
            lhv1_buf_putc(c, '&');
        lhv1_buf_append(c, qa.a[i].k.data, qa.a[i].k.len);
        lhv1_buf_putc(c, '=');
        lhv1_buf_append(c, qa.a[i].v.data, qa.a[i].v.len);
        lhv1_buf_free(&qa.a[i].k);
        lhv1_buf_free(&qa.a[i].v);
    }
    lhv1_buf_putc(c, '\n');
    char names[1024];
    snprintf(names, sizeof names, "%s", v->signed_headers);
    for (char *save = NULL, *h = strtok_r(names, ";", &save); h; h = strtok_r(NULL, ";", &save)) {
        const char *val = serve_header(q, h);
        if (!val)
            return -1;
        lhv1_buf_printf(c, "%s:", h);
        header_value(c, val);
        lhv1_buf_putc(c, '\n');
    }
    lhv1_buf_printf(c, "\n%s\n", v->signed_headers);
    const char *payload = serve_header(q, "x-amz-content-sha256");
    if (payload) {
        lhv1_buf_puts(c, payload);
    } else { /* SigV4 proper: the payload's own hash */
        uint8_t h[32];
        char hex[65];
        serve_sha256(q->body.data, q->body.len, h);
        serve_hex(h, 32, hex);
        lhv1_buf_puts(c, hex);
    }
    return qa.bad || c->failed ? -1 : 0;
}

static void sign(const sigv4 *v, const char *algo, const char *tail, char out[65])
{
    lhv1_buf s;
    lhv1_buf_init(&s);
    lhv1_buf_printf(&s, "%s\n%s\n%s\n%s", algo, v->amz_date, v->scope, tail);
    lhv1_buf_putc(&s, 0);
    uint8_t mac[32];
    hmac(v->signing_key, 32, (const char *)s.data, mac);
    serve_hex(mac, 32, out);
    lhv1_buf_free(&s);
}

int sigv4_check(serve_request *q, serve_reply *r)
{
    if (!q->srv->cfg.auth_key)
        return 0;
    sigv4 v;
    if (parse(q, &v, r) < 0)
        return -1;
    lhv1_buf c;
    lhv1_buf_init(&c);
    if (canonical_request(q, &v, &c) < 0) {
        lhv1_buf_free(&c);
        serve_reply_error(r, q, 403, "SignatureDoesNotMatch", "a signed header is missing");
        return -1;
    }
    uint8_t h[32];
    char hex[65], want[65];
    serve_sha256(c.data, c.len, h);
    serve_hex(h, 32, hex);
    lhv1_buf_free(&c);
    sign(&v, "AWS4-HMAC-SHA256", hex, want);
    if (strcmp(want, v.signature)) {
        serve_reply_error(r, q, 403, "SignatureDoesNotMatch",
                          "The request signature we calculated does not match the signature you provided.");
        return -1;
    }
    return 0;
}

int sigv4_check_chunks(serve_request *q, const aws_chunked *c, serve_reply *r)
{
    if (!q->srv->cfg.auth_key)
        return 0;
    sigv4 v;
    if (parse(q, &v, r) < 0)
        return -1;
    static const char empty_sha[] =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    char prev[65];
    snprintf(prev, sizeof prev, "%s", v.signature);
    for (size_t i = 0; i < c->n_sigs; i++) {
        uint8_t h[32];
        char hex[65], tail[300], want[65];
        serve_sha256(c->payload.data + c->sigs[i].off, c->sigs[i].len, h);
        serve_hex(h, 32, hex);
        snprintf(tail, sizeof tail, "%s\n%s\n%s", prev, empty_sha, hex);
        sign(&v, "AWS4-HMAC-SHA256-PAYLOAD", tail, want);
        if (strcmp(want, c->sigs[i].sig)) {
            serve_reply_error(r, q, 403, "SignatureDoesNotMatch",
                              "chunk %zu: the chunk signature does not match", i);
            return -1;
        }
        memcpy(prev, want, sizeof prev);
    }
    return 0;
}
