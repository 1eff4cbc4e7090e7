/* SigV4 verification as S3 does it (docs/SECURITY.md): the signed headers
 * are checked when the request's header is complete, before any body byte
 * is read; what the body must then match (its hash, its chunk and trailer
 * signatures) is kept on the request for the checks after it. */
#ifndef LHV1_SERVE_SIGV4_H
#define LHV1_SERVE_SIGV4_H

#include <stdint.h>

struct aws_chunked;
struct serve_request;
struct serve_reply;

/* A presigned URL's query parameters (query-string SigV4), for the
 * handlers' allow-lists; checked by sigv4_check_headers. */
#define SERVE_PRESIGN_ARGS                                                                  \
    "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",                   \
        "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Content-Sha256"

/* What x-amz-content-sha256 says the body is. */
typedef enum sigv4_payload {
    SIGV4_PAYLOAD_HEX = 0,                 /* the body's SHA-256, lowercase hex */
    SIGV4_PAYLOAD_UNSIGNED,                /* UNSIGNED-PAYLOAD */
    SIGV4_PAYLOAD_STREAMING_SIGNED,        /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD */
    SIGV4_PAYLOAD_STREAMING_SIGNED_TRAILER, /* ...-PAYLOAD-TRAILER */
    SIGV4_PAYLOAD_STREAMING_UNSIGNED_TRAILER /* STREAMING-UNSIGNED-PAYLOAD-TRAILER */
} sigv4_payload;

/* A request whose signed headers were verified. */
typedef struct sigv4_verified {
    uint8_t signing_key[32];
    char seed[65];      /* the header signature: the first chunk's previous */
    char amz_date[17];
    char scope[160];
    sigv4_payload payload;
    char payload_hash[65]; /* SIGV4_PAYLOAD_HEX only */
} sigv4_verified;

/* The payload kind of an x-amz-content-sha256 value; -1 when it is none
 * of them (STREAMING-AWS4-ECDSA-... included: SigV4a is not served). */
int sigv4_payload_of(const char *value);

/* Verifies the request's Authorization header against KEY:SECRET, with the
 * server's region and clock skew, from its headers, method and raw
 * target alone; or, without that header, a presigned URL's X-Amz-*
 * parameters (X-Amz-Expires 1 to 604800 s from X-Amz-Date: past it 403
 * AccessDenied "Request has expired"; a malformed or missing one 400
 * AuthorizationQueryParametersError; the gate refuses them for the admin
 * API). 0 with `out` filled; -1 with `r` filled (403 for a
 * missing, stale or wrong signature, 400 for a malformed one). */
int sigv4_check_headers(struct serve_request *q, const char *key, const char *secret,
                        sigv4_verified *out, struct serve_reply *r);

/* 1 if the request is a presigned URL's: no Authorization header, X-Amz-*
 * authentication parameters in the query. */
int sigv4_is_presigned(const struct serve_request *q);

/* After the body: every hex x-amz-content-sha256 (signed or not; an
 * unsigned request may send several) equals the body's SHA-256 (400
 * XAmzContentSHA256Mismatch). 0 or -1 with `r` filled. */
int sigv4_check_payload(struct serve_request *q, struct serve_reply *r);

/* An aws-chunked body of a verified STREAMING-AWS4-HMAC-SHA256-PAYLOAD
 * request: every chunk's signature in order from the seed, and with
 * -TRAILER the trailer signature. 0 or -1 with `r` filled. */
int sigv4_check_chunks(struct serve_request *q, const struct aws_chunked *c,
                       struct serve_reply *r);

#endif
