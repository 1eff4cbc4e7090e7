/* Object headers kept at PUT and given back (stored_headers.h). */
#include "stored_headers.h"

#include "checksums.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define META_PREFIX "x-amz-meta-"
#define META_PREFIX_LEN (sizeof META_PREFIX - 1)

/* The standard headers S3 keeps, as it sends them back, with the GetObject
 * argument that overrides each. */
static const struct {
    const char *name;
    const char *override;
} standard[] = {
    {"Content-Type", "response-content-type"},
    {"Cache-Control", "response-cache-control"},
    {"Expires", "response-expires"},
    {"Content-Disposition", "response-content-disposition"},
    {"Content-Encoding", "response-content-encoding"},
    {"Content-Language", "response-content-language"},
};
#define N_STANDARD (sizeof standard / sizeof standard[0])

typedef struct collect_ctx {
    lhv1_buf *out;
    size_t user_bytes;
} collect_ctx;

/* The one rule for what a kept header may hold, applied at PUT (collect)
 * and when a file's attribute is read back (valid): a value byte is
 * RFC 9110's field-vchar, SP or HTAB (no control character, so nothing can
 * break a reply's line), a name byte its tchar (a name libmicrohttpd built
 * from a folded line holds a space or ':'). */
static int value_byte_ok(uint8_t c)
{
    return (c >= 0x20 && c != 0x7f) || c == '\t';
}

static int name_byte_ok(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

typedef enum blob_fault {
    BLOB_OK,
    BLOB_BAD_NAME,  /* a byte outside tchar, or an empty name */
    BLOB_BAD_VALUE, /* a control character */
    BLOB_TOO_LARGE, /* over STORED_HEADERS_MAX */
    BLOB_MALFORMED, /* not "name\0value\0" pairs */
} blob_fault;

/* The first fault of a blob, naming the pair in *at (its name's offset). */
static blob_fault blob_check(lhv1_bytes blob, size_t *at)
{
    *at = 0;
    if (blob.len > STORED_HEADERS_MAX)
        return BLOB_TOO_LARGE;
    size_t field = 0, start = 0;
    for (size_t i = 0; i < blob.len; i++) {
        uint8_t c = blob.data[i];
        if (c == 0) {
            if (field % 2 == 0 && i == start)
                return *at = start, BLOB_BAD_NAME;
            if (field % 2 == 0)
                *at = start;
            field++;
            start = i + 1;
        } else if (field % 2 == 0 ? !name_byte_ok(c) : !value_byte_ok(c)) {
            if (field % 2 == 0)
                *at = start;
            return field % 2 == 0 ? BLOB_BAD_NAME : BLOB_BAD_VALUE;
        }
    }
    return field % 2 == 0 && start == blob.len ? BLOB_OK : BLOB_MALFORMED;
}

static void put_pair(lhv1_buf *b, const char *name, size_t name_len, const char *value)
{
    lhv1_buf_append(b, name, name_len);
    lhv1_buf_putc(b, 0);
    lhv1_buf_puts(b, value);
    lhv1_buf_putc(b, 0);
}

/* Content-Encoding as S3 keeps it: without the aws-chunked token, which
 * names the upload's framing, not the object's encoding; nothing when no
 * other token remains. */
static void put_content_encoding(lhv1_buf *b, const char *value)
{
    size_t at = b->len, kept = 0;
    lhv1_buf_puts(b, "Content-Encoding");
    lhv1_buf_putc(b, 0);
    for (const char *p = value; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ",");
        size_t len = n;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len && !(len == 11 && !strncasecmp(p, "aws-chunked", 11))) {
            if (kept++)
                lhv1_buf_puts(b, ", "); /* S3 keeps "deflate, gzip" as sent */
            lhv1_buf_append(b, p, len);
        }
        p += n;
    }
    lhv1_buf_putc(b, 0);
    if (!kept && !b->failed)
        b->len = at;
}

static enum MHD_Result collect_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    collect_ctx *c = cls;
    size_t kl = strlen(key);
    if (kl > META_PREFIX_LEN && !strncasecmp(key, META_PREFIX, META_PREFIX_LEN)) {
        c->user_bytes += kl - META_PREFIX_LEN + strlen(value);
        if (c->user_bytes > STORED_USER_META_MAX)
            return MHD_NO;
        size_t at = c->out->len;
        put_pair(c->out, key, kl, value);
        if (!c->out->failed) /* names come back in lower case */
            for (size_t i = at; i < at + kl; i++)
                if (c->out->data[i] >= 'A' && c->out->data[i] <= 'Z')
                    c->out->data[i] = (uint8_t)(c->out->data[i] - 'A' + 'a');
        return MHD_YES;
    }
    if (!strcasecmp(key, "Content-Encoding")) {
        put_content_encoding(c->out, value);
        return MHD_YES;
    }
    for (size_t i = 0; i < N_STANDARD; i++)
        if (!strcasecmp(key, standard[i].name)) {
            put_pair(c->out, standard[i].name, strlen(standard[i].name), value);
            break;
        }
    return MHD_YES;
}

int stored_headers_collect(const serve_request *q, lhv1_buf *out, serve_reply *r)
{
    lhv1_buf_reset(out);
    collect_ctx c = {out, 0};
    MHD_get_connection_values(q->conn, MHD_HEADER_KIND, collect_one, &c);
    if (c.user_bytes > STORED_USER_META_MAX) {
        serve_reply_error(r, q, 400, "MetadataTooLarge",
                          "Your metadata headers exceed the maximum allowed metadata size");
        return -1;
    }
    if (out->failed) {
        serve_reply_error(r, q, 500, "InternalError", "out of memory");
        return -1;
    }
    /* What is accepted here every backend gives back: the file backend's
     * reader drops a blob that fails this check. */
    size_t at;
    switch (blob_check((lhv1_bytes){out->data, out->len}, &at)) {
    case BLOB_OK:
        return 0;
    case BLOB_BAD_NAME:
        serve_reply_error(r, q, 400, "InvalidArgument",
                          "Header names may hold only RFC 9110 token characters");
        return -1;
    case BLOB_BAD_VALUE:
        serve_reply_error(r, q, 400, "InvalidArgument", "%s: control characters are not "
                          "allowed in a stored header's value", (const char *)out->data + at);
        return -1;
    case BLOB_TOO_LARGE:
        serve_reply_error(r, q, 400, "RequestHeaderSectionTooLarge",
                          "Your request header section exceeds the maximum allowed size: %d "
                          "bytes of stored headers", STORED_HEADERS_MAX);
        return -1;
    case BLOB_MALFORMED:
        break;
    }
    serve_reply_error(r, q, 500, "InternalError", "stored headers malformed");
    return -1;
}

/* The longest response-* value taken. */
#define OVERRIDE_MAX 1024

static int has_control(const char *v)
{
    for (; *v; v++)
        if (!value_byte_ok((uint8_t)*v))
            return 1;
    return 0;
}

/* Signed: an Authorization header or a presigned URL's signature. */
static int is_signed(const serve_request *q)
{
    /* The query is read from the request line (request.c), never from
     * libmicrohttpd's argument table, which the server leaves empty. */
    char v[1];
    return serve_header(q, "Authorization") || serve_query(q, "X-Amz-Signature", v, sizeof v) != 0;
}

int stored_headers_overrides_allowed(const serve_request *q, serve_reply *r)
{
    char v[OVERRIDE_MAX];
    for (size_t i = 0; i < N_STANDARD; i++) {
        int found = serve_query(q, standard[i].override, v, sizeof v);
        if (found && !is_signed(q)) {
            serve_reply_error(r, q, 400, "InvalidRequest",
                              "Request specific response headers cannot be used for anonymous "
                              "GET requests.");
            return -1;
        }
        if (found < 0 || (found && has_control(v))) {
            serve_reply_error(r, q, 400, "InvalidArgument", "%s: a value of at most %d bytes "
                              "without control characters", standard[i].override, OVERRIDE_MAX - 1);
            return -1;
        }
    }
    return 0;
}

/* A stored x-amz-checksum-* (the header name of an algorithm we keep). */
static int is_checksum(const char *name)
{
    return serve_cksum_from_header(name) != CKSUM_COUNT;
}

static void put_checksum(lhv1_buf *b, serve_cksum_alg a, const char *value)
{
    const char *h = serve_cksum_header(a);
    put_pair(b, h, strlen(h), value);
}

void stored_headers_add_checksums(lhv1_buf *blob, const char *const cksum[CKSUM_COUNT])
{
    for (int a = 0; a < CKSUM_COUNT; a++)
        if (cksum[a])
            put_checksum(blob, (serve_cksum_alg)a, cksum[a]);
}

void stored_headers_copy_checksums(lhv1_buf *to, lhv1_bytes from)
{
    const char *p = (const char *)from.data, *end = p + from.len;
    while (p < end) {
        const char *name = p, *value = name + strlen(name) + 1;
        p = value + strlen(value) + 1;
        if (is_checksum(name))
            put_pair(to, name, strlen(name), value);
    }
}

void stored_headers_checksums(lhv1_bytes blob, const char *out[CKSUM_COUNT])
{
    for (int a = 0; a < CKSUM_COUNT; a++)
        out[a] = NULL;
    const char *p = (const char *)blob.data, *end = p + blob.len;
    while (p < end) {
        const char *name = p, *value = name + strlen(name) + 1;
        p = value + strlen(value) + 1;
        serve_cksum_alg a = serve_cksum_from_header(name);
        if (a != CKSUM_COUNT)
            out[a] = value;
    }
}

void stored_headers_drop_checksums(lhv1_buf *blob)
{
    size_t out = 0;
    char *p = (char *)blob->data, *end = p + blob->len;
    while (p < end) {
        char *name = p, *value = name + strlen(name) + 1;
        p = value + strlen(value) + 1;
        if (!is_checksum(name)) {
            memmove(blob->data + out, name, (size_t)(p - name));
            out += (size_t)(p - name);
        }
    }
    blob->len = out;
}

int stored_headers_reply(const serve_request *q, serve_reply *r, lhv1_bytes blob,
                         int checksums)
{
    /* Checked by stored_headers_overrides_allowed. */
    char values[N_STANDARD][OVERRIDE_MAX];
    const char *over[N_STANDARD];
    for (size_t i = 0; i < N_STANDARD; i++)
        over[i] = serve_query(q, standard[i].override, values[i], sizeof values[i]) == 1 &&
                          !has_control(values[i])
                      ? values[i]
                      : NULL;
    int has_type = over[0] != NULL, sent_checksum = 0;
    const char *p = (const char *)blob.data, *end = p + blob.len;
    while (p < end) {
        const char *name = p, *value = name + strlen(name) + 1;
        p = value + strlen(value) + 1;
        if (is_checksum(name)) {
            if (checksums && serve_reply_long_header(r, name, value) < 0)
                return -1;
            sent_checksum |= checksums;
            continue;
        }
        size_t i = 0;
        while (i < N_STANDARD && strcmp(name, standard[i].name))
            i++;
        if (i < N_STANDARD && over[i])
            continue; /* the argument's value, below */
        has_type |= i == 0;
        if (serve_reply_long_header(r, name, value) < 0)
            return -1;
    }
    for (size_t i = 0; i < N_STANDARD; i++)
        if (over[i] && serve_reply_long_header(r, standard[i].name, over[i]) < 0)
            return -1;
    if (!has_type)
        serve_reply_header(r, "Content-Type", "binary/octet-stream");
    /* One PUT's checksum of the whole body: S3's full-object type. */
    if (sent_checksum)
        serve_reply_header(r, "x-amz-checksum-type", "FULL_OBJECT");
    return 0;
}

int stored_headers_valid(lhv1_bytes blob)
{
    size_t at;
    return blob_check(blob, &at) == BLOB_OK;
}

char **stored_headers_lines(lhv1_bytes blob, const char *const *extra)
{
    /* A pair "name\0value\0" becomes "name: value\0", one byte more. */
    size_t pairs = 0, n_extra = 0, bytes = sizeof "Content-Type: binary/octet-stream";
    int has_type = 0;
    for (size_t i = 0; i < blob.len; i++)
        pairs += blob.data[i] == 0;
    pairs /= 2;
    for (const char *const *x = extra; x && *x; x++)
        n_extra++, bytes += strlen(*x) + 1;
    size_t n = pairs + 1 + n_extra + 1; /* and the default type, the end */
    bytes += blob.len + pairs;
    char **v = malloc(n * sizeof *v + bytes);
    if (!v)
        return NULL;
    char *at = (char *)(v + n);
    size_t k = 0;
    const char *p = (const char *)blob.data, *end = p + blob.len;
    while (p < end) {
        const char *name = p, *value = name + strlen(name) + 1;
        p = value + strlen(value) + 1;
        /* Not sent: libcurl 7.88 sends an empty value only as "name;",
         * and its SigV4 signs each header line as given, so "name;" is
         * signed as a header named "name;" while "name:" (which removes a
         * header) is signed but not sent. No form is sent and signed
         * alike (docs/S3.md; http_s3's sigv4_verified pins it). */
        if (!*value)
            continue;
        has_type |= !strcmp(name, "Content-Type");
        v[k++] = at;
        at += sprintf(at, "%s: %s", name, value) + 1;
    }
    if (!has_type) /* libcurl would send its form type */
        v[k++] = strcpy(at, "Content-Type: binary/octet-stream"), at += strlen(at) + 1;
    for (const char *const *x = extra; x && *x; x++)
        v[k++] = strcpy(at, *x), at += strlen(at) + 1;
    v[k] = NULL;
    return v;
}

void stored_headers_receive(void *cls, const char *name, const char *value)
{
    lhv1_buf *out = cls;
    size_t kl = strlen(name);
    if (has_control(value))
        return;
    if (kl > META_PREFIX_LEN && !strncasecmp(name, META_PREFIX, META_PREFIX_LEN)) {
        size_t at = out->len;
        put_pair(out, name, kl, value);
        if (!out->failed)
            for (size_t i = at; i < at + kl; i++)
                if (out->data[i] >= 'A' && out->data[i] <= 'Z')
                    out->data[i] = (uint8_t)(out->data[i] - 'A' + 'a');
        return;
    }
    serve_cksum_alg a = serve_cksum_from_header(name);
    if (a != CKSUM_COUNT) { /* the upstream's, asked with x-amz-checksum-mode */
        put_checksum(out, a, value);
        return;
    }
    for (size_t i = 0; i < N_STANDARD; i++)
        if (!strcasecmp(name, standard[i].name)) {
            put_pair(out, standard[i].name, strlen(standard[i].name), value);
            return;
        }
}

int stored_headers_is_checksum_line(const char *line)
{
    size_t n = strcspn(line, ":");
    char name[64];
    if (n >= sizeof name)
        return 0;
    memcpy(name, line, n);
    name[n] = 0;
    return is_checksum(name);
}
