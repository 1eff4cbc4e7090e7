/* The aws-chunked content encoding S3 clients use to stream a body with
 * per-chunk signatures and/or trailing checksums:
 *
 *   hex-size[;chunk-signature=SIG] CRLF data CRLF ... 0[;chunk-signature=SIG] CRLF
 *   [trailer-name:value CRLF ...] CRLF
 *
 * (STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD and
 * its -TRAILER form). The whole encoded body is decoded at once; every
 * length is checked against what is left before it is used. */
#ifndef LHV1_SERVE_AWS_CHUNKED_H
#define LHV1_SERVE_AWS_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"

#define AWS_CHUNKED_MAX_TRAILERS 8
#define AWS_CHUNKED_MAX_SIGS 4096

typedef struct aws_chunk_sig {
    size_t off, len; /* the chunk's data within the decoded payload */
    char sig[65];    /* hex, empty when the chunk carried none */
} aws_chunk_sig;

typedef struct aws_chunked {
    lhv1_buf payload;
    size_t n_trailers;
    char trailer_name[AWS_CHUNKED_MAX_TRAILERS][64];  /* lowercased */
    char trailer_value[AWS_CHUNKED_MAX_TRAILERS][128];
    aws_chunk_sig *sigs; /* one per chunk, the final empty one included */
    size_t n_sigs;
} aws_chunked;

void aws_chunked_init(aws_chunked *c);
void aws_chunked_free(aws_chunked *c);
/* Decodes `body` into c. Returns 0, or -1 with a reason in `why`. */
int aws_chunked_decode(aws_chunked *c, const uint8_t *body, size_t len, char *why,
                       size_t why_len);
/* The value of a trailer (name in any case) or NULL. */
const char *aws_chunked_trailer(const aws_chunked *c, const char *name);

#endif
