/* AWS Signature Version 4 verification (sigv4.h): header-signed requests,
 * aws-chunked chunk and trailer signatures. SHA-256 and HMAC-SHA-256 come
 * from libsodium; the text is read by sigv4_parse.c. */
#include "sigv4.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws_chunked.h"
#include "checksums.h"
#include "serve.h"
#include "sigv4_parse.h"

static const char empty_sha[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

int sigv4_payload_of(const char *v)
{
    static const struct {
        const char *name;
        sigv4_payload kind;
    } named[] = {
        {"UNSIGNED-PAYLOAD", SIGV4_PAYLOAD_UNSIGNED},
        {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", SIGV4_PAYLOAD_STREAMING_SIGNED},
        {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", SIGV4_PAYLOAD_STREAMING_SIGNED_TRAILER},
        {"STREAMING-UNSIGNED-PAYLOAD-TRAILER", SIGV4_PAYLOAD_STREAMING_UNSIGNED_TRAILER},
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcmp(v, named[i].name))
            return (int)named[i].kind;
    if (strlen(v) == 64 && strspn(v, "0123456789abcdef") == 64)
        return SIGV4_PAYLOAD_HEX;
    return -1;
}

static void hmac(const uint8_t *key, size_t kl, const char *msg, size_t n, uint8_t out[32])
{
    serve_hmac_sha256(key, kl, (const uint8_t *)msg, n, out);
}

/* HMAC of the string to sign "ALGO\nDATE\nSCOPE\nTAIL" as hex. */
static void sign(const sigv4_verified *v, const char *algo, const char *tail, char out[65])
{
    lhv1_buf s;
    lhv1_buf_init(&s);
    lhv1_buf_printf(&s, "%s\n%s\n%s\n%s", algo, v->amz_date, v->scope, tail);
    uint8_t mac[32];
    hmac(v->signing_key, 32, s.failed ? "" : (const char *)s.data, s.failed ? 0 : s.len, mac);
    serve_hex(mac, 32, out);
    lhv1_buf_free(&s);
}

static int same_sig(const char *a, const char *b)
{
    return strlen(a) == 64 && strlen(b) == 64 && sodium_memcmp(a, b, 64) == 0;
}

/* --- the header pass ------------------------------------------------- */

/* What one pass over the request's headers finds. */
typedef struct header_scan {
    const sigv4_authz *authz;  /* NULL in the first pass */
    int n_authorization, n_date, n_sha;
    char unsigned_amz[64];     /* the first x-amz-* header not signed */
} header_scan;

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    (void)value;
    header_scan *h = cls;
    if (!strcasecmp(key, "Authorization"))
        h->n_authorization++;
    else if (!strcasecmp(key, "x-amz-date"))
        h->n_date++;
    else if (!strcasecmp(key, "x-amz-content-sha256"))
        h->n_sha++;
    if (h->authz && !h->unsigned_amz[0] && !strncasecmp(key, "x-amz-", 6)) {
        char lower[SIGV4_NAME_MAX];
        size_t n = strlen(key);
        if (n >= sizeof lower) {
            snprintf(h->unsigned_amz, sizeof h->unsigned_amz, "%.40s...", key);
            return MHD_YES;
        }
        for (size_t i = 0; i <= n; i++)
            lower[i] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
        if (!sigv4_is_signed(h->authz, lower))
            snprintf(h->unsigned_amz, sizeof h->unsigned_amz, "%s", lower);
    }
    return MHD_YES;
}

/* Every value of one header, in order, canonical, joined by ','. */
typedef struct header_join {
    const char *name;
    lhv1_buf *out;
    int n;
} header_join;

static enum MHD_Result join_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    header_join *j = cls;
    if (strcasecmp(key, j->name))
        return MHD_YES;
    if (j->n++)
        lhv1_buf_putc(j->out, ',');
    sigv4_header_value(j->out, value ? value : "", value ? strlen(value) : 0);
    return MHD_YES;
}

/* The canonical request; -1 when a signed header is absent. */
static int canonical_request(serve_request *q, const sigv4_authz *a, const char *query,
                             const char *payload, lhv1_buf *c)
{
    lhv1_buf_printf(c, "%s\n", q->method);
    /* S3 signs the path as the client encoded it, unnormalised. */
    lhv1_buf_puts(c, q->raw_url);
    lhv1_buf_putc(c, '\n');
    if (query && sigv4_canonical_query(query, strlen(query), c) < 0)
        return -1;
    lhv1_buf_putc(c, '\n');
    for (size_t i = 0; i < a->n_signed; i++) {
        lhv1_buf_printf(c, "%s:", a->names[i]);
        header_join j = {a->names[i], c, 0};
        MHD_get_connection_values(q->conn, MHD_HEADER_KIND, join_header, &j);
        if (!j.n)
            return -2;
        lhv1_buf_putc(c, '\n');
    }
    lhv1_buf_printf(c, "\n%s\n%s", a->signed_headers, payload);
    return c->failed ? -1 : 0;
}

static int query_signed(const serve_request *q);

int sigv4_is_presigned(const serve_request *q)
{
    return !serve_header(q, "Authorization") && query_signed(q);
}

static int query_signed(const serve_request *q)
{
    /* Presigned URLs carry X-Amz-Signature (any case after decoding is
     * the client's business; the raw names are what they send). */
    const char *p = q->raw_query;
    return p && (strstr(p, "X-Amz-Signature=") || strstr(p, "X-Amz-Credential=") ||
                 strstr(p, "X-Amz-Algorithm="));
}

/* --- presigned URLs (query-string authentication) -------------------- */

typedef struct presigned presigned;
static int check_signature(serve_request *q, const char *key, const char *secret,
                           sigv4_verified *v, serve_reply *r, presigned *pre);

/* What a presigned URL's X-Amz-* parameters say, the credential,
 * SignedHeaders and Signature as an Authorization value (so one parser
 * reads both forms). */
struct presigned {
    char authorization[SIGV4_MAX_SIGNED * SIGV4_NAME_MAX + 512];
    char amz_date[17];   /* YYYYMMDDTHHMMSSZ (longer: refused) */
    int64_t expires;     /* seconds, 1 to SIGV4_PRESIGN_MAX_EXPIRES */
    char payload[65];    /* X-Amz-Content-Sha256, or UNSIGNED-PAYLOAD */
    lhv1_buf query;      /* the raw query without X-Amz-Signature: what was signed */
};

#define SIGV4_PRESIGN_MAX_EXPIRES 604800 /* S3: seven days */

static int query_error(serve_reply *r, const serve_request *q, const char *msg)
{
    serve_reply_error(r, q, 400, "AuthorizationQueryParametersError", "%s", msg);
    return -1;
}

/* The raw query with every X-Amz-Signature parameter left out. */
static void without_signature(const char *raw, lhv1_buf *out)
{
    static const char sig[] = "X-Amz-Signature";
    const char *p = raw;
    int first = 1;
    while (*p) {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t nl = eq ? (size_t)(eq - p) : n;
        if (!(nl == sizeof sig - 1 && !memcmp(p, sig, nl))) {
            if (!first)
                lhv1_buf_putc(out, '&');
            lhv1_buf_append(out, p, n);
            first = 0;
        }
        p += n + (end ? 1 : 0);
    }
    lhv1_buf_putc(out, 0);
    out->len--;
}

/* Reads a presigned URL's parameters: 0, or -1 with `r` filled (400
 * AuthorizationQueryParametersError for a missing or malformed one). */
static int read_presigned(serve_request *q, presigned *p, serve_reply *r)
{
    char algo[32], cred[256], sh[SIGV4_MAX_SIGNED * SIGV4_NAME_MAX], sig[80], exp[24];
    if (serve_query(q, "X-Amz-Algorithm", algo, sizeof algo) != 1 ||
        serve_query(q, "X-Amz-Credential", cred, sizeof cred) != 1 ||
        serve_query(q, "X-Amz-Date", p->amz_date, sizeof p->amz_date) != 1 ||
        serve_query(q, "X-Amz-Expires", exp, sizeof exp) != 1 ||
        serve_query(q, "X-Amz-SignedHeaders", sh, sizeof sh) != 1 ||
        serve_query(q, "X-Amz-Signature", sig, sizeof sig) != 1)
        return query_error(r, q,
                           "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                           "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                           "and X-Amz-Expires parameters.");
    if (strcmp(algo, "AWS4-HMAC-SHA256"))
        return query_error(r, q, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
    char *end;
    long long e = strtoll(exp, &end, 10);
    if (!exp[0] || *end || exp[0] == '-' || exp[0] == '+')
        return query_error(r, q, "X-Amz-Expires should be a number");
    if (e < 1)
        return query_error(r, q, "X-Amz-Expires must be non-negative");
    if (e > SIGV4_PRESIGN_MAX_EXPIRES)
        return query_error(r, q, "X-Amz-Expires must be less than a week (in seconds) that is "
                                 "604800");
    p->expires = e;
    int got = serve_query(q, "X-Amz-Content-Sha256", p->payload, sizeof p->payload);
    if (got < 0)
        return query_error(r, q, "X-Amz-Content-Sha256 is too long");
    if (!got)
        snprintf(p->payload, sizeof p->payload, "UNSIGNED-PAYLOAD");
    snprintf(p->authorization, sizeof p->authorization,
             "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=%s, Signature=%s", cred, sh, sig);
    without_signature(q->raw_query, &p->query);
    if (p->query.failed) {
        serve_reply_error(r, q, 500, "InternalError", "out of memory");
        return -1;
    }
    return 0;
}

int sigv4_check_headers(serve_request *q, const char *key, const char *secret,
                        sigv4_verified *v, serve_reply *r)
{
    presigned pre;
    lhv1_buf_init(&pre.query);
    int rc = check_signature(q, key, secret, v, r, &pre);
    lhv1_buf_free(&pre.query);
    return rc;
}

static int check_signature(serve_request *q, const char *key, const char *secret,
                           sigv4_verified *v, serve_reply *r, presigned *pre)
{
    const serve_limits *lim = &q->srv->cfg.lim;
    memset(v, 0, sizeof *v);
    header_scan h;
    memset(&h, 0, sizeof h);
    MHD_get_connection_values(q->conn, MHD_HEADER_KIND, scan_header, &h);
    const char *auth = serve_header(q, "Authorization");
    int is_presigned = !auth && query_signed(q);
    if (auth && query_signed(q)) {
        serve_reply_error(r, q, 400, "InvalidArgument",
                          "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                          "parameter, Signature query string parameter or the Authorization "
                          "header should be specified");
        return -1;
    }
    if (is_presigned) {
        if (read_presigned(q, pre, r) < 0)
            return -1;
        auth = pre->authorization;
    }
    if (!auth) {
        serve_reply_error(r, q, 403, "AccessDenied", "Access Denied: the request is not signed");
        return -1;
    }
    if (h.n_authorization > 1 || h.n_date > 1 || h.n_sha > 1) {
        serve_reply_error(r, q, 400, "InvalidArgument",
                          "Authorization, x-amz-date and x-amz-content-sha256 may each be sent "
                          "once");
        return -1;
    }
    sigv4_authz a;
    char why[160];
    if (sigv4_parse_authorization(auth, &a, why, sizeof why) < 0) {
        if (is_presigned)
            return query_error(r, q, why);
        serve_reply_error(r, q, 400, "AuthorizationHeaderMalformed", "%s", why);
        return -1;
    }
    if (strlen(a.key_id) != strlen(key) ||
        sodium_memcmp(a.key_id, key, strlen(key)) != 0) {
        serve_reply_error(r, q, 403, "InvalidAccessKeyId",
                          "The AWS Access Key Id you provided does not exist in our records.");
        return -1;
    }
    const char *amz_date = is_presigned ? pre->amz_date : serve_header(q, "x-amz-date");
    int64_t t;
    if (!amz_date || sigv4_parse_amz_date(amz_date, &t) < 0) {
        if (is_presigned)
            return query_error(r, q, "X-Amz-Date must be in the ISO8601 Long Format "
                                     "\"yyyyMMdd'T'HHmmss'Z'\"");
        serve_reply_error(r, q, 403, "AccessDenied",
                          "AWS authentication requires a valid x-amz-date header "
                          "(YYYYMMDDTHHMMSSZ; the Date header is not read)");
        return -1;
    }
    int64_t now = (int64_t)time(NULL);
    if (is_presigned && t > now + lim->max_skew) {
        serve_reply_error(r, q, 403, "AccessDenied", "Request is not valid yet");
        return -1;
    }
    if (is_presigned && now > t + pre->expires) {
        serve_reply_error(r, q, 403, "AccessDenied", "Request has expired");
        return -1;
    }
    if (!is_presigned && (t > now + lim->max_skew || t < now - lim->max_skew)) {
        serve_reply_error(r, q, 403, "RequestTimeTooSkewed",
                          "The difference between the request time (%s) and the current time "
                          "is too large (more than %u s).",
                          amz_date, lim->max_skew);
        return -1;
    }
    if (memcmp(a.date, amz_date, 8)) {
        serve_reply_error(r, q, 400, "AuthorizationHeaderMalformed",
                          "Invalid credential date. Date is not the same as X-Amz-Date.");
        return -1;
    }
    if (strcmp(a.region, lim->region)) {
        serve_reply_error(r, q, 400, "AuthorizationHeaderMalformed",
                          "the region '%s' is wrong; expecting '%s'", a.region, lim->region);
        return -1;
    }
    if (strcmp(a.service, "s3")) {
        serve_reply_error(r, q, 400, "AuthorizationHeaderMalformed",
                          "incorrect service '%s'; this endpoint belongs to 's3'", a.service);
        return -1;
    }
    if (!sigv4_is_signed(&a, "host")) {
        serve_reply_error(r, q, 403, "AccessDenied", "the host header must be signed");
        return -1;
    }
    h.authz = &a;
    MHD_get_connection_values(q->conn, MHD_HEADER_KIND, scan_header, &h);
    if (h.unsigned_amz[0]) {
        serve_reply_error(r, q, 403, "AccessDenied",
                          "There were headers present in the request which were not signed: %s",
                          h.unsigned_amz);
        return -1;
    }
    const char *payload = is_presigned ? pre->payload : serve_header(q, "x-amz-content-sha256");
    if (!payload) {
        serve_reply_error(r, q, 400, "InvalidRequest",
                          "Missing required header for this request: x-amz-content-sha256");
        return -1;
    }
    int kind = sigv4_payload_of(payload);
    if (kind < 0) {
        serve_reply_error(r, q, 400, "InvalidArgument",
                          "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                          "STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], "
                          "STREAMING-UNSIGNED-PAYLOAD-TRAILER or a SHA-256 in hex");
        return -1;
    }
    if (kind >= SIGV4_PAYLOAD_STREAMING_SIGNED && strcmp(q->method, "PUT")) {
        serve_reply_error(r, q, 400, "InvalidRequest", "a streaming payload is a PUT's only");
        return -1;
    }
    lhv1_buf c;
    lhv1_buf_init(&c);
    int crc = canonical_request(q, &a, is_presigned ? (const char *)pre->query.data : q->raw_query,
                                payload, &c);
    if (crc < 0) {
        lhv1_buf_free(&c);
        if (crc == -2)
            serve_reply_error(r, q, 403, "SignatureDoesNotMatch",
                              "a header named in SignedHeaders is not in the request");
        else
            serve_reply_error(r, q, 400, "InvalidArgument",
                              "the query string has a bad escape or too many parameters");
        return -1;
    }
    snprintf(v->amz_date, sizeof v->amz_date, "%s", amz_date);
    snprintf(v->scope, sizeof v->scope, "%s/%s/%s/aws4_request", a.date, a.region, a.service);
    size_t sl = strlen(secret);
    uint8_t *k0 = malloc(sl + 4);
    if (!k0) {
        lhv1_buf_free(&c);
        serve_reply_oom(r, q, "signature");
        return -1;
    }
    memcpy(k0, "AWS4", 4);
    memcpy(k0 + 4, secret, sl);
    uint8_t kd[32], kr[32], ks[32];
    hmac(k0, sl + 4, a.date, 8, kd);
    sodium_memzero(k0, sl + 4);
    free(k0);
    hmac(kd, 32, a.region, strlen(a.region), kr);
    hmac(kr, 32, a.service, strlen(a.service), ks);
    hmac(ks, 32, "aws4_request", 12, v->signing_key);
    uint8_t hc[32];
    char hex[65], want[65];
    serve_sha256(c.data, c.len, hc);
    serve_hex(hc, 32, hex);
    lhv1_buf_free(&c);
    sign(v, "AWS4-HMAC-SHA256", hex, want);
    if (!same_sig(want, a.signature)) {
        serve_reply_error(r, q, 403, "SignatureDoesNotMatch",
                          "The request signature we calculated does not match the signature "
                          "you provided.");
        return -1;
    }
    memcpy(v->seed, a.signature, sizeof v->seed);
    v->payload = (sigv4_payload)kind;
    if (kind == SIGV4_PAYLOAD_HEX)
        snprintf(v->payload_hash, sizeof v->payload_hash, "%s", payload);
    return 0;
}

/* Each hex x-amz-content-sha256 of a request (unsigned, a client may send
 * more than one: every one is checked), against the body's SHA-256,
 * computed once. */
typedef struct payload_scan {
    serve_request *q;
    char hex[65]; /* empty until computed */
    int mismatch;
} payload_scan;

static enum MHD_Result check_one_payload(void *cls, enum MHD_ValueKind kind, const char *key,
                                         const char *value)
{
    (void)kind;
    payload_scan *p = cls;
    if (strcasecmp(key, "x-amz-content-sha256") || !value ||
        sigv4_payload_of(value) != SIGV4_PAYLOAD_HEX)
        return MHD_YES;
    if (!p->hex[0]) {
        uint8_t d[32];
        serve_sha256(p->q->body.data, p->q->body.len, d);
        serve_hex(d, 32, p->hex);
    }
    p->mismatch = strcmp(p->hex, value) != 0;
    return p->mismatch ? MHD_NO : MHD_YES;
}

int sigv4_check_payload(serve_request *q, serve_reply *r)
{
    payload_scan p = {q, "", 0};
    MHD_get_connection_values(q->conn, MHD_HEADER_KIND, check_one_payload, &p);
    if (p.mismatch) {
        serve_reply_error(r, q, 400, "XAmzContentSHA256Mismatch",
                          "The provided 'x-amz-content-sha256' header does not match what was "
                          "computed.");
        return -1;
    }
    return 0;
}

int sigv4_check_chunks(serve_request *q, const aws_chunked *c, serve_reply *r)
{
    const sigv4_verified *v = q->auth;
    if (!v || (v->payload != SIGV4_PAYLOAD_STREAMING_SIGNED &&
               v->payload != SIGV4_PAYLOAD_STREAMING_SIGNED_TRAILER))
        return 0;
    char prev[65];
    memcpy(prev, v->seed, sizeof prev);
    for (size_t i = 0; i < c->n_sigs; i++) {
        uint8_t h[32];
        char hex[65], tail[300], want[65];
        serve_sha256(c->payload.data + c->sigs[i].off, c->sigs[i].len, h);
        serve_hex(h, 32, hex);
        snprintf(tail, sizeof tail, "%s\n%s\n%s", prev, empty_sha, hex);
        sign(v, "AWS4-HMAC-SHA256-PAYLOAD", tail, want);
        if (!same_sig(want, c->sigs[i].sig)) {
            serve_reply_error(r, q, 403, "SignatureDoesNotMatch",
                              "chunk %zu: the chunk signature is missing or does not match", i);
            return -1;
        }
        memcpy(prev, want, sizeof prev);
    }
    const char *tsig = aws_chunked_trailer(c, "x-amz-trailer-signature");
    if (v->payload == SIGV4_PAYLOAD_STREAMING_SIGNED) {
        if (c->n_trailers) {
            serve_reply_error(r, q, 400, "InvalidRequest",
                              "STREAMING-AWS4-HMAC-SHA256-PAYLOAD carries no trailer");
            return -1;
        }
        return 0;
    }
    /* -TRAILER: "name:value\n" of every trailer but the signature, hashed,
     * signed after the last chunk's signature. */
    lhv1_buf t;
    lhv1_buf_init(&t);
    for (size_t i = 0; i < c->n_trailers; i++)
        if (strcmp(c->trailer_name[i], "x-amz-trailer-signature"))
            lhv1_buf_printf(&t, "%s:%s\n", c->trailer_name[i], c->trailer_value[i]);
    uint8_t h[32];
    char hex[65], tail[200], want[65];
    serve_sha256(t.data, t.len, h);
    int oom = t.failed;
    lhv1_buf_free(&t);
    serve_hex(h, 32, hex);
    snprintf(tail, sizeof tail, "%s\n%s", prev, hex);
    sign(v, "AWS4-HMAC-SHA256-TRAILER", tail, want);
    if (oom || !tsig || !same_sig(want, tsig)) {
        serve_reply_error(r, q, 403, "SignatureDoesNotMatch",
                          "the trailer signature is missing or does not match");
        return -1;
    }
    return 0;
}
