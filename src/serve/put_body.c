/* The body a PutObject stores: aws-chunked decoded, then every digest the
 * client sent verified (Content-MD5, x-amz-checksum-* as a header or as a
 * trailer, a hex x-amz-content-sha256). */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_chunked.h"
#include "checksums.h"
#include "serve.h"

typedef struct unknown_cksum {
    char name[64];
} unknown_cksum;

/* Finds an x-amz-checksum-* header we cannot verify (e.g. crc64nvme). */
static enum MHD_Result find_unknown(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    (void)value;
    unknown_cksum *u = cls;
    if (!strncasecmp(key, "x-amz-checksum-", 15) && strcasecmp(key, "x-amz-checksum-algorithm") &&
        strcasecmp(key, "x-amz-checksum-type") && serve_cksum_from_header(key) == CKSUM_COUNT) {
        snprintf(u->name, sizeof u->name, "%s", key);
        return MHD_NO;
    }
    return MHD_YES;
}

static int verify(serve_request *q, serve_reply *r, serve_cksum_alg a, const char *b64,
                  lhv1_bytes body)
{
    uint8_t want[SERVE_DIGEST_MAX + 4], got[SERVE_DIGEST_MAX];
    size_t n = serve_cksum(a, body.data, body.len, got);
    long wn = serve_base64_decode(b64, want, sizeof want);
    if (wn != (long)n) {
        serve_reply_error(r, q, 400, "InvalidRequest",
                          "Value for x-amz-checksum-%s header is invalid.", serve_cksum_name(a));
        return -1;
    }
    if (memcmp(want, got, n)) {
        char b[64];
        serve_base64(got, n, b, sizeof b);
        serve_reply_error(r, q, 400, "BadDigest",
                          "The %s you specified did not match the calculated checksum (%s).",
                          serve_cksum_name(a), b);
        return -1;
    }
    return 0;
}

int put_body_decode(serve_request *q, serve_reply *r, aws_chunked *dec, lhv1_bytes *out)
{
    *out = (lhv1_bytes){q->body.data, q->body.len};
    const char *ce = serve_header(q, "Content-Encoding");
    const char *sha = serve_header(q, "x-amz-content-sha256");
    int chunked = (ce && strstr(ce, "aws-chunked")) || (sha && !strncmp(sha, "STREAMING-", 10));
    if (chunked) {
        char why[160];
        if (aws_chunked_decode(dec, q->body.data, q->body.len, why, sizeof why) < 0) {
            serve_reply_error(r, q, 400, "IncompleteBody", "%s", why);
            return -1;
        }
        *out = (lhv1_bytes){dec->payload.data, dec->payload.len};
        const char *dl = serve_header(q, "x-amz-decoded-content-length");
        if (dl) {
            char *end;
            unsigned long long n = strtoull(dl, &end, 10);
            if (*end || end == dl || n != out->len) {
                serve_reply_error(r, q, 400, "IncompleteBody",
                                  "x-amz-decoded-content-length is %s but the chunks hold %zu B",
                                  dl, out->len);
                return -1;
            }
        }
        if (sha && !strncmp(sha, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", 34) &&
            sigv4_check_chunks(q, dec, r) < 0)
            return -1;
    }
    unknown_cksum u = {""};
    MHD_get_connection_values(q->conn, MHD_HEADER_KIND, find_unknown, &u);
    for (size_t i = 0; i < dec->n_trailers && !u.name[0]; i++)
        find_unknown(&u, MHD_HEADER_KIND, dec->trailer_name[i], dec->trailer_value[i]);
    if (u.name[0]) {
        serve_reply_error(r, q, 400, "InvalidRequest", "checksum %s is not supported", u.name);
        return -1;
    }
    const char *md5 = serve_header(q, "Content-MD5");
    if (md5) {
        uint8_t want[20], got[16];
        if (serve_base64_decode(md5, want, sizeof want) != 16) {
            serve_reply_error(r, q, 400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
            return -1;
        }
        serve_md5(out->data, out->len, got);
        if (memcmp(want, got, 16)) {
            serve_reply_error(r, q, 400, "BadDigest",
                              "The Content-MD5 you specified did not match what we received.");
            return -1;
        }
    }
    for (int a = 0; a < CKSUM_COUNT; a++) {
        char name[48];
        snprintf(name, sizeof name, "x-amz-checksum-%s", serve_cksum_name(a));
        const char *v = serve_header(q, name);
        if (!v)
            v = aws_chunked_trailer(dec, name);
        if (v && verify(q, r, (serve_cksum_alg)a, v, *out) < 0)
            return -1;
    }
    /* A trailer announced but not sent is a body cut short. */
    const char *announced = serve_header(q, "x-amz-trailer");
    if (chunked && announced && serve_cksum_from_header(announced) != CKSUM_COUNT &&
        !aws_chunked_trailer(dec, announced)) {
        serve_reply_error(r, q, 400, "IncompleteBody", "trailer %s was announced but not sent",
                          announced);
        return -1;
    }
    if (sha && strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64) {
        uint8_t d[32];
        char hex[65];
        serve_sha256(out->data, out->len, d);
        serve_hex(d, 32, hex);
        if (strcmp(hex, sha)) {
            serve_reply_error(r, q, 400, "XAmzContentSHA256Mismatch",
                              "The provided 'x-amz-content-sha256' header does not match what was computed.");
            return -1;
        }
    }
    return 0;
}
