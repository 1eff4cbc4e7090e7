/* The S3 operations (s3_bucket.c, s3_object.c): each fills `r`. */
#ifndef LHV1_SERVE_S3_HANDLERS_H
#define LHV1_SERVE_S3_HANDLERS_H

#include "buckets.h"
#include "serve.h"

void s3_list_buckets(serve_request *q, serve_reply *r);
void s3_bucket_op(serve_request *q, serve_reply *r);
void s3_object_op(serve_request *q, serve_reply *r);
/* An out-of-scope sub-resource in the query (?acl, ?uploads, ...): 1 with
 * `r` a 501 NotImplemented, else 0 (s3_not_implemented.c). */
int s3_not_implemented(serve_request *q, serve_reply *r);

/* CopyObject into the store key `dkey` (s3_copy.c). */
void s3_copy_object(serve_request *q, serve_reply *r, lhv1_bytes dkey);

/* DeleteObjects, POST /<bucket>?delete (s3_delete_objects.c); its body's
 * bound is body_limit.h's. */
void s3_delete_objects(serve_request *q, serve_reply *r);

/* Versions of a bucket that never had versioning (s3_versions.c):
 * ListObjectVersions (GET ?versions), GetBucketVersioning (GET
 * ?versioning), and an object request's ?versionId, which may only name
 * the one version, "null" (0; else -1 with `r` a 400). */
void s3_list_versions(serve_request *q, serve_reply *r);
void s3_get_versioning(serve_request *q, serve_reply *r);
int s3_version_id_ok(serve_request *q, serve_reply *r);

/* The store key of an object: "<bucket>/<key>". */
int serve_object_key(const serve_request *q, lhv1_buf *out);

#endif
