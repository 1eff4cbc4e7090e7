/* Proxy mode (upstream.c): the backend store over a real S3 server. */
#ifndef LHV1_SERVE_UPSTREAM_H
#define LHV1_SERVE_UPSTREAM_H

#include <pthread.h>
#include <stdint.h>

#include "lhv1/store.h"

/* The store over the S3 server at url, keys mapped as the server lays
 * them out ("_buckets/<name>" is a bucket, "<bucket>/<key>" an object);
 * credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION;
 * an object's body read is at most max_body bytes (--max-body). NULL with
 * err filled on failure. */
lhv1_store *serve_upstream_new(const char *url, uint64_t max_body, lhv1_store_err *err);
/* The server's lock (an error-checking mutex), which every operation on
 * the store holds, is released for each transfer and taken again after:
 * callers hold no pointer into state another request may change across
 * an operation. A nonzero *stop (read atomically) ends transfers in
 * progress within about a second, and starts none: they fail 503. No
 * effect on other stores. */
void serve_upstream_bind(lhv1_store *st, pthread_mutex_t *lock, const int *stop);
/* With the lock held: returns when no transfer is under way (so no
 * operation is inside the fault store in front): before that store is
 * replaced. */
void serve_upstream_quiesce(lhv1_store *st);
/* 1 if st is the proxy's store. */
int serve_is_upstream(const lhv1_store *st);
/* Until the next call (under the server lock, as every proxy operation
 * starts; each operation takes its own copy): each object body read from the upstream takes its bytes from
 * take(cls, n) before they are held (0 taken, -1 no room: the read fails
 * 503). take NULL: nothing is taken. No effect on other stores. */
void serve_upstream_charge(lhv1_store *st, int (*take)(void *cls, uint64_t n), void *cls);
/* Until the next call (under the server lock, like the charge): each
 * object request to the upstream also sends the "Name: value" lines of
 * `send` (NULL-terminated) and hands each header of its reply to
 * received(cls, name, value) (lhv1_s3_exchange). NULLs: nothing more. No
 * effect on other stores. */
void serve_upstream_exchange(lhv1_store *st, const char *const *send,
                             void (*received)(void *cls, const char *name, const char *value),
                             void *cls);
/* Deletes what the proxy created on the upstream (the objects it wrote,
 * the buckets its CreateBucket made, unless they hold other objects) and
 * nothing else; 0 or -1. */
int serve_upstream_reset(lhv1_store *upstream, lhv1_store_err *err);

#endif
