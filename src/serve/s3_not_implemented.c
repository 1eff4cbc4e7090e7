/* Out-of-scope S3 operations (s3_handlers.h): the sub-resources a client
 * names in the query, answered with S3's 501 NotImplemented before any
 * handler could take the request for a plain GET or PUT of the object or
 * a listing, and the headers that ask for an algorithm the server
 * lacks. docs/S3.md lists the same tables with the reasons. */
#include <string.h>
#include <strings.h>

#include "s3_handlers.h"

typedef struct out_of_scope {
    const char *arg;     /* the query argument naming the sub-resource */
    const char *methods; /* the methods it is refused for, NULL for all */
    const char *why;
} out_of_scope;

#define NO_IDENTITIES "one identity (--auth) owns every bucket and object"
#define NO_VERSIONS "objects have no versions (GET ?versions lists the one each has)"
#define NO_BACKGROUND "the server runs nothing in the background"
#define NO_CONFIG "no bucket configuration changes what a reader gets"

static const out_of_scope table[] = {
    {"acl", NULL, "access control lists: " NO_IDENTITIES},
    {"policy", NULL, "bucket policies: " NO_IDENTITIES},
    {"policyStatus", NULL, "bucket policies: " NO_IDENTITIES},
    {"publicAccessBlock", NULL, "public access: " NO_IDENTITIES},
    {"ownershipControls", NULL, "object ownership: " NO_IDENTITIES},
    {"versioning", "PUT", "versioning: " NO_VERSIONS},
    {"object-lock", NULL, "object lock: " NO_VERSIONS},
    {"legal-hold", NULL, "object lock: " NO_VERSIONS},
    {"retention", NULL, "object lock: " NO_VERSIONS},
    {"lifecycle", NULL, "lifecycle rules: " NO_BACKGROUND},
    {"replication", NULL, "replication: " NO_BACKGROUND},
    {"restore", NULL, "archive restore: there is one storage class"},
    {"intelligent-tiering", NULL, "storage tiers: there is one storage class"},
    {"encryption", NULL, "encryption configuration: objects are kept as sent"},
    {"tagging", NULL, "tagging: " NO_CONFIG},
    {"cors", NULL, "CORS: " NO_CONFIG},
    {"website", NULL, "static websites: " NO_CONFIG},
    {"logging", NULL, "access logging: " NO_CONFIG},
    {"notification", NULL, "event notifications: " NO_BACKGROUND},
    {"accelerate", NULL, "transfer acceleration: " NO_CONFIG},
    {"requestPayment", NULL, "requester pays: " NO_IDENTITIES},
    {"analytics", NULL, "analytics: " NO_BACKGROUND},
    {"inventory", NULL, "inventory reports: " NO_BACKGROUND},
    {"metrics", NULL, "request metrics: " NO_BACKGROUND},
    {"select", NULL, "S3 Select: the server returns objects, it does not query them"},
    {"torrent", NULL, "BitTorrent: objects are served over HTTP only"},
    {"attributes", NULL, "GetObjectAttributes: HeadObject gives what is kept"},
    {"uploads", NULL, "multipart uploads: an index is one PUT"},
    {"uploadId", NULL, "multipart uploads: an index is one PUT"},
};

static int method_listed(const char *methods, const char *m)
{
    size_t n = strlen(m);
    for (const char *p = methods; (p = strstr(p, m)) != NULL; p += n)
        if ((p == methods || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
            return 1;
    return 0;
}

/* Request headers that name functionality left out, NULL value for any
 * value. */
typedef struct header_out_of_scope {
    const char *name, *value;
    const char *why;
} header_out_of_scope;

#define NO_CRC64NVME \
    "CRC-64/NVME: no kept library computes it (ISA-L 2.30 has none), and the server " \
    "does not hand-write one"

static const header_out_of_scope header_table[] = {
    {"x-amz-checksum-crc64nvme", NULL, NO_CRC64NVME},
    {"x-amz-sdk-checksum-algorithm", "CRC64NVME", NO_CRC64NVME},
    {"x-amz-checksum-algorithm", "CRC64NVME", NO_CRC64NVME},
    {"x-amz-trailer", "x-amz-checksum-crc64nvme", NO_CRC64NVME},
};

static int header_not_implemented(serve_request *q, serve_reply *r)
{
    for (size_t i = 0; i < sizeof header_table / sizeof *header_table; i++) {
        const header_out_of_scope *e = &header_table[i];
        const char *v = serve_header(q, e->name);
        if (!v || (e->value && strcasecmp(v, e->value)))
            continue;
        serve_reply_error(r, q, 501, "NotImplemented",
                          "A header you provided implies functionality that is not "
                          "implemented: %s is not implemented by lhv1 serve: %s",
                          e->name, e->why);
        serve_reply_header(r, "x-amz-unsupported", "%s", e->name);
        return 1;
    }
    return 0;
}

int s3_not_implemented(serve_request *q, serve_reply *r)
{
    if (header_not_implemented(q, r))
        return 1;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        const out_of_scope *e = &table[i];
        char v[1];
        if (serve_query(q, e->arg, v, sizeof v) == 0) /* -1: present, with a value */
            continue;
        if (e->methods && !method_listed(e->methods, q->method))
            continue;
        serve_reply_error(r, q, 501, "NotImplemented",
                          "?%s is not implemented by lhv1 serve: %s", e->arg, e->why);
        return 1;
    }
    return 0;
}
