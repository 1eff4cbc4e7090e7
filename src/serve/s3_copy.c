/* CopyObject: PUT with x-amz-copy-source (s3_handlers.h). The copy is a
 * read of the source and a write of the destination through the fault
 * rules, each decided as the GET and the PUT of those keys would be: a
 * stale or torn read of the source is what gets copied, a torn or lost
 * write of the destination is what is stored, and an HTTP fault of either
 * (reset, delay, SlowDown) is the reply's. In proxy mode it is the same
 * read and write against the upstream, not the upstream's own copy.
 *
 * The headers S3 keeps with an object (stored_headers.h) are the source's
 * under x-amz-metadata-directive COPY, read with its body (in proxy mode
 * from the upstream's reply to the GET), or the request's under REPLACE,
 * collected and bounded as PutObject's; the destination takes them as a
 * PutObject's write would (object_write.h). The source's stored checksums
 * go with its body under either directive (the copy's body is the same),
 * unless a rule touched the read: then the copy has none; with
 * x-amz-checksum-algorithm, the one named, computed over the copy's body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checksums.h"
#include "conditional.h"
#include "http_faults.h"
#include "object_meta.h"
#include "object_write.h"
#include "request_gate.h"
#include "s3_handlers.h"
#include "stored_headers.h"
#include "upstream.h"

/* x-amz-copy-source: "[/]bucket/key[?versionId=V]", the key URL-encoded.
 * 0 with `bucket` and `src` (the store key "<bucket>/<key>") filled, or -1
 * with `r` filled. */
static int parse_source(serve_request *q, serve_reply *r, const char *h, char bucket[64],
                        lhv1_buf *src)
{
    if (*h == '/')
        h++;
    const char *qm = strchr(h, '?');
    size_t n = qm ? (size_t)(qm - h) : strlen(h);
    if (qm) {
        /* Objects have one version each, "null" (ListObjectVersions). */
        if (strcmp(qm + 1, "versionId=null") != 0) {
            serve_reply_error(r, q, 400, "InvalidArgument",
                              "Invalid version id specified: objects are not versioned");
            return -1;
        }
    }
    /* An empty source leaves src->data NULL: never given to memchr. */
    if (n == 0 || serve_unescape(h, n, src) < 0 || src->len == 0)
        goto bad;
    const uint8_t *slash = memchr(src->data, '/', src->len);
    size_t blen = slash ? (size_t)(slash - src->data) : 0;
    if (!slash || slash + 1 == src->data + src->len || !serve_bucket_name_ok(src->data, blen))
        goto bad;
    memcpy(bucket, src->data, blen);
    bucket[blen] = 0;
    return 0;
bad:
    serve_reply_error(r, q, 400, "InvalidArgument",
                      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
    return -1;
}

/* x-amz-metadata-directive: 0 COPY (the default), 1 REPLACE, -1 refused. */
static int directive(serve_request *q, serve_reply *r)
{
    const char *d = serve_header(q, "x-amz-metadata-directive");
    if (!d || !strcmp(d, "COPY"))
        return 0;
    if (!strcmp(d, "REPLACE"))
        return 1;
    serve_reply_error(r, q, 400, "InvalidArgument", "Unknown metadata directive.");
    return -1;
}

/* What the proxy keeps of its upstream's reply to the source's GET: the
 * headers copied (COPY), and the source's Last-Modified. */
typedef struct source_reply {
    lhv1_buf *kept; /* NULL: none wanted */
    char last_modified[64];
} source_reply;

static void on_source_header(void *cls, const char *name, const char *value)
{
    source_reply *u = cls;
    if (!strcasecmp(name, "Last-Modified"))
        snprintf(u->last_modified, sizeof u->last_modified, "%s", value);
    else if (u->kept)
        stored_headers_receive(u->kept, name, value);
}

/* CopyObjectResult: the copy's date and ETag, and the checksums stored
 * with it (`kept`), as S3 gives them (ChecksumCRC32 ... ChecksumSHA256,
 * with their type). */
static void copy_result(serve_reply *r, time_t modified, const uint8_t md5[16], lhv1_bytes kept)
{
    static const char *const elements[CKSUM_COUNT] = {"ChecksumCRC32", "ChecksumCRC32C",
                                                      "ChecksumSHA1", "ChecksumSHA256"};
    char hex[33];
    serve_hex(md5, 16, hex);
    lhv1_buf *b = &r->body;
    lhv1_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult "
                     "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LastModified>");
    xml_time(b, modified);
    lhv1_buf_printf(b, "</LastModified><ETag>&quot;%s&quot;</ETag>", hex);
    const char *cksum[CKSUM_COUNT];
    stored_headers_checksums(kept, cksum);
    int any = 0;
    for (int a = 0; a < CKSUM_COUNT; a++)
        any |= cksum[a] != NULL;
    if (any)
        lhv1_buf_puts(b, "<ChecksumType>FULL_OBJECT</ChecksumType>");
    for (int a = 0; a < CKSUM_COUNT; a++) {
        if (!cksum[a])
            continue;
        lhv1_buf_printf(b, "<%s>", elements[a]);
        xml_escape(b, (const uint8_t *)cksum[a], strlen(cksum[a]));
        lhv1_buf_printf(b, "</%s>", elements[a]);
    }
    lhv1_buf_puts(b, "</CopyObjectResult>\n");
    serve_reply_header(r, "Content-Type", "application/xml");
}

/* x-amz-checksum-algorithm: the algorithm the copy's checksum is to be
 * computed with instead of the source's (CKSUM_COUNT: none named), or -1
 * with `r` filled (400, as S3 answers a value it does not know). */
static int copy_algorithm(serve_request *q, serve_reply *r)
{
    const char *v = serve_header(q, "x-amz-checksum-algorithm");
    if (!v)
        return CKSUM_COUNT;
    for (int a = 0; a < CKSUM_COUNT; a++)
        if (!strcasecmp(v, serve_cksum_name((serve_cksum_alg)a)))
            return a;
    serve_reply_error(r, q, 400, "InvalidRequest", "Checksum algorithm %s is not supported", v);
    return -1;
}

/* The copy's checksum computed with `a` over its body, in place of the
 * source's. */
static void recompute_checksum(lhv1_buf *kept, serve_cksum_alg a, lhv1_bytes body)
{
    uint8_t digest[SERVE_DIGEST_MAX];
    char b64[64];
    size_t n = serve_cksum(a, body.data, body.len, digest);
    serve_base64(digest, n, b64, sizeof b64);
    const char *cksum[CKSUM_COUNT] = {0};
    cksum[a] = b64;
    stored_headers_drop_checksums(kept);
    stored_headers_add_checksums(kept, cksum);
}

void s3_copy_object(serve_request *q, serve_reply *r, lhv1_bytes dkey)
{
    if (!q->on_worker) {
        r->offload = SERVE_OFFLOAD; /* a read, a hash and a write */
        return;
    }
    serve_server *s = q->srv;
    char sbucket[64];
    lhv1_buf src, body, kept, source; /* kept: the headers the copy gets */
    lhv1_buf_init(&src);
    lhv1_buf_init(&body);
    lhv1_buf_init(&kept);
    lhv1_buf_init(&source); /* the source's stored headers */
    char **send = NULL;
    int proxy = serve_is_upstream(s->store);
    lhv1_store_err err;
    http_fault_decision dg, dp;
    memset(&dg, 0, sizeof dg);
    memset(&dp, 0, sizeof dp);
    int replace = directive(q, r), alg = replace < 0 ? -1 : copy_algorithm(q, r);
    if (replace < 0 || alg < 0 || parse_source(q, r, serve_header(q, "x-amz-copy-source"), sbucket, &src) < 0)
        goto out;
    lhv1_bytes skey = {src.data, src.len};
    size_t blen = strlen(sbucket) + 1;
    if (serve_key_check(q, r, (lhv1_bytes){src.data + blen, src.len - blen}) < 0)
        goto out;
    /* S3 refuses a copy that would change nothing. What the store keeps
     * besides the body (metadata) is what REPLACE may change. */
    if (!replace && lhv1_bytes_cmp(skey, dkey) == 0) {
        serve_reply_error(r, q, 400, "InvalidRequest",
                          "This copy request is illegal because it is trying to copy an object to "
                          "itself without changing the object's metadata, storage class, website "
                          "redirect location or encryption attributes.");
        goto out;
    }
    if (replace && stored_headers_collect(q, &kept, r) < 0)
        goto out;
    obj_info known;
    pthread_mutex_lock(&s->lock);
    int exists = serve_bucket_exists(s, sbucket);
    int peeked = exists ? object_meta_peek(s, skey, &known) : 0;
    pthread_mutex_unlock(&s->lock);
    if (!exists) {
        serve_reply_error(r, q, 404, "NoSuchBucket", "The specified bucket does not exist");
        goto out;
    }
    /* The copy held in memory takes its place in the in-flight budget. */
    if (peeked == 1 && serve_reply_reserve(q, r, known.size) < 0)
        goto out;
    pthread_mutex_lock(&s->lock);
    http_faults_decide(s->faults, LHV1_OP_GET, skey, 0, &dg);
    source_reply up = {proxy ? &source : NULL, ""};
    static const char *const mode[] = {"x-amz-checksum-mode: ENABLED", NULL};
    serve_upstream_exchange(s->store, mode, on_source_header, &up);
    int rc = http_faults_get(s, &dg, skey, &body, &err);
    serve_upstream_exchange(s->store, NULL, NULL, NULL);
    /* The headers of the object read, under the same hold. */
    if (rc == 0 && (proxy ? source.failed : object_meta_headers(s, skey, &source) < 0))
        rc = lhv1_store_oom(&err, "stored headers");
    pthread_mutex_unlock(&s->lock);
    if (rc == 0 && !replace)
        lhv1_buf_append(&kept, source.data, source.len);
    else if (rc == 0)
        stored_headers_copy_checksums(&kept, (lhv1_bytes){source.data, source.len});
    if (rc == 0 && dg.rule_id != 0)
        stored_headers_drop_checksums(&kept); /* not the body they are of */
    if (rc == 0 && alg != CKSUM_COUNT)
        recompute_checksum(&kept, (serve_cksum_alg)alg, (lhv1_bytes){body.data, body.len});
    if (rc == 0 && kept.failed)
        rc = lhv1_store_oom(&err, "stored headers");
    if (dg.http == LHV1_HTTP_FAULT_SLOWDOWN || dg.http == LHV1_HTTP_FAULT_NOT_FOUND_CODE ||
        (dg.http == LHV1_HTTP_FAULT_RESET && !dg.done))
        goto out; /* answered by the fault, nothing copied */
    if (rc < 0) {
        serve_store_error(q, r, &err);
        goto out;
    }
    if (peeked != 1 && serve_reply_reserve(q, r, body.len) < 0)
        goto out;
    uint8_t md5[16];
    serve_md5(body.data, body.len, md5);
    char etag[35];
    serve_hex(md5, 16, etag + 1);
    etag[0] = etag[33] = '"';
    etag[34] = 0;
    /* The source was last modified when the upstream says, unless a rule
     * answered in its place. */
    time_t source_modified;
    if (dg.rule_id != 0 || !up.last_modified[0] ||
        cond_http_date(up.last_modified, &source_modified) < 0)
        source_modified = s->started;
    int cs = cond_copy_status(q, etag, source_modified);
    if (cs) {
        serve_reply_error(r, q, cs, "PreconditionFailed",
                          "At least one of the pre-conditions you specified did not hold");
        goto out;
    }
    lhv1_bytes headers = {kept.data, kept.len};
    /* The proxy's upstream keeps them itself: they go with its PUT. */
    if (proxy && !(send = stored_headers_lines(headers, NULL))) {
        serve_reply_error(r, q, 500, "InternalError", "out of memory");
        goto out;
    }
    pthread_mutex_lock(&s->lock);
    rc = object_write(s, dkey, (lhv1_bytes){body.data, body.len}, &body, md5, headers,
                      (const char *const *)send, &dp, &err);
    time_t modified = rc == 0 ? object_meta_modified(s, dkey, md5) : 0;
    pthread_mutex_unlock(&s->lock);
    if (rc < 0)
        serve_store_error(q, r, &err);
    else
        copy_result(r, modified, md5, headers);
out:
    http_faults_http_effects(&dg, q, r);
    http_faults_http_effects(&dp, q, r);
    lhv1_buf_free(&src);
    lhv1_buf_free(&body);
    lhv1_buf_free(&kept);
    lhv1_buf_free(&source);
    free(send);
}
