/* The body a PutObject stores: aws-chunked decoded, then every digest the
 * client sent verified (Content-MD5, x-amz-checksum-* as a header or as a
 * trailer; a hex x-amz-content-sha256 is checked before routing). The
 * headers it reads are gathered in one pass over the request's headers. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_chunked.h"
#include "checksums.h"
#include "put_digests.h"
#include "put_body.h"
#include "sigv4.h"

/* What PutObject reads from the headers (the first of each, as
 * MHD_lookup_connection_value would find it). */
typedef struct put_headers {
    const char *content_length, *transfer_encoding;
    const char *content_encoding;
    const char *sha, *trailer, *decoded_length;
    const char *cksum[CKSUM_COUNT]; /* the first of each: echoed in the reply */
    char unknown[64]; /* an x-amz-checksum-* we cannot verify (crc64nvme) */
    put_digests digests; /* every occurrence, headers and trailers */
} put_headers;

static void first(const char **slot, const char *value)
{
    if (!*slot)
        *slot = value;
}

/* An x-amz-checksum-* header or trailer: one we verify, or the first
 * unknown one noted. */
static void checksum_field(put_headers *h, const char *name, const char *value)
{
    serve_cksum_alg a = serve_cksum_from_header(name);
    if (a != CKSUM_COUNT) {
        first(&h->cksum[a], value);
        put_digests_add(&h->digests, a, value);
    } else if (strcasecmp(name, "x-amz-checksum-algorithm") &&
             strcasecmp(name, "x-amz-checksum-type") && !h->unknown[0])
        snprintf(h->unknown, sizeof h->unknown, "%s", name);
}

static enum MHD_Result gather(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value)
{
    (void)kind;
    put_headers *h = cls;
    if (!strncasecmp(key, "x-amz-", 6)) {
        const char *k = key + 6;
        if (!strncasecmp(k, "checksum-", 9))
            checksum_field(h, key, value);
        else if (!strcasecmp(k, "content-sha256"))
            first(&h->sha, value);
        else if (!strcasecmp(k, "trailer"))
            first(&h->trailer, value);
        else if (!strcasecmp(k, "decoded-content-length"))
            first(&h->decoded_length, value);
    } else if (!strcasecmp(key, "Content-Length")) {
        first(&h->content_length, value);
    } else if (!strcasecmp(key, "Transfer-Encoding")) {
        first(&h->transfer_encoding, value);
    } else if (!strcasecmp(key, "Content-Encoding")) {
        first(&h->content_encoding, value);
    } else if (!strcasecmp(key, "Content-MD5")) {
        put_digests_add(&h->digests, DIGEST_CONTENT_MD5, value);
    }
    return MHD_YES;
}

int put_body_is_aws_chunked(const char *sha, const char *content_encoding, int is_signed)
{
    return (sha && !strncmp(sha, "STREAMING-", 10)) ||
           (!is_signed && content_encoding && strstr(content_encoding, "aws-chunked"));
}

int put_body_decode(serve_request *q, serve_reply *r, aws_chunked *dec, put_body *out)
{
    put_headers h;
    memset(&h, 0, sizeof h);
    MHD_get_connection_values(q->conn, MHD_HEADER_KIND, gather, &h);
    if (!h.content_length && !h.transfer_encoding) {
        serve_reply_error(r, q, 411, "MissingContentLength",
                          "You must provide the Content-Length HTTP header.");
        return -1;
    }
    out->data = (lhv1_bytes){q->body.data, q->body.len};
    const char *ce = h.content_encoding, *sha = h.sha;
    int streaming = sha && !strncmp(sha, "STREAMING-", 10);
    int chunked = put_body_is_aws_chunked(sha, ce, q->auth != NULL);
    if (streaming && !h.decoded_length) {
        serve_reply_error(r, q, 411, "MissingContentLength",
                          "a streaming upload needs x-amz-decoded-content-length");
        return -1;
    }
    if (chunked) {
        char why[160];
        if (aws_chunked_decode(dec, q->body.data, q->body.len, why, sizeof why) < 0) {
            serve_reply_error(r, q, 400, "IncompleteBody", "%s", why);
            return -1;
        }
        out->data = (lhv1_bytes){dec->payload.data, dec->payload.len};
        const char *dl = h.decoded_length;
        if (dl) {
            char *end;
            unsigned long long n = strtoull(dl, &end, 10);
            if (*end || end == dl || n != out->data.len) {
                serve_reply_error(r, q, 400, "IncompleteBody",
                                  "x-amz-decoded-content-length is %s but the chunks hold %zu B",
                                  dl, out->data.len);
                return -1;
            }
        }
        if (sigv4_check_chunks(q, dec, r) < 0)
            return -1;
        /* Only the trailer x-amz-trailer announced: with an unsigned
         * payload that header, signed, is what binds the trailer. */
        for (size_t i = 0; i < dec->n_trailers; i++) {
            const char *t = dec->trailer_name[i];
            if (!strcmp(t, "x-amz-trailer-signature"))
                continue;
            if (!h.trailer || strcasecmp(t, h.trailer)) {
                serve_reply_error(r, q, 400, "InvalidRequest",
                                  "trailer %s was not announced in x-amz-trailer", t);
                return -1;
            }
            if (!strncasecmp(t, "x-amz-checksum-", 15))
                checksum_field(&h, t, dec->trailer_value[i]);
        }
    }
    if (h.unknown[0]) {
        serve_reply_error(r, q, 400, "InvalidRequest", "checksum %s is not supported", h.unknown);
        return -1;
    }
    if (put_digests_verify(q, r, &h.digests, out->data, out->md5) < 0)
        return -1;
    for (int a = 0; a < CKSUM_COUNT; a++)
        out->cksum[a] = h.cksum[a];
    /* A trailer announced but not sent is a body cut short. */
    const char *announced = h.trailer;
    if (chunked && announced && serve_cksum_from_header(announced) != CKSUM_COUNT &&
        !aws_chunked_trailer(dec, announced)) {
        serve_reply_error(r, q, 400, "IncompleteBody", "trailer %s was announced but not sent",
                          announced);
        return -1;
    }
    /* Every hex x-amz-content-sha256 was verified against the body
     * before routing (sigv4_check_payload). */
    return 0;
}
