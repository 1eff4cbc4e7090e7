/* A listing page (listing_page.h). */
#include "listing_page.h"

#include <stdlib.h>
#include <string.h>

#include "checksums.h"
#include "list_page.h"
#include "buckets.h"

/* The store's keys under "<bucket>/<prefix>", sorted: with no rule on the
 * memory backend only the page (its key order), else every key through
 * the fault store. Lock held. -1 missing bucket, -2 store error (err). */
static int keys_read(serve_server *s, const char *bucket, const listing_args *a, size_t blen,
                     http_fault_decision *d, lhv1_key_list *out, lhv1_store_err *err)
{
    if (!serve_bucket_exists(s, bucket))
        return -1;
    lhv1_buf sp;
    lhv1_buf_init(&sp);
    lhv1_buf_printf(&sp, "%s/%s", bucket, a->prefix);
    if (sp.failed) {
        lhv1_buf_free(&sp);
        lhv1_store_oom(err, "listing");
        return -2;
    }
    lhv1_bytes prefix = {sp.data, sp.len};
    http_faults_decide(s->faults, LHV1_OP_LIST, prefix, 0, d);
    int rc;
    if (d->rule_id == 0 && lhv1_is_memory_store(s->store))
        rc = list_page_memory(s->store, prefix, blen, lhv1_bytes_str(a->after),
                              lhv1_bytes_str(a->delim), a->max_keys, out, err);
    else
        rc = http_faults_list(s, d, prefix, out, err);
    lhv1_buf_free(&sp);
    return rc < 0 ? -2 : 0;
}

/* Which keys the page shows, in order: past the marker, a common prefix
 * once, at most max_keys entries. */
static void walk(listing_page *p, const listing_args *a)
{
    size_t alen = strlen(a->after), plen = strlen(a->prefix), dlen = strlen(a->delim);
    for (size_t i = 0; i < p->keys.n; i++) {
        const uint8_t *k = p->keys.keys[i].data + p->blen;
        size_t kl = p->keys.keys[i].len - p->blen;
        if (kl > SERVE_KEY_MAX)
            continue; /* no request names it (a file put under --root by hand),
                       * and no token could carry it */
        if (alen) {
            lhv1_bytes kb = {k, kl}, ab = {(const uint8_t *)a->after, alen};
            if (lhv1_bytes_cmp(kb, ab) <= 0)
                continue;
            /* resuming after a common prefix: its keys were rolled up */
            if (dlen && alen >= dlen && !memcmp(a->after + alen - dlen, a->delim, dlen) &&
                kl >= alen && !memcmp(k, a->after, alen))
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
            continue; /* the previous entry's common prefix */
        if ((long)p->n == a->max_keys) {
            p->truncated = a->max_keys > 0; /* S3: max-keys=0 is an empty, complete page */
            break;
        }
        p->e[p->n++] = (listing_entry){.key = i, .roll = roll};
        p->last = k;
        p->last_len = roll ? roll : kl;
    }
}

/* Sizes and ETags from the backend, unfaulted, without reading a body
 * unless its MD5 is not known yet (then once, on this worker; a key
 * another listing is hashing is taken last). A key that a stale listing
 * shows after its deletion is listed with size 0. 0, or object_meta_get's
 * failure. */
static int objects_info(serve_server *s, listing_page *p, char *why, size_t why_len)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < p->n; j++) {
            listing_entry *e = &p->e[j];
            if (e->roll || (pass == 1 && e->info.size != UINT64_MAX))
                continue;
            int got = object_meta_get(s, p->keys.keys[e->key], &e->info, pass, why, why_len);
            if (got == 2) {
                e->info.size = UINT64_MAX; /* another worker hashes it: later */
            } else if (got == -1) {
                e->info.size = 0;
                serve_md5(NULL, 0, e->info.md5);
            } else if (got < 0) {
                return got;
            }
        }
    return 0;
}

static int page_read(serve_request *q, serve_reply *r, const listing_args *a,
                     http_fault_decision *d, listing_page *p)
{
    serve_server *s = q->srv;
    memset(d, 0, sizeof *d);
    memset(p, 0, sizeof *p);
    lhv1_key_list_init(&p->keys);
    p->blen = strlen(q->bucket) + 1;
    lhv1_store_err err;
    pthread_mutex_lock(&s->lock);
    int rc = keys_read(s, q->bucket, a, p->blen, d, &p->keys, &err);
    pthread_mutex_unlock(&s->lock);
    if (rc == -1) {
        serve_reply_error(r, q, 404, "NoSuchBucket", "The specified bucket does not exist");
        return -1;
    }
    if (rc < 0) {
        serve_store_error(q, r, &err);
        return -1;
    }
    lhv1_key_list_sort(&p->keys);
    p->e = calloc(p->keys.n ? p->keys.n : 1, sizeof *p->e);
    if (!p->e) {
        serve_reply_oom(r, q, "listing");
        return -1;
    }
    walk(p, a);
    char why[300] = "";
    int failed = objects_info(s, p, why, sizeof why);
    if (failed == -3) {
        serve_reply_error(r, q, 503, "SlowDown", "listing: %s", why);
        serve_reply_header(r, "Retry-After", "1");
    } else if (failed && !why[0]) {
        serve_reply_oom(r, q, "listing");
    } else if (failed) {
        serve_reply_error(r, q, 500, "InternalError", "listing: %s", why);
    }
    return failed ? -1 : 0;
}

int listing_page_read(serve_request *q, serve_reply *r, const listing_args *a,
                      http_fault_decision *d, listing_page *p)
{
    if (page_read(q, r, a, d, p) == 0)
        return 0;
    listing_page_free(p);
    http_faults_http_effects(d, q, r);
    return -1;
}

void listing_page_free(listing_page *p)
{
    free(p->e);
    lhv1_key_list_free(&p->keys);
    memset(p, 0, sizeof *p);
}

const uint8_t *listing_entry_key(const listing_page *p, const listing_entry *e, size_t *len)
{
    const lhv1_bytes *k = &p->keys.keys[e->key];
    *len = e->roll ? e->roll : k->len - p->blen;
    return k->data + p->blen;
}

void listing_page_prefixes_xml(lhv1_buf *b, const listing_page *p, int url)
{
    for (size_t j = 0; j < p->n; j++) {
        if (!p->e[j].roll)
            continue;
        size_t kl;
        const uint8_t *k = listing_entry_key(p, &p->e[j], &kl);
        lhv1_buf_puts(b, "<CommonPrefixes>");
        xml_element(b, "Prefix", url, k, kl);
        lhv1_buf_puts(b, "</CommonPrefixes>");
    }
}

void listing_page_objects_xml(lhv1_buf *b, const listing_page *p, int url, const char *tag,
                              const char *after_key, const char *owner)
{
    for (size_t j = 0; j < p->n; j++) {
        const listing_entry *e = &p->e[j];
        if (e->roll)
            continue;
        size_t kl;
        const uint8_t *k = listing_entry_key(p, e, &kl);
        char hex[33];
        serve_hex(e->info.md5, 16, hex);
        lhv1_buf_printf(b, "<%s>", tag);
        xml_element(b, "Key", url, k, kl);
        lhv1_buf_printf(b, "%s<LastModified>", after_key);
        xml_time(b, e->info.modified);
        lhv1_buf_printf(b, "</LastModified><ETag>&quot;%s&quot;</ETag><Size>%llu</Size>"
                           "%s<StorageClass>STANDARD</StorageClass></%s>",
                        hex, (unsigned long long)e->info.size, owner, tag);
    }
}
