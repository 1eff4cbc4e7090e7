/* The body PutObject stores, decoded and verified (put_body.c). */
#ifndef LHV1_SERVE_PUT_BODY_H
#define LHV1_SERVE_PUT_BODY_H

#include "checksums.h"
#include "serve.h"

struct aws_chunked;

typedef struct put_body {
    lhv1_bytes data;    /* into q->body or the aws-chunked payload */
    uint8_t md5[16];    /* its MD5: the ETag */
    /* The x-amz-checksum-* values verified (header or trailer), or NULL. */
    const char *cksum[CKSUM_COUNT];
} put_body;

/* Is the body aws-chunked? A STREAMING- x-amz-content-sha256 says so;
 * Content-Encoding aws-chunked only on an unsigned request (signed, the
 * body is what the signed payload hash says, and the unsigned
 * Content-Encoding cannot make it another). The one rule of the request gate
 * and of the decoder. */
int put_body_is_aws_chunked(const char *sha, const char *content_encoding, int is_signed);

/* The request body PutObject stores: aws-chunked decoded into `dec` when
 * the body is so encoded, checksums and Content-MD5 verified (a missing
 * Content-Length refused first). 0 with `out` filled, or -1
 * with `r` filled. */
int put_body_decode(serve_request *q, serve_reply *r, struct aws_chunked *dec,
                    put_body *out);

#endif
