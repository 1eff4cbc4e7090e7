/* The server's buckets: each is a marker object "_buckets/<name>" in the
 * store (so a file root or an upstream keeps them across restarts), and a
 * list of names in memory, read under the server lock. */
#ifndef LHV1_SERVE_BUCKETS_H
#define LHV1_SERVE_BUCKETS_H

#include "serve.h"

#define SERVE_BUCKET_MARKERS "_buckets/"

/* Reads the names from the store's markers: 0, or -1 (store error or
 * out of memory; the list is unchanged then). */
int serve_buckets_load(serve_server *s);
void serve_buckets_free(serve_server *s);
/* 1 if the bucket exists. Lock held. */
int serve_bucket_exists(serve_server *s, const char *name);
/* The name added (0; -1 out of memory) or removed, after its marker was
 * written or deleted. Lock held. */
int serve_bucket_add(serve_server *s, const char *name);
void serve_bucket_forget(serve_server *s, const char *name);
/* 1 if q's bucket exists; else 0 with `r` S3's 404 NoSuchBucket. Takes
 * the lock. */
int serve_bucket_required(serve_request *q, serve_reply *r);

#endif
