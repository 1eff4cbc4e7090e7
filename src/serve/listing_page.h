/* One page of a bucket listing, as ListObjects (v1, v2) and
 * ListObjectVersions show it: which keys are objects, which roll up into
 * a common prefix, and each object's size, ETag and date. The operations
 * differ only in their arguments and XML. */
#ifndef LHV1_SERVE_LISTING_PAGE_H
#define LHV1_SERVE_LISTING_PAGE_H

#include "http_faults.h"
#include "object_meta.h"
#include "serve.h"

typedef struct listing_args {
    const char *prefix, *after, *delim; /* after: the marker, the page starts past it */
    long max_keys;                      /* 0..1000 */
} listing_args;

/* An entry of the page: keys.keys[key] is "<bucket>/<key>"; an object when
 * roll is 0, else the common prefix of its first roll bytes after
 * "<bucket>/". */
typedef struct listing_entry {
    size_t key, roll;
    obj_info info; /* objects only */
} listing_entry;

typedef struct listing_page {
    lhv1_key_list keys;
    size_t blen; /* strlen("<bucket>/") */
    listing_entry *e;
    size_t n;
    int truncated;
    const uint8_t *last; /* the last entry (after "<bucket>/"): the next marker */
    size_t last_len;
} listing_page;

/* The page of q's bucket (on a worker thread). 0: the caller writes the
 * page, applies the HTTP effects of the fault decision `d` last and calls
 * listing_page_free. -1: the reply is made (404 NoSuchBucket, the store's
 * error, 503 SlowDown when the in-flight budget is full, 500, out of
 * memory) with the decision's effects, and nothing is left to free. */
int listing_page_read(serve_request *q, serve_reply *r, const listing_args *a,
                      http_fault_decision *d, listing_page *p);
void listing_page_free(listing_page *p);

/* The entry's key after "<bucket>/" and its length (the prefix's for a
 * common prefix). */
const uint8_t *listing_entry_key(const listing_page *p, const listing_entry *e, size_t *len);

/* The page's common prefixes, <CommonPrefixes><Prefix>..., as both
 * listings end. */
void listing_page_prefixes_xml(lhv1_buf *b, const listing_page *p, int url);

/* The page's objects: <tag><Key>, after_key (XML), LastModified, ETag,
 * Size, owner (XML), StorageClass. */
void listing_page_objects_xml(lhv1_buf *b, const listing_page *p, int url, const char *tag,
                              const char *after_key, const char *owner);

#endif
