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
#include "listing_page.h"
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

void s3_get_versioning(serve_request *q, serve_reply *r)
{
    static const char *const args[] = {"versioning", "x-id", NULL};
    if (serve_query_allowed(q, r, args) < 0 || !serve_bucket_required(q, r))
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

void s3_list_versions(serve_request *q, serve_reply *r)
{
    if (!q->on_worker) {
        r->offload = SERVE_OFFLOAD_LISTING; /* it may hash objects, or ask a disk */
        return;
    }
    versions_args a;
    if (read_args(q, r, &a) < 0)
        return;
    listing_args la = {a.prefix, a.marker, a.delim, a.max_keys};
    http_fault_decision d;
    listing_page p;
    if (listing_page_read(q, r, &la, &d, &p) < 0)
        return;
    lhv1_buf *b = &r->body;
    lhv1_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListVersionsResult " XMLNS ">");
    lhv1_buf_printf(b, "<Name>%s</Name>", q->bucket);
    xml_element(b, "Prefix", a.enc[0] != 0, (const uint8_t *)a.prefix, strlen(a.prefix));
    xml_element(b, "KeyMarker", a.enc[0] != 0, (const uint8_t *)a.marker, strlen(a.marker));
    lhv1_buf_printf(b, "<VersionIdMarker>%s</VersionIdMarker>", a.vmarker);
    lhv1_buf_printf(b, "<MaxKeys>%ld</MaxKeys>", a.max_keys);
    if (a.delim[0])
        xml_element(b, "Delimiter", a.enc[0] != 0, (const uint8_t *)a.delim, strlen(a.delim));
    if (a.enc[0])
        lhv1_buf_puts(b, "<EncodingType>url</EncodingType>");
    lhv1_buf_printf(b, "<IsTruncated>%s</IsTruncated>", p.truncated ? "true" : "false");
    if (p.truncated) {
        xml_element(b, "NextKeyMarker", a.enc[0] != 0, p.last, p.last_len);
        lhv1_buf_puts(b, "<NextVersionIdMarker>null</NextVersionIdMarker>");
    }
    listing_page_objects_xml(b, &p, a.enc[0] != 0, "Version",
                             "<VersionId>null</VersionId><IsLatest>true</IsLatest>",
                             "<Owner><ID>lhv1</ID><DisplayName>lhv1</DisplayName></Owner>");
    listing_page_prefixes_xml(b, &p, a.enc[0] != 0);
    lhv1_buf_puts(b, "</ListVersionsResult>\n");
    listing_page_free(&p);
    serve_reply_header(r, "Content-Type", "application/xml");
    http_faults_http_effects(&d, q, r);
}
