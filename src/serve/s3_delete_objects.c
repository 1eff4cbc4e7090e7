/* DeleteObjects: POST /<bucket>?delete with a <Delete> document
 * (s3_handlers.h). The body carries Content-MD5 or an x-amz-checksum-*
 * header, verified, as S3 requires; it is parsed with expat, no DTD
 * taken; at most 1000 keys. Each key is a delete through the fault rules
 * (decided as a DELETE of it would be): a store fault is that key's
 * <Error>, an HTTP fault that answers instead of the operation answers
 * the whole request (the keys before it deleted), the others (delay,
 * reset after the work, a cut body) apply to the reply. A key that does
 * not exist is reported deleted, as S3 does. */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "body_limit.h"
#include "http_faults.h"
#include "object_meta.h"
#include "put_digests.h"
#include "s3_handlers.h"

#define MAX_KEYS 1000

typedef struct del_entry {
    lhv1_buf key;
    int too_long;    /* the key is over SERVE_KEY_MAX bytes (cut there) */
    int version;     /* 0 none, 1 "null", -1 another version id */
} del_entry;

typedef struct del_doc {
    XML_Parser xp;
    int depth, malformed, quiet, in_object, has_key;
    int field;       /* 0, 1 Key, 2 VersionId, 3 Quiet (the element open) */
    lhv1_buf text;   /* the open field's character data */
    del_entry *e;
    size_t n;
} del_doc;

/* The local name of an expat namespace-qualified name "uri|name". */
static const char *local(const XML_Char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

static void stop(del_doc *d)
{
    d->malformed = 1;
    XML_StopParser(d->xp, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    del_doc *d = ud;
    const char *n = local(name);
    d->depth++;
    lhv1_buf_reset(&d->text);
    d->field = 0;
    if (d->depth == 1) {
        if (strcmp(n, "Delete"))
            stop(d);
    } else if (d->depth == 2 && !strcmp(n, "Object")) {
        if (d->n == MAX_KEYS) { /* S3: more than 1000 keys is MalformedXML */
            stop(d);
            return;
        }
        memset(&d->e[d->n], 0, sizeof d->e[d->n]);
        lhv1_buf_init(&d->e[d->n].key);
        d->n++;
        d->in_object = 1;
        d->has_key = 0;
    } else if (d->depth == 2 && !strcmp(n, "Quiet")) {
        d->field = 3;
    } else if (d->depth == 3 && d->in_object && !strcmp(n, "Key")) {
        d->field = 1;
    } else if (d->depth == 3 && d->in_object && !strcmp(n, "VersionId")) {
        d->field = 2;
    } else if (d->depth > 3 || (d->depth == 3 && !d->in_object)) {
        stop(d);
    }
    /* Other elements of <Object> (ETag, LastModifiedTime, Size) are
     * conditions S3 added for directory buckets: ignored. */
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    del_doc *d = ud;
    if (!d->field)
        return;
    size_t cap = SERVE_KEY_MAX + 1; /* one more byte tells too_long */
    size_t room = cap - (d->text.len < cap ? d->text.len : cap);
    size_t n = (size_t)len < room ? (size_t)len : room;
    if (lhv1_buf_append(&d->text, s, n) < 0)
        stop(d);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name;
    del_doc *d = ud;
    del_entry *e = d->n ? &d->e[d->n - 1] : NULL;
    const char *t = d->text.len ? (const char *)d->text.data : "";
    size_t tl = d->text.len;
    if (d->field == 1) {
        if (d->has_key++) {
            stop(d);
            return;
        }
        e->too_long = tl > SERVE_KEY_MAX;
        if (lhv1_buf_append(&e->key, t, e->too_long ? SERVE_KEY_MAX : tl) < 0)
            stop(d);
    } else if (d->field == 2) {
        e->version = tl == 4 && !memcmp(t, "null", 4) ? 1 : -1;
    } else if (d->field == 3) {
        if (tl == 4 && !memcmp(t, "true", 4))
            d->quiet = 1;
        else if (!(tl == 5 && !memcmp(t, "false", 5)))
            stop(d);
    } else if (d->depth == 2 && d->in_object) {
        d->in_object = 0;
        if (!d->has_key || !e->key.len)
            stop(d);
    }
    d->field = 0;
    lhv1_buf_reset(&d->text);
    d->depth--;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    stop(ud); /* no DTD, so no entity of ours to expand */
}

static void doc_free(del_doc *d)
{
    for (size_t i = 0; i < d->n; i++)
        lhv1_buf_free(&d->e[i].key);
    free(d->e);
    lhv1_buf_free(&d->text);
    if (d->xp)
        XML_ParserFree(d->xp);
}

/* 0 parsed, -1 malformed, -2 out of memory. */
static int doc_parse(del_doc *d, lhv1_bytes body)
{
    memset(d, 0, sizeof *d);
    lhv1_buf_init(&d->text);
    d->e = calloc(MAX_KEYS, sizeof *d->e);
    d->xp = XML_ParserCreateNS(NULL, '|');
    if (!d->e || !d->xp)
        return -2;
    XML_SetUserData(d->xp, d);
    XML_SetElementHandler(d->xp, on_start, on_end);
    XML_SetCharacterDataHandler(d->xp, on_text);
    XML_SetStartDoctypeDeclHandler(d->xp, on_doctype);
    if (body.len > (size_t)INT32_MAX)
        return -1;
    enum XML_Status st = XML_Parse(d->xp, (const char *)body.data, (int)body.len, XML_TRUE);
    if (st != XML_STATUS_OK || d->malformed || d->n == 0)
        return XML_GetErrorCode(d->xp) == XML_ERROR_NO_MEMORY ? -2 : -1;
    return 0;
}

/* Content-MD5 or an x-amz-checksum-* header is required, and verified. */
typedef struct digest_ctx {
    put_digests l;
    char unknown[64];
} digest_ctx;

static enum MHD_Result gather(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value)
{
    (void)kind;
    digest_ctx *c = cls;
    if (!strcasecmp(key, "Content-MD5")) {
        put_digests_add(&c->l, DIGEST_CONTENT_MD5, value);
    } else if (!strncasecmp(key, "x-amz-checksum-", 15) &&
               strcasecmp(key, "x-amz-checksum-algorithm") && strcasecmp(key, "x-amz-checksum-type")) {
        serve_cksum_alg a = serve_cksum_from_header(key);
        if (a != CKSUM_COUNT)
            put_digests_add(&c->l, a, value);
        else if (!c->unknown[0])
            snprintf(c->unknown, sizeof c->unknown, "%s", key);
    }
    return MHD_YES;
}

static int check_digest(serve_request *q, serve_reply *r)
{
    digest_ctx c;
    memset(&c, 0, sizeof c);
    MHD_get_connection_values(q->conn, MHD_HEADER_KIND, gather, &c);
    if (c.unknown[0]) {
        serve_reply_error(r, q, 400, "InvalidRequest", "checksum %s is not supported", c.unknown);
        return -1;
    }
    if (c.l.n == 0) {
        serve_reply_error(r, q, 400, "InvalidRequest",
                          "Missing required header for this request: Content-MD5 OR x-amz-checksum-*");
        return -1;
    }
    uint8_t md5[16];
    return put_digests_verify(q, r, &c.l, (lhv1_bytes){q->body.data, q->body.len}, md5);
}

static void entry_key(lhv1_buf *b, const del_entry *e)
{
    lhv1_buf_puts(b, "<Key>");
    xml_escape(b, e->key.data, e->key.len);
    lhv1_buf_puts(b, "</Key>");
    if (e->version)
        lhv1_buf_puts(b, "<VersionId>null</VersionId>");
}

static void entry_error(lhv1_buf *b, const del_entry *e, const char *code, const char *msg)
{
    lhv1_buf_puts(b, "<Error>");
    entry_key(b, e);
    lhv1_buf_printf(b, "<Code>%s</Code><Message>", code);
    xml_escape(b, (const uint8_t *)msg, strlen(msg));
    lhv1_buf_puts(b, "</Message></Error>");
}

/* Deletes one key: 0 done (its entry written), 1 an HTTP fault answers
 * the request instead (`d` holds it). */
static int delete_one(serve_request *q, const del_entry *e, lhv1_buf *b, int quiet,
                      http_fault_decision *d)
{
    serve_server *s = q->srv;
    memset(d, 0, sizeof *d);
    if (e->too_long) {
        entry_error(b, e, "KeyTooLongError", "Your key is too long");
        return 0;
    }
    if (e->version < 0) {
        entry_error(b, e, "NoSuchVersion", "objects are not versioned: their one version is null");
        return 0;
    }
    q->key = e->key; /* borrowed for serve_object_key */
    lhv1_buf k;
    lhv1_buf_init(&k);
    int ok = serve_object_key(q, &k) == 0;
    lhv1_buf_init(&q->key);
    if (!ok) {
        lhv1_buf_free(&k);
        entry_error(b, e, "InternalError", "out of memory");
        return 0;
    }
    lhv1_bytes skey = {k.data, k.len};
    lhv1_store_err err;
    int rc = 0;
    /* A key no object can have names nothing: deleted. So does a key the
     * backend cannot hold (the file store's path rules): INVALID_KEY. */
    if (serve_key_rule((lhv1_bytes){e->key.data, e->key.len}) == 0) {
        pthread_mutex_lock(&s->lock);
        http_faults_decide(s->faults, LHV1_OP_DEL, skey, 0, d);
        rc = http_faults_del(s, d, skey, &err);
        object_meta_deleted(s, skey);
        pthread_mutex_unlock(&s->lock);
    }
    lhv1_buf_free(&k);
    if (d->http == LHV1_HTTP_FAULT_SLOWDOWN || d->http == LHV1_HTTP_FAULT_NOT_FOUND_CODE ||
        (d->http == LHV1_HTTP_FAULT_RESET && !d->done))
        return 1;
    if (rc < 0 && err.kind != LHV1_STORE_NOT_FOUND && err.kind != LHV1_STORE_INVALID_KEY) {
        entry_error(b, e, err.status == 503 ? "SlowDown" : "InternalError", err.body);
    } else if (!quiet) {
        lhv1_buf_puts(b, "<Deleted>");
        entry_key(b, e);
        lhv1_buf_puts(b, "</Deleted>");
    }
    return 0;
}

void s3_delete_objects(serve_request *q, serve_reply *r)
{
    if (!q->on_worker) {
        r->offload = SERVE_OFFLOAD; /* up to 1000 deletes */
        return;
    }
    static const char *const args[] = {"delete", "x-id", NULL};
    if (serve_query_allowed(q, r, args) < 0)
        return;
    if (!serve_bucket_required(q, r))
        return;
    if (q->body.len > S3_DELETE_OBJECTS_MAX_BODY) { /* sent without Content-Length */
        serve_reply_error(r, q, 413, "EntityTooLarge", "a DeleteObjects body is at most %u bytes",
                          (unsigned)S3_DELETE_OBJECTS_MAX_BODY);
        return;
    }
    if (check_digest(q, r) < 0)
        return;
    del_doc d;
    int pr = doc_parse(&d, (lhv1_bytes){q->body.data, q->body.len});
    if (pr < 0) {
        doc_free(&d);
        if (pr == -2)
            serve_reply_error(r, q, 500, "InternalError", "out of memory");
        else
            serve_reply_error(r, q, 400, "MalformedXML",
                              "The XML you provided was not well-formed or did not validate "
                              "against our published schema");
        return;
    }
    lhv1_buf *b = &r->body;
    lhv1_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult "
                     "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    http_fault_decision effect; /* the first HTTP fault a key met */
    memset(&effect, 0, sizeof effect);
    for (size_t i = 0; i < d.n; i++) {
        http_fault_decision one;
        int answered = delete_one(q, &d.e[i], b, d.quiet, &one);
        if (one.http != LHV1_HTTP_FAULT_NONE && effect.http == LHV1_HTTP_FAULT_NONE)
            effect = one;
        if (answered)
            break;
    }
    doc_free(&d);
    lhv1_buf_puts(b, "</DeleteResult>\n");
    if (b->failed) {
        lhv1_buf_reset(b);
        serve_reply_error(r, q, 500, "InternalError", "out of memory");
        return;
    }
    serve_reply_header(r, "Content-Type", "application/xml");
    http_faults_http_effects(&effect, q, r);
}
