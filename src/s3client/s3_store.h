/* An lhv1_store over S3 (path-style) through libcurl, signed with
 * libcurl's own SigV4 (CURLOPT_AWS_SIGV4): what `lhv1 verify|dump s3://`
 * and `lhv1 scan` read through. Error model of store.h: only a 404 whose
 * S3 code is NoSuchKey is NOT_FOUND; memory running out (the client's own
 * allocations, which go through liblhv1's allocator, expat's, and libcurl's
 * CURLE_OUT_OF_MEMORY) is OUT_OF_MEMORY; every other failure, a transport
 * error included (reset, body cut short, timeout), is FAILED.
 *
 * It reads no more than it must (docs/FAULTS.md, "Bounds of the S3 client
 * and of local reads"): an object body at most max_object bytes, announced
 * or not; a body shorter than its Content-Length, or longer in the read
 * that ends it, is FAILED; any
 * other reply's body at most LHV1_S3_ERROR_BODY_MAX bytes; a listing page at
 * most LHV1_S3_PAGE_MAX bytes (s3_reply.h) and max_keys keys in all; a
 * listing stops with FAILED on a continuation token it already sent, a key
 * it already listed, LHV1_S3_STALLED_PAGES truncated pages in a row
 * that list no key, or when it is not complete within listing_timeout_ms
 * (each page's request gets at most the time left). */
#ifndef LHV1_S3_STORE_H
#define LHV1_S3_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/store.h"

/* A budget the bytes of an object's body are taken from before the client
 * holds them (the proxy's --max-inflight): take(cls, n) is called with the
 * announced Content-Length before the first byte, or with each piece of a
 * body without one before it is kept; 0 goes on, -1 stops the read, which
 * fails with status 503 (retry later). Read at each request: its owner
 * may change take and cls between requests. */
typedef struct lhv1_s3_charge {
    int (*take)(void *cls, uint64_t n);
    void *cls;
} lhv1_s3_charge;

/* What an object request (GET, PUT, DELETE) sends and receives beyond the
 * client's own: `send`, "Name: value" lines, NULL-terminated (or NULL), go
 * out with it and are signed; `received(cls, name, value)` is called with
 * each header of the final reply (none of an interim 1xx), the value
 * without its line end, at most LHV1_S3_HEADERS_MAX bytes of them in all
 * (more fails the request). Read at each request, like the charge: the
 * proxy sets the headers a client sent and collects the upstream's reply
 * headers. */
typedef struct lhv1_s3_exchange {
    const char *const *send;
    void (*received)(void *cls, const char *name, const char *value);
    void *cls;
} lhv1_s3_exchange;
#define LHV1_S3_HEADERS_MAX ((size_t)64 << 10)

typedef struct lhv1_s3_config {
    const char *endpoint;   /* http://127.0.0.1:9000 */
    const char *bucket;
    const char *access_key; /* NULL: unsigned requests */
    const char *secret_key;
    const char *region;     /* default us-east-1 */
    long timeout_ms;        /* per request; 0 = 30 s */
    uint64_t max_object;    /* largest object body read; 0 = LHV1_S3_MAX_OBJECT_DEFAULT */
    size_t max_keys;        /* most keys a listing returns; 0 = LHV1_S3_MAX_KEYS_DEFAULT */
    long listing_timeout_ms; /* a whole listing; 0 = LHV1_S3_LISTING_TIMEOUT_DEFAULT */
    const lhv1_s3_charge *charge; /* object bodies' budget, or NULL (none) */
    const lhv1_s3_exchange *exchange; /* object requests' extra headers, or NULL */
    /* Nonzero (read atomically): a transfer in progress ends within about
     * a second (libcurl's progress callback) and none starts, FAILED with
     * status 503. The owner sets it to stop (lhv1 serve's SIGTERM). NULL:
     * never. */
    const int *cancel;
} lhv1_s3_config;

/* The default bound on an object's body: what one read may make the
 * client hold (a server that sends without end is stopped here). vectord's
 * objects can reach 5 GiB (S3 refuses a single PUT above that, and vectord
 * writes each object with one PUT): larger ones are read with an explicit
 * bound (`--max-object-size`). */
#define LHV1_S3_MAX_OBJECT_DEFAULT ((uint64_t)1 << 30)
/* One index per key: far more indexes than a service holds, and at most
 * about 100 MiB of keys (S3 keys are at most 1024 bytes). */
#define LHV1_S3_MAX_KEYS_DEFAULT ((size_t)100000)
/* A whole listing: 100,000 keys are 100 pages of 1000, about 10 s from
 * S3; without a bound a server answering a page with one key every 29 s
 * (each request within its timeout) keeps a listing going for a month. */
#define LHV1_S3_LISTING_TIMEOUT_DEFAULT 600000L
/* S3 error documents are a few hundred bytes. */
#define LHV1_S3_ERROR_BODY_MAX 8192
/* Truncated pages without a key are legal (a server may end a page
 * early), but not without end. */
#define LHV1_S3_STALLED_PAGES 8

/* NULL with err filled on failure. */
lhv1_store *lhv1_s3_store_new(const lhv1_s3_config *cfg, lhv1_store_err *err);

/* The whole listing of prefix: the keys that start with it into keys,
 * those the server listed although they do not (a misbehaving server; the
 * caller reports them) into outside. Both in listing order. The store's
 * list() is this with any key outside the prefix a failure. s must be an
 * S3 client store. */
int lhv1_s3_list(lhv1_store *s, lhv1_bytes prefix, lhv1_key_list *keys, lhv1_key_list *outside,
                 lhv1_store_err *err);

/* Splits "s3://bucket/key" into bucket and key (pointers into a copy the
 * caller frees with lhv1_s3_url_free(*bucket)). Returns 0, -1 when the URL
 * is not of that form, or -2 when out of memory. */
int lhv1_s3_parse_url(const char *url, char **bucket, const char **key);
void lhv1_s3_url_free(char *bucket);

/* lhv1_s3_store_new(cfg) with the credentials and region taken from the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION). */
lhv1_store *lhv1_s3_store_from_env(const lhv1_s3_config *cfg, lhv1_store_err *err);

#endif
