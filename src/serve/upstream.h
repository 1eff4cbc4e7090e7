/* Proxy mode (upstream.c): the backend store over a real S3 server. */
#ifndef LHV1_SERVE_UPSTREAM_H
#define LHV1_SERVE_UPSTREAM_H

#include "lhv1/store.h"

/* The store over the S3 server at url, keys mapped as the server lays
 * them out ("_buckets/<name>" is a bucket, "<bucket>/<key>" an object);
 * credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION.
 * NULL with err filled on failure. */
lhv1_store *serve_upstream_new(const char *url, lhv1_store_err *err);
/* Deletes what the proxy created on the upstream (the objects it wrote,
 * the buckets its CreateBucket made, unless they hold other objects) and
 * nothing else; 0 or -1. */
int serve_upstream_reset(lhv1_store *upstream, lhv1_store_err *err);

#endif
