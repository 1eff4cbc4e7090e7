/* The most body a request may carry, by operation (body_limit.c): the
 * gate refuses a Content-Length above it before reading (request_gate.c),
 * and a handler a body that arrived without one. */
#ifndef LHV1_SERVE_BODY_LIMIT_H
#define LHV1_SERVE_BODY_LIMIT_H

#include "serve.h"

/* DeleteObjects' document: 1000 keys of 1024 bytes with room for escapes. */
#define S3_DELETE_OBJECTS_MAX_BODY (2u << 20)

/* `max_body` (--max-body), or less for an operation whose body is a
 * document of bounded size (POST ?delete). */
uint64_t s3_body_limit(const serve_request *q, uint64_t max_body);

#endif
