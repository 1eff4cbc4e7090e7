/* The XML bodies the S3 client reads, parsed with expat: a ListObjectsV2
 * page (ListBucketResult), fed as its bytes arrive, and the Code of an
 * error reply. A DOCTYPE is refused (so no entity is ever declared or
 * expanded); element names are matched by their local part, whatever
 * their namespace. */
#ifndef LHV1_S3_REPLY_H
#define LHV1_S3_REPLY_H

#include <stddef.h>

#include "lhv1/bytes.h"
#include "lhv1/store.h"

/* The text of one element (a key as sent, URL-encoded or not, a
 * continuation token) is at most this many bytes: S3 keys are at most
 * 1024 bytes, 3072 once URL-encoded. */
#define LHV1_S3_TEXT_MAX 4096
/* A page is at most this many bytes: S3 sends at most 1000 keys a page,
 * each at most 3072 encoded bytes plus about 600 of other elements. */
#define LHV1_S3_PAGE_MAX ((size_t)8 << 20)
/* Elements open at once: S3's replies nest 4 deep (ListBucketResult,
 * Contents, Owner, ID), error documents 2. expat keeps every open tag, so
 * without a bound 8 MiB of "<a>" held about 400 MB. */
#define LHV1_S3_DEPTH_MAX 16

typedef struct lhv1_s3_page lhv1_s3_page;

/* A parser for one page of at most max_bytes bytes whose elements hold at
 * most max_text bytes of text each (the client: LHV1_S3_PAGE_MAX and
 * LHV1_S3_TEXT_MAX); NULL when out of memory. */
lhv1_s3_page *lhv1_s3_page_new(size_t max_bytes, size_t max_text);
void lhv1_s3_page_free(lhv1_s3_page *p);
/* Parses the next n bytes. 0, or -1 when the page is refused (over
 * max_bytes, not well-formed XML, not a ListBucketResult, a key's text
 * over max_text, elements nested deeper than LHV1_S3_DEPTH_MAX, ...): lhv1_s3_page_error says why. */
int lhv1_s3_page_feed(lhv1_s3_page *p, const void *data, size_t n);
/* The page is complete: checks what only the whole page shows
 * (IsTruncated present and "true" or "false", a token when truncated, each
 * key decoded by the page's EncodingType). 0, or -1 as feed. */
int lhv1_s3_page_end(lhv1_s3_page *p);
/* After a failed feed or end: why, "" otherwise; out-of-memory is
 * lhv1_s3_page_oom, not a refusal. */
const char *lhv1_s3_page_error(const lhv1_s3_page *p);
int lhv1_s3_page_oom(const lhv1_s3_page *p);
/* After lhv1_s3_page_end returned 0: the keys in page order (decoded,
 * any bytes, NUL included), whether the listing goes on, and the token
 * that continues it (empty when it does not). */
const lhv1_key_list *lhv1_s3_page_keys(const lhv1_s3_page *p);
int lhv1_s3_page_truncated(const lhv1_s3_page *p);
lhv1_bytes lhv1_s3_page_token(const lhv1_s3_page *p);

/* The <Code> of an S3 <Error> document into code (at most n - 1 bytes,
 * NUL-terminated): 0, -1 with code "" when the body is not such a
 * document, nests deeper than LHV1_S3_DEPTH_MAX, or the code does not fit,
 * or -2 with code "" when memory ran out. */
int lhv1_s3_error_code(const void *body, size_t len, char *code, size_t n);

#endif
