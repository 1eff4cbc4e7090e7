/* An lhv1_store over S3 (path-style) through libcurl, signed with
 * libcurl's own SigV4 (CURLOPT_AWS_SIGV4): what `lhv1 verify|dump s3://`
 * and `lhv1 scan` read through. Error model of store.h: only a 404 whose
 * S3 code is NoSuchKey is NOT_FOUND; every other failure, a transport
 * error included (reset, body cut short, timeout), is FAILED. */
#ifndef LHV1_S3_STORE_H
#define LHV1_S3_STORE_H

#include "lhv1/store.h"

typedef struct lhv1_s3_config {
    const char *endpoint;   /* http://127.0.0.1:9000 */
    const char *bucket;
    const char *access_key; /* NULL: unsigned requests */
    const char *secret_key;
    const char *region;     /* default us-east-1 */
    long timeout_ms;        /* per request; 0 = 30 s */
} lhv1_s3_config;

/* NULL with err filled on failure. */
lhv1_store *lhv1_s3_store_new(const lhv1_s3_config *cfg, lhv1_store_err *err);

/* Splits "s3://bucket/key" into bucket and key (pointers into a copy the
 * caller frees with free(*bucket)). Returns 0, or -1 when the URL is not
 * of that form. */
int lhv1_s3_parse_url(const char *url, char **bucket, const char **key);

/* A store for "s3://bucket/..." from --endpoint and the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION). */
lhv1_store *lhv1_s3_store_from_env(const char *endpoint, const char *bucket,
                                   lhv1_store_err *err);

#endif
