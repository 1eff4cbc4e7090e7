/* Versions on buckets that never had versioning (s3_handlers.h): every
 * object has one version, "null". ListObjectVersions (GET ?versions) lists
 * each object once, IsLatest; GetBucketVersioning (GET ?versioning)
 * answers the empty configuration of a bucket never versioned; object
 * requests take ?versionId=null as the object itself. What SDK and
 * test-suite cleanup helpers call before deleting a bucket. */
#include <stdlib.h>
#include <string.h>

#include "checksums.h"
#include "http_faults.h"
#include "object_meta.h"
#include "s3_handlers.h"

#define XMLNS "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

int s3_version_id_ok(serve_request *q, serve_reply *r)
{
    char v[8];
    int got = serve_query(q, "versionId", v, sizeof v);
    if (got == 0 || (got == 1 && !strcmp(v, "null")))
        return 0;
    serve_reply_error(r, q, 400, "InvalidArgument",
                      "Invalid version id specified: objects are not versioned");
    return -1;
}

static int bucket_known(serve_request *q, serve_reply *r)
{
    pthread_mutex_lock(&q->srv->lock);
    int exists = serve_bucket_exists(q->srv, q->bucket);
    pthread_mutex_unlock(&q->srv->lock);
    if (!exists)
        serve_reply_error(r, q, 404, "NoSuchBucket", "The specified bucket does not exist");
    return exists;
}

void s3_get_versioning(serve_request *q, serve_reply *r)
{
    static const char *const args[] = {"versioning", "x-id", NULL};
    if (serve_query_allowed(q, r, args) < 0 || !bucket_known(q, r))
        return;
    lhv1_buf_puts(&r->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                            "<VersioningConfiguration " XMLNS "/>\n");
    serve_reply_header(r, "Content-Type", "application/xml");
}

typedef struct versions_args {
    char prefix[1025], delim[64], marker[1025], vmarker[64], enc[8];
    long max_keys;
} versions_args;

static int read_args(serve_request *q, serve_reply *r, versions_args *a)
{
    static const char *const args[] = {"versions", "prefix", "delimiter", "key-marker",
                                       "version-id-marker", "max-keys", "encoding-type", "x-id",
                                       NULL};
    if (serve_query_allowed(q, r, args) < 0)
        return -1;
    memset(a, 0, sizeof *a);
    char mk[24] = "";
    if (serve_query(q, "prefix", a->prefix, sizeof a->prefix) < 0 ||
        serve_query(q, "delimiter", a->delim, sizeof a->delim) < 0 ||
        serve_query(q, "key-marker", a->marker, sizeof a->marker) < 0 ||
        serve_query(q, "version-id-marker", a->vmarker, sizeof a->vmarker) < 0 ||
        serve_query(q, "max-keys", mk, sizeof mk) < 0 ||
        serve_query(q, "encoding-type", a->enc, sizeof a->enc) < 0) {
        serve_reply_error(r, q, 400, "InvalidArgument", "a listing argument is too long or holds NUL");
        return -1;
    }
    if (a->enc[0] && strcmp(a->enc, "url")) {
        serve_reply_error(r, q, 400, "InvalidArgument", "Invalid Encoding Method specified in Request");
        return -1;
    }
    /* S3: a version-id-marker needs a key-marker; the only version is null. */
    if (a->vmarker[0] && (!a->marker[0] || strcmp(a->vmarker, "null"))) {
        serve_reply_error(r, q, 400, "InvalidArgument",
                          a->marker[0] ? "Invalid version id specified"
                                       : "A version-id marker cannot be specified without a key marker.");
        return -1;
    }
    a->max_keys = 1000;
    if (mk[0]) {
        char *end;
        long v = strtol(mk, &end, 10);
        if (*end || v < 0) {
            serve_reply_error(r, q, 400, "InvalidArgument", "max-keys must be a number >= 0");
            return -1;
        }
        a->max_keys = v > 1000 ? 1000 : v;
    }
    return 0;
}

static void put_text(lhv1_buf *b, const versions_args *a, const char *tag, const uint8_t *s,
                     size_t n)
{
    lhv1_buf_printf(b, "<%s>", tag);
    if (a->enc[0])
        xml_url_escape(b, s, n);
    else
        xml_escape(b, s, n);
    lhv1_buf_printf(b, "</%s>", tag);
}

/* The page of keys (after the bucket's "<bucket>/"): the objects in
 * `page`, the common prefixes written to `prefixes`. */
typedef struct page {
    size_t *idx, n;
    int truncated;
    const uint8_t *last;
    size_t last_len;
} page;

static void walk(const lhv1_key_list *l, size_t blen, const versions_args *a, page *p,
                 lhv1_buf *prefixes)
{
    size_t mlen = strlen(a->marker), plen = strlen(a->prefix), dlen = strlen(a->delim);
    long count = 0;
    for (size_t i = 0; i < l->n; i++) {
        const uint8_t *k = l->keys[i].data + blen;
        size_t kl = l->keys[i].len - blen;
        if (mlen) {
            lhv1_bytes kb = {k, kl}, mb = {(const uint8_t *)a->marker, mlen};
            if (lhv1_bytes_cmp(kb, mb) <= 0)
                continue;
            /* resuming after a common prefix: its keys were rolled up */
            if (dlen && mlen >= dlen && !memcmp(a->marker + mlen - dlen, a->delim, dlen) &&
                kl >= mlen && !memcmp(k, a->marker, mlen))
                continue;
        }
        size_t roll = 0;
        if (dlen && kl > plen)
            for (size_t j = plen; j + dlen <= kl; j++)
                if (!memcmp(k + j, a->delim, dlen)) {
                    roll = j + dlen;
                    break;
                }
        if (roll && p->last && p->last_len == roll && !memcmp(p->last, k, roll))
            continue;
        if (count == a->max_keys) {
            p->truncated = a->max_keys > 0;
            break;
        }
        count++;
        p->last = k;
        p->last_len = roll ? roll : kl;
        if (roll) {
            lhv1_buf_puts(prefixes, "<CommonPrefixes>");
            put_text(prefixes, a, "Prefix", k, roll);
            lhv1_buf_puts(prefixes, "</CommonPrefixes>");
        } else {
            p->idx[p->n++] = i;
        }
    }
}

/* Sizes and ETags of the page, as a listing gets them (object_meta_get):
 * 0, or the failure's code (-3: no room in the in-flight budget). */
static int page_info(serve_server *s, const lhv1_key_list *l, const page *p, obj_info *info,
                     char *why, size_t why_len)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < p->n; j++) {
            if (pass == 1 && info[j].size != UINT64_MAX)
                continue;
            int got = object_meta_get(s, l->keys[p->idx[j]], &info[j], pass, why, why_len);
            if (got == 2) {
                info[j].size = UINT64_MAX; /* another worker hashes it: later */
            } else if (got == -1) { /* deleted since the listing */
                info[j].size = 0;
                serve_md5(NULL, 0, info[j].md5);
            } else if (got < 0) {
                return got;
            }
        }
    return 0;
}

void s3_list_versions(serve_request *q, serve_reply *r)
{
    if (!q->on_worker) {
        r->offload = SERVE_OFFLOAD_LISTING; /* it may hash objects, or ask a disk */
        return;
    }
    versions_args a;
    if (read_args(q, r, &a) < 0 || !bucket_known(q, r))
        return;
    serve_server *s = q->srv;
    size_t blen = strlen(q->bucket) + 1;
    lhv1_buf sp;
    lhv1_buf_init(&sp);
    lhv1_buf_printf(&sp, "%s/%s", q->bucket, a.prefix);
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    lhv1_store_err err;
    http_fault_decision d;
    pthread_mutex_lock(&s->lock);
    http_faults_decide(s->faults, LHV1_OP_LIST, (lhv1_bytes){sp.data, sp.len}, 0, &d);
    int rc = http_faults_list(s, &d, (lhv1_bytes){sp.data, sp.len}, &l, &err);
    pthread_mutex_unlock(&s->lock);
    lhv1_buf_free(&sp);
    page p = {calloc(l.n ? l.n : 1, sizeof(size_t)), 0, 0, NULL, 0};
    obj_info *info = NULL;
    lhv1_buf prefixes;
    lhv1_buf_init(&prefixes);
    char why[300] = "";
    int failed = 0;
    if (rc < 0) {
        serve_store_error(q, r, &err);
        goto out;
    }
    lhv1_key_list_sort(&l);
    if (p.idx) {
        walk(&l, blen, &a, &p, &prefixes);
        info = calloc(p.n ? p.n : 1, sizeof *info);
    }
    failed = !p.idx || !info ? -2 : page_info(s, &l, &p, info, why, sizeof why);
    if (failed == -3) {
        serve_reply_error(r, q, 503, "SlowDown", "listing: %s", why);
        serve_reply_header(r, "Retry-After", "1");
        goto out;
    } else if (failed) {
        serve_reply_error(r, q, 500, "InternalError", "listing: %s", why[0] ? why : "out of memory");
        goto out;
    }
    lhv1_buf *b = &r->body;
    lhv1_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListVersionsResult " XMLNS ">");
    lhv1_buf_printf(b, "<Name>%s</Name>", q->bucket);
    put_text(b, &a, "Prefix", (const uint8_t *)a.prefix, strlen(a.prefix));
    put_text(b, &a, "KeyMarker", (const uint8_t *)a.marker, strlen(a.marker));
    lhv1_buf_printf(b, "<VersionIdMarker>%s</VersionIdMarker>", a.vmarker);
    lhv1_buf_printf(b, "<MaxKeys>%ld</MaxKeys>", a.max_keys);
    if (a.delim[0])
        put_text(b, &a, "Delimiter", (const uint8_t *)a.delim, strlen(a.delim));
    if (a.enc[0])
        lhv1_buf_puts(b, "<EncodingType>url</EncodingType>");
    lhv1_buf_printf(b, "<IsTruncated>%s</IsTruncated>", p.truncated ? "true" : "false");
    if (p.truncated) {
        put_text(b, &a, "NextKeyMarker", p.last, p.last_len);
        lhv1_buf_puts(b, "<NextVersionIdMarker>null</NextVersionIdMarker>");
    }
    for (size_t j = 0; j < p.n; j++) {
        const lhv1_bytes *k = &l.keys[p.idx[j]];
        char hex[33];
        serve_hex(info[j].md5, 16, hex);
        lhv1_buf_puts(b, "<Version>");
        put_text(b, &a, "Key", k->data + blen, k->len - blen);
        lhv1_buf_puts(b, "<VersionId>null</VersionId><IsLatest>true</IsLatest><LastModified>");
        xml_time(b, info[j].modified);
        lhv1_buf_printf(b, "</LastModified><ETag>&quot;%s&quot;</ETag><Size>%llu</Size>"
                           "<Owner><ID>lhv1</ID><DisplayName>lhv1</DisplayName></Owner>"
                           "<StorageClass>STANDARD</StorageClass></Version>",
                        hex, (unsigned long long)info[j].size);
    }
    lhv1_buf_append(b, prefixes.data, prefixes.len);
    lhv1_buf_puts(b, "</ListVersionsResult>\n");
    serve_reply_header(r, "Content-Type", "application/xml");
out:
    free(p.idx);
    free(info);
    lhv1_buf_free(&prefixes);
    lhv1_key_list_free(&l);
    http_faults_http_effects(&d, q, r);
}
