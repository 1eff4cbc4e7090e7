/* S3's conditional requests (conditional.c): GetObject and HeadObject
 * If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since as
 * RFC 9110 orders them (an If-Match present decides over
 * If-Unmodified-Since, an If-None-Match over If-Modified-Since), and
 * PutObject's conditional writes (If-Match on the current ETag,
 * If-None-Match: * to create only). A date that does not parse is ignored,
 * as S3 ignores it. */
#ifndef LHV1_SERVE_CONDITIONAL_H
#define LHV1_SERVE_CONDITIONAL_H

#include <time.h>

#include "serve.h"

/* The request carries a PutObject precondition. */
int cond_write_present(const serve_request *q);

/* GET or HEAD of an object whose ETag is `etag` (quoted, as sent) and
 * last modified at `last_modified`: 0 to answer it, else the status the
 * preconditions give (304 Not Modified, 412 Precondition Failed). */
int cond_read_status(const serve_request *q, const char *etag, time_t last_modified);

/* The proxy's upstream judges them too (upstream.h): the request's
 * preconditions as "Name: value" lines, If-Match and If-None-Match for a
 * PUT (`write`), and the two dates too for a GET or HEAD; a
 * NULL-terminated array in one allocation, free() it (possibly empty);
 * NULL out of memory. */
char **cond_forward_lines(const serve_request *q, int write);

/* An HTTP date (IMF-fixdate) into *t: 0, or -1 when it is not one. */
int cond_http_date(const char *s, time_t *t);

/* CopyObject's x-amz-copy-source-if-* on the source (its quoted `etag`,
 * `last_modified`), in the same order: 0 to copy, else 412 (S3 answers a
 * failed if-none-match or if-modified-since with 412 too). */
int cond_copy_status(const serve_request *q, const char *etag, time_t last_modified);

/* PUT over the object that exists now (`exists`, its quoted `etag`) or
 * not: 0 to write, else `r` filled (412 PreconditionFailed, 404 NoSuchKey
 * for an If-Match on no object, 501 for an If-None-Match other than *). */
int cond_write_check(const serve_request *q, serve_reply *r, int exists, const char *etag);

#endif
