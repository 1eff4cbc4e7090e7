/* Buckets: the cache of names, CreateBucket, HeadBucket, DeleteBucket,
 * ListBuckets, GetBucketLocation, ListObjects (V1 and V2).
 *
 * A bucket is a marker object "_buckets/<name>" in the store (the
 * underscore cannot start a bucket name, so markers never collide with
 * objects), and an object is "<bucket>/<key>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buckets.h"
#include "checksums.h"
#include "http_faults.h"
#include "list_page.h"
#include "listing_page.h"
#include "object_meta.h"
#include "s3_handlers.h"
#include "sigv4.h"

static const char *const bucket_args[] = {
    "list-type", "prefix", "delimiter", "max-keys", "continuation-token", "start-after",
    "encoding-type", "fetch-owner", "marker", "x-id", "location", SERVE_PRESIGN_ARGS, NULL};

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ListBuckets' arguments: prefix, max-buckets (1 to 10,000) and the
 * continuation-token of a previous page (the base64 of its last name). */
typedef struct bucket_page {
    char prefix[1025], after[64];
    int has_prefix; /* sent, even empty: echoed */
    long max;
} bucket_page;

static int read_bucket_page(serve_request *q, serve_reply *r, bucket_page *pg)
{
    char mb[24] = "", tok[128] = "";
    memset(pg, 0, sizeof *pg);
    pg->max = 10000;
    if ((pg->has_prefix = serve_query(q, "prefix", pg->prefix, sizeof pg->prefix)) < 0 ||
        serve_query(q, "max-buckets", mb, sizeof mb) < 0 ||
        serve_query(q, "continuation-token", tok, sizeof tok) < 0) {
        serve_reply_error(r, q, 400, "InvalidArgument", "a listing argument is too long or holds NUL");
        return -1;
    }
    if (mb[0]) {
        char *end;
        pg->max = strtol(mb, &end, 10);
        if (*end || pg->max < 1 || pg->max > 10000) {
            serve_reply_error(r, q, 400, "InvalidArgument",
                              "max-buckets must be a number from 1 to 10000");
            return -1;
        }
    }
    if (tok[0]) {
        long n = serve_base64_decode(tok, (uint8_t *)pg->after, sizeof pg->after - 1);
        if (n <= 0 || memchr(pg->after, 0, (size_t)n)) {
            serve_reply_error(r, q, 400, "InvalidArgument", "The continuation token provided is incorrect");
            return -1;
        }
        pg->after[n] = 0;
    }
    return 0;
}

void s3_list_buckets(serve_request *q, serve_reply *r)
{
    if (strcmp(q->method, "GET") && strcmp(q->method, "HEAD")) {
        serve_reply_error(r, q, 405, "MethodNotAllowed", "only GET lists buckets");
        return;
    }
    static const char *const args[] = {"x-id", "prefix", "max-buckets", "continuation-token",
                                        NULL};
    bucket_page pg;
    if (serve_query_allowed(q, r, args) < 0 || read_bucket_page(q, r, &pg) < 0)
        return;
    serve_server *s = q->srv;
    if (!q->on_worker && !lhv1_is_memory_store(s->store)) {
        r->offload = SERVE_OFFLOAD; /* the lock: a worker may hold it through disk or upstream I/O */
        return;
    }
    lhv1_buf *b = &r->body;
    lhv1_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult "
                     "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>lhv1</ID>"
                     "<DisplayName>lhv1</DisplayName></Owner><Buckets>");
    size_t plen = strlen(pg.prefix), n = 0;
    char last[64] = "";
    int more = 0;
    pthread_mutex_lock(&s->lock);
    /* S3 lists in name order; the cache is kept unsorted. */
    if (s->n_buckets > 1) /* none: the array may be NULL, which qsort must not get */
        qsort(s->buckets, s->n_buckets, sizeof *s->buckets, name_cmp);
    for (size_t i = 0; i < s->n_buckets; i++) {
        const char *name = s->buckets[i];
        if (strncmp(name, pg.prefix, plen) || strcmp(name, pg.after) <= 0)
            continue;
        if (n == (size_t)pg.max) {
            more = 1;
            break;
        }
        n++;
        snprintf(last, sizeof last, "%s", name);
        lhv1_buf_printf(b, "<Bucket><Name>%s</Name><CreationDate>", name);
        xml_time(b, s->started);
        lhv1_buf_puts(b, "</CreationDate></Bucket>");
    }
    pthread_mutex_unlock(&s->lock);
    lhv1_buf_puts(b, "</Buckets>");
    if (more) {
        char tok[128];
        serve_base64((const uint8_t *)last, strlen(last), tok, sizeof tok);
        lhv1_buf_printf(b, "<ContinuationToken>%s</ContinuationToken>", tok);
    }
    if (pg.has_prefix) {
        lhv1_buf_puts(b, "<Prefix>");
        xml_escape(b, (const uint8_t *)pg.prefix, plen);
        lhv1_buf_puts(b, "</Prefix>");
    }
    lhv1_buf_puts(b, "</ListAllMyBucketsResult>\n");
    serve_reply_header(r, "Content-Type", "application/xml");
}

static void marker_key(const char *bucket, char *out, size_t n)
{
    snprintf(out, n, SERVE_BUCKET_MARKERS "%s", bucket);
}

static void create_bucket(serve_request *q, serve_reply *r)
{
    serve_server *s = q->srv;
    char marker[128];
    marker_key(q->bucket, marker, sizeof marker);
    lhv1_store_err err;
    pthread_mutex_lock(&s->lock);
    int rc = 0, existed = serve_bucket_exists(s, q->bucket);
    if (!existed) {
        rc = lhv1_store_put(s->store, lhv1_bytes_str(marker), (lhv1_bytes){NULL, 0}, &err);
        /* the proxy's put lets the lock go: another CreateBucket may have
         * added the name meanwhile */
        if (rc == 0 && !serve_bucket_exists(s, q->bucket) && serve_bucket_add(s, q->bucket) < 0)
            rc = lhv1_store_oom(&err, "bucket list");
    }
    pthread_mutex_unlock(&s->lock);
    if (rc < 0) {
        serve_store_error(q, r, &err);
        return;
    }
    /* S3 answers 409 BucketAlreadyOwnedByYou in every region but
     * us-east-1, which answers 200 for legacy compatibility. */
    if (existed && strcmp(s->cfg.lim.region, "us-east-1")) {
        serve_reply_error(r, q, 409, "BucketAlreadyOwnedByYou",
                          "Your previous request to create the named bucket succeeded and you "
                          "already own it.");
        return;
    }
    serve_reply_header(r, "Location", "/%s", q->bucket);
}

static void delete_bucket(serve_request *q, serve_reply *r)
{
    serve_server *s = q->srv;
    char marker[128], prefix[80];
    marker_key(q->bucket, marker, sizeof marker);
    snprintf(prefix, sizeof prefix, "%s/", q->bucket);
    lhv1_key_list l;
    lhv1_key_list_init(&l);
    lhv1_store_err err;
    pthread_mutex_lock(&s->lock);
    int rc = 0, empty;
    if (lhv1_is_memory_store(s->store)) {
        empty = list_page_memory_empty(s->store, lhv1_bytes_str(prefix));
    } else {
        rc = lhv1_store_list(s->store, lhv1_bytes_str(prefix), &l, &err);
        empty = rc == 0 && l.n == 0;
    }
    if (empty)
        rc = lhv1_store_del(s->store, lhv1_bytes_str(marker), &err);
    if (empty && rc == 0)
        serve_bucket_forget(s, q->bucket);
    pthread_mutex_unlock(&s->lock);
    lhv1_key_list_free(&l);
    if (rc < 0)
        serve_store_error(q, r, &err);
    else if (!empty)
        serve_reply_error(r, q, 409, "BucketNotEmpty", "The bucket you tried to delete is not empty");
    else
        r->status = 204;
}

/* --- listing -------------------------------------------------------- */

typedef struct list_args {
    int v2;
    char prefix[1025], delim[64], after[1025], enc[16];
    char token[1500], start[1025]; /* v2's, echoed as sent */
    int has_token;                 /* sent, even empty: echoed */
    int owner;                     /* Owner in each Contents */
    long max_keys;
} list_args;

/* The owner of every object: the one ListBuckets names. */
#define OWNER_XML "<Owner><ID>lhv1</ID><DisplayName>lhv1</DisplayName></Owner>"


static int read_list_args(serve_request *q, serve_reply *r, list_args *a)
{
    memset(a, 0, sizeof *a);
    char lt[8] = "", mk[24] = "", fo[8] = "";
    char *token = a->token, *start = a->start;
    if (serve_query(q, "list-type", lt, sizeof lt) < 0 ||
        serve_query(q, "prefix", a->prefix, sizeof a->prefix) < 0 ||
        serve_query(q, "delimiter", a->delim, sizeof a->delim) < 0 ||
        serve_query(q, "max-keys", mk, sizeof mk) < 0 ||
        (a->has_token = serve_query(q, "continuation-token", token, sizeof a->token)) < 0 ||
        serve_query(q, "start-after", start, sizeof a->start) < 0 ||
        serve_query(q, "fetch-owner", fo, sizeof fo) < 0 ||
        serve_query(q, "marker", a->after, sizeof a->after) < 0 ||
        serve_query(q, "encoding-type", a->enc, sizeof a->enc) < 0) {
        serve_reply_error(r, q, 400, "InvalidArgument", "a listing argument is too long or holds NUL");
        return -1;
    }
    if (lt[0] && strcmp(lt, "2")) {
        serve_reply_error(r, q, 400, "InvalidArgument", "list-type must be 2");
        return -1;
    }
    a->v2 = lt[0] != 0;
    a->owner = !a->v2 || !strcmp(fo, "true"); /* v1 always sends it */
    if (a->enc[0] && strcmp(a->enc, "url")) {
        serve_reply_error(r, q, 400, "InvalidArgument", "encoding-type must be url");
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
    if (a->v2) {
        a->after[0] = 0;
        if (token[0]) {
            long n = serve_base64_decode(token, (uint8_t *)a->after, sizeof a->after - 1);
            if (n < 0 || memchr(a->after, 0, (size_t)n)) {
                serve_reply_error(r, q, 400, "InvalidArgument", "The continuation token provided is incorrect");
                return -1;
            }
            a->after[n] = 0;
        } else {
            memcpy(a->after, start, sizeof a->after);
        }
    }
    return 0;
}

static void list_objects(serve_request *q, serve_reply *r)
{
    if (!q->on_worker) {
        r->offload = SERVE_OFFLOAD_LISTING; /* it may hash objects, or ask a disk */
        return;
    }
    list_args a;
    if (read_list_args(q, r, &a) < 0)
        return;
    listing_args la = {a.prefix, a.after, a.delim, a.max_keys};
    http_fault_decision d;
    listing_page p;
    if (listing_page_read(q, r, &la, &d, &p) < 0)
        return;
    lhv1_buf *b = &r->body;
    lhv1_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
                     "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    lhv1_buf_printf(b, "<Name>%s</Name>", q->bucket);
    if (a.v2) {
        xml_element(b, "Prefix", a.enc[0] != 0, (const uint8_t *)a.prefix, strlen(a.prefix));
        if (a.start[0])
            xml_element(b, "StartAfter", a.enc[0] != 0, (const uint8_t *)a.start, strlen(a.start));
        if (a.has_token) { /* opaque: echoed as sent, never URL-encoded */
            lhv1_buf_puts(b, "<ContinuationToken>");
            xml_escape(b, (const uint8_t *)a.token, strlen(a.token));
            lhv1_buf_puts(b, "</ContinuationToken>");
        }
    } else {
        /* v1's Prefix comes back as sent even with encoding-type=url:
         * botocore decodes Marker, NextMarker, Delimiter and keys only. */
        lhv1_buf_puts(b, "<Prefix>");
        xml_escape(b, (const uint8_t *)a.prefix, strlen(a.prefix));
        lhv1_buf_puts(b, "</Prefix>");
        xml_element(b, "Marker", a.enc[0] != 0, (const uint8_t *)a.after, strlen(a.after));
    }
    lhv1_buf_printf(b, "<MaxKeys>%ld</MaxKeys>", a.max_keys);
    if (a.delim[0])
        xml_element(b, "Delimiter", a.enc[0] != 0, (const uint8_t *)a.delim, strlen(a.delim));
    if (a.enc[0])
        lhv1_buf_puts(b, "<EncodingType>url</EncodingType>");
    lhv1_buf_printf(b, "<IsTruncated>%s</IsTruncated>", p.truncated ? "true" : "false");
    if (a.v2) {
        lhv1_buf_printf(b, "<KeyCount>%zu</KeyCount>", p.n);
        char tok[1500];
        if (p.truncated) {
            serve_base64(p.last, p.last_len, tok, sizeof tok);
            lhv1_buf_printf(b, "<NextContinuationToken>%s</NextContinuationToken>", tok);
        }
    } else if (p.truncated && a.delim[0]) {
        /* S3 sends it with a delimiter only; without, the last Key is it. */
        xml_element(b, "NextMarker", a.enc[0] != 0, p.last, p.last_len);
    }
    listing_page_objects_xml(b, &p, a.enc[0] != 0, "Contents", "", a.owner ? OWNER_XML : "");
    listing_page_prefixes_xml(b, &p, a.enc[0] != 0);
    lhv1_buf_puts(b, "</ListBucketResult>\n");
    listing_page_free(&p);
    serve_reply_header(r, "Content-Type", "application/xml");
    http_faults_http_effects(&d, q, r);
}

void s3_bucket_op(serve_request *q, serve_reply *r)
{
    serve_server *s = q->srv;
    char loc[4];
    int listing = !strcmp(q->method, "GET") && serve_query(q, "location", loc, sizeof loc) != 1;
    if (!q->on_worker && !lhv1_is_memory_store(s->store)) {
        /* disk or network I/O */
        r->offload = listing ? SERVE_OFFLOAD_LISTING : SERVE_OFFLOAD;
        return;
    }
    char sub[1];
    if (!strcmp(q->method, "POST") && serve_query(q, "delete", sub, sizeof sub)) {
        s3_delete_objects(q, r);
        return;
    }
    if (!strcmp(q->method, "GET") && serve_query(q, "versions", sub, sizeof sub)) {
        s3_list_versions(q, r);
        return;
    }
    if (!strcmp(q->method, "GET") && serve_query(q, "versioning", sub, sizeof sub)) {
        s3_get_versioning(q, r);
        return;
    }
    if (serve_query_allowed(q, r, bucket_args) < 0)
        return;
    if (!strcmp(q->method, "PUT")) {
        create_bucket(q, r);
        return;
    }
    if (!serve_bucket_required(q, r))
        return;
    if (!strcmp(q->method, "HEAD")) {
        serve_reply_header(r, "x-amz-bucket-region", "us-east-1");
    } else if (!strcmp(q->method, "DELETE")) {
        delete_bucket(q, r);
    } else if (!strcmp(q->method, "GET") && !listing) {
        lhv1_buf_puts(&r->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint "
                                "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LocationConstraint>\n");
        serve_reply_header(r, "Content-Type", "application/xml");
    } else if (!strcmp(q->method, "GET")) {
        list_objects(q, r);
    } else {
        serve_reply_error(r, q, 405, "MethodNotAllowed", "%s is not allowed on a bucket", q->method);
    }
}
