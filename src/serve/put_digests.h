/* Every digest a PutObject carries, verified: each occurrence of
 * Content-MD5 and x-amz-checksum-* (as a header or as an aws-chunked
 * trailer, so a trailer of an algorithm that also came as a header is
 * checked too), not only the first. Each hex x-amz-content-sha256 is
 * checked for every request, before routing (sigv4_check_payload). */
#ifndef LHV1_SERVE_PUT_DIGESTS_H
#define LHV1_SERVE_PUT_DIGESTS_H

#include "checksums.h"
#include "serve.h"

/* More digests than this in one request are refused. */
#define PUT_MAX_DIGESTS 16

/* A digest's kind: an x-amz-checksum-* algorithm (serve_cksum_alg), or: */
enum { DIGEST_CONTENT_MD5 = CKSUM_COUNT };

typedef struct put_digests {
    struct {
        int kind;
        const char *value; /* as sent; must outlive the list */
    } d[PUT_MAX_DIGESTS];
    size_t n;
    int too_many;
} put_digests;

void put_digests_add(put_digests *l, int kind, const char *value);

/* Checks every digest of the list against body (Content-MD5 first, then
 * the checksums in the order sent) and gives the body's MD5 in md5. 0, or
 * -1 with `r` filled: 400 BadDigest, InvalidDigest / InvalidRequest for a
 * value that is not a digest, InvalidRequest for too many. */
int put_digests_verify(serve_request *q, serve_reply *r, const put_digests *l,
                       lhv1_bytes body, uint8_t md5[16]);

#endif
