/* S3 reply bodies through expat (see s3_reply.h). */
#include "s3_reply.h"

#include <expat.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

/* Namespace processing on: a name arrives as "URI|local" (or "local"). */
#define NS_SEP '|'
#define NS_SEP_STR "|"

static const char *local_name(const XML_Char *name)
{
    const char *bar = strrchr(name, NS_SEP);
    return bar ? bar + 1 : name;
}

enum field { F_NONE, F_KEY, F_TRUNCATED, F_TOKEN, F_ENCODING };
static const char *const field_names[] = {"", "Key", "IsTruncated", "NextContinuationToken",
                                          "EncodingType"};

struct lhv1_s3_page {
    XML_Parser xp;
    size_t max_bytes, max_text, fed;
    int depth;             /* elements open */
    int in_contents;       /* a <Contents> child of the root is open */
    int contents_keys;     /* <Key>s in it so far */
    enum field field;      /* the element whose text is being collected */
    int field_depth;
    lhv1_buf text;
    lhv1_key_list raw;     /* the keys as sent */
    int truncated;         /* -1 until <IsTruncated> */
    int have_token, have_encoding, url;
    lhv1_buf token;
    lhv1_key_list keys;    /* decoded, by lhv1_s3_page_end */
    int failed, oom, ended;
    char error[200];
};

static void refuse(lhv1_s3_page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records why the page is refused and stops expat (from a handler). */
static void refuse(lhv1_s3_page *p, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error, sizeof p->error, fmt, ap);
    va_end(ap);
    XML_StopParser(p->xp, XML_FALSE);
}

static void out_of_memory(lhv1_s3_page *p)
{
    p->oom = 1;
    refuse(p, "out of memory");
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    lhv1_s3_page *p = ud;
    const char *local = local_name(name);
    if (p->field) {
        refuse(p, "<%.40s> inside <%s>", local, field_names[p->field]);
        return;
    }
    if (p->depth >= LHV1_S3_DEPTH_MAX) {
        refuse(p, "elements nested deeper than %d", LHV1_S3_DEPTH_MAX);
        return;
    }
    if (p->depth == 0) {
        if (strcmp(local, "ListBucketResult")) {
            refuse(p, "the root element is <%.40s>, not <ListBucketResult>", local);
            return;
        }
    } else if (p->depth == 1) {
        int twice = 0;
        if (!strcmp(local, "Contents")) {
            p->in_contents = 1;
            p->contents_keys = 0;
        } else if (!strcmp(local, "IsTruncated")) {
            p->field = F_TRUNCATED;
            twice = p->truncated >= 0;
        } else if (!strcmp(local, "NextContinuationToken")) {
            p->field = F_TOKEN;
            twice = p->have_token;
        } else if (!strcmp(local, "EncodingType")) {
            p->field = F_ENCODING;
            twice = p->have_encoding;
        }
        if (twice) {
            refuse(p, "<%s> twice", local);
            return;
        }
    } else if (p->depth == 2 && p->in_contents && !strcmp(local, "Key")) {
        if (p->contents_keys++) {
            refuse(p, "a <Contents> with two <Key>s");
            return;
        }
        p->field = F_KEY;
    }
    if (p->field) {
        lhv1_buf_reset(&p->text);
        p->field_depth = p->depth;
    }
    p->depth++;
}

/* The collected text of a field is complete. */
static void field_done(lhv1_s3_page *p)
{
    lhv1_bytes t = {p->text.data, p->text.len};
    switch (p->field) {
    case F_KEY:
        if (lhv1_key_list_push(&p->raw, t) < 0)
            out_of_memory(p);
        break;
    case F_TRUNCATED:
        if (lhv1_bytes_eq(t, lhv1_bytes_str("true")))
            p->truncated = 1;
        else if (lhv1_bytes_eq(t, lhv1_bytes_str("false")))
            p->truncated = 0;
        else
            refuse(p, "<IsTruncated> is neither true nor false");
        break;
    case F_TOKEN:
        p->have_token = 1;
        lhv1_buf_reset(&p->token);
        if (lhv1_buf_append(&p->token, t.data, t.len) < 0)
            out_of_memory(p);
        break;
    case F_ENCODING:
        p->have_encoding = 1;
        if (lhv1_bytes_eq(t, lhv1_bytes_str("url")))
            p->url = 1;
        else
            refuse(p, "<EncodingType> is not url");
        break;
    case F_NONE:
        break;
    }
    p->field = F_NONE;
}

static void on_end(void *ud, const XML_Char *name)
{
    (void)name;
    lhv1_s3_page *p = ud;
    p->depth--;
    if (p->field && p->depth == p->field_depth) {
        field_done(p);
    } else if (p->depth == 1 && p->in_contents) {
        p->in_contents = 0;
        if (!p->contents_keys)
            refuse(p, "a <Contents> without a <Key>");
    }
}

static void on_text(void *ud, const XML_Char *s, int len)
{
    lhv1_s3_page *p = ud;
    if (!p->field)
        return;
    if ((size_t)len > p->max_text - p->text.len) {
        refuse(p, "<%s> longer than %zu bytes", field_names[p->field], p->max_text);
        return;
    }
    if (lhv1_buf_append(&p->text, s, (size_t)len) < 0)
        out_of_memory(p);
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                       const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    refuse(ud, "a DOCTYPE (refused: no entity is declared or expanded)");
}

/* expat allocates through liblhv1's allocator, as the rest of the client:
 * out of memory there is reported as such (and a test can make it fail). */
static const XML_Memory_Handling_Suite xml_memory = {lhv1_malloc, lhv1_realloc, lhv1_free};

lhv1_s3_page *lhv1_s3_page_new(size_t max_bytes, size_t max_text)
{
    lhv1_s3_page *p = lhv1_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->xp = XML_ParserCreate_MM(NULL, &xml_memory, NS_SEP_STR);
    if (!p->xp) {
        lhv1_free(p);
        return NULL;
    }
    p->max_bytes = max_bytes;
    p->max_text = max_text;
    p->truncated = -1;
    lhv1_buf_init(&p->text);
    lhv1_buf_init(&p->token);
    lhv1_key_list_init(&p->raw);
    lhv1_key_list_init(&p->keys);
    XML_SetUserData(p->xp, p);
    XML_SetElementHandler(p->xp, on_start, on_end);
    XML_SetCharacterDataHandler(p->xp, on_text);
    XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
    return p;
}

void lhv1_s3_page_free(lhv1_s3_page *p)
{
    if (!p)
        return;
    XML_ParserFree(p->xp);
    lhv1_buf_free(&p->text);
    lhv1_buf_free(&p->token);
    lhv1_key_list_free(&p->raw);
    lhv1_key_list_free(&p->keys);
    lhv1_free(p);
}

/* After XML_Parse failed: expat's own error unless a handler refused. */
static int parse_failed(lhv1_s3_page *p)
{
    if (!p->failed) {
        enum XML_Error e = XML_GetErrorCode(p->xp);
        if (e == XML_ERROR_NO_MEMORY) {
            p->oom = 1;
            p->failed = 1;
            snprintf(p->error, sizeof p->error, "out of memory");
        } else {
            p->failed = 1;
            snprintf(p->error, sizeof p->error, "not well-formed XML at byte %lld: %s",
                     (long long)XML_GetCurrentByteIndex(p->xp), XML_ErrorString(e));
        }
    }
    return -1;
}

int lhv1_s3_page_feed(lhv1_s3_page *p, const void *data, size_t n)
{
    if (p->failed || p->ended)
        return -1;
    if (n > p->max_bytes - p->fed) {
        p->failed = 1;
        snprintf(p->error, sizeof p->error, "a page of more than %zu bytes", p->max_bytes);
        return -1;
    }
    p->fed += n;
    const char *s = data;
    while (n) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        if (XML_Parse(p->xp, s, chunk, XML_FALSE) != XML_STATUS_OK)
            return parse_failed(p);
        s += chunk;
        n -= (size_t)chunk;
    }
    return 0;
}

static int hexval(uint8_t c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* encoding-type=url as S3 writes it: %XX for a byte, '+' for a space
 * (a '+' of the key comes as %2B). -1 on a malformed escape. */
static int url_decode(lhv1_bytes s, lhv1_buf *out)
{
    for (size_t i = 0; i < s.len; i++) {
        uint8_t c = s.data[i];
        if (c == '%') {
            if (i + 2 >= s.len)
                return -1;
            int hi = hexval(s.data[i + 1]), lo = hexval(s.data[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            lhv1_buf_putc(out, (uint8_t)(hi * 16 + lo));
            i += 2;
        } else {
            lhv1_buf_putc(out, c == '+' ? ' ' : c);
        }
    }
    return 0;
}

int lhv1_s3_page_end(lhv1_s3_page *p)
{
    if (p->failed || p->ended)
        return -1;
    p->ended = 1;
    if (XML_Parse(p->xp, "", 0, XML_TRUE) != XML_STATUS_OK)
        return parse_failed(p);
    if (p->truncated < 0) {
        p->failed = 1;
        snprintf(p->error, sizeof p->error, "no <IsTruncated>");
        return -1;
    }
    if (p->truncated && !p->token.len) {
        p->failed = 1;
        snprintf(p->error, sizeof p->error, "truncated without a continuation token");
        return -1;
    }
    lhv1_buf k;
    lhv1_buf_init(&k);
    for (size_t i = 0; i < p->raw.n; i++) {
        lhv1_buf_reset(&k);
        if (p->url && url_decode(p->raw.keys[i], &k) < 0) {
            p->failed = 1;
            snprintf(p->error, sizeof p->error, "key %zu of the page is not URL-encoded", i + 1);
            break;
        }
        lhv1_bytes key = p->url ? (lhv1_bytes){k.data, k.len} : p->raw.keys[i];
        if (k.failed || lhv1_key_list_push(&p->keys, key) < 0) {
            p->failed = p->oom = 1;
            snprintf(p->error, sizeof p->error, "out of memory");
            break;
        }
    }
    lhv1_buf_free(&k);
    return p->failed ? -1 : 0;
}

const char *lhv1_s3_page_error(const lhv1_s3_page *p)
{
    return p->failed ? p->error : "";
}

int lhv1_s3_page_oom(const lhv1_s3_page *p)
{
    return p->oom;
}

const lhv1_key_list *lhv1_s3_page_keys(const lhv1_s3_page *p)
{
    return &p->keys;
}

int lhv1_s3_page_truncated(const lhv1_s3_page *p)
{
    return p->truncated == 1;
}

lhv1_bytes lhv1_s3_page_token(const lhv1_s3_page *p)
{
    return p->truncated == 1 ? (lhv1_bytes){p->token.data, p->token.len}
                             : (lhv1_bytes){NULL, 0};
}

/* --- an error document ------------------------------------------------- */

typedef struct error_doc {
    XML_Parser xp;
    int depth, in_code, have_code, bad;
    char *code;
    size_t cap, len;
} error_doc;

static void err_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    error_doc *d = ud;
    const char *local = local_name(name);
    if (d->depth == 0 && strcmp(local, "Error"))
        d->bad = 1;
    if (d->in_code || d->depth >= LHV1_S3_DEPTH_MAX)
        d->bad = 1;
    if (d->depth == 1 && !strcmp(local, "Code")) {
        if (d->have_code++)
            d->bad = 1;
        d->in_code = 1;
    }
    if (d->bad)
        XML_StopParser(d->xp, XML_FALSE);
    d->depth++;
}

static void err_end(void *ud, const XML_Char *name)
{
    (void)name;
    error_doc *d = ud;
    d->depth--;
    if (d->depth == 1)
        d->in_code = 0;
}

static void err_text(void *ud, const XML_Char *s, int len)
{
    error_doc *d = ud;
    if (!d->in_code)
        return;
    if ((size_t)len >= d->cap - d->len) {
        d->bad = 1;
        XML_StopParser(d->xp, XML_FALSE);
        return;
    }
    memcpy(d->code + d->len, s, (size_t)len);
    d->len += (size_t)len;
}

static void err_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                        const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    error_doc *d = ud;
    d->bad = 1;
    XML_StopParser(d->xp, XML_FALSE);
}

int lhv1_s3_error_code(const void *body, size_t len, char *code, size_t n)
{
    if (n == 0)
        return -1;
    code[0] = 0;
    if (len > INT_MAX)
        return -1;
    error_doc d = {0};
    d.code = code;
    d.cap = n;
    d.xp = XML_ParserCreate_MM(NULL, &xml_memory, NS_SEP_STR);
    if (!d.xp)
        return -2;
    XML_SetUserData(d.xp, &d);
    XML_SetElementHandler(d.xp, err_start, err_end);
    XML_SetCharacterDataHandler(d.xp, err_text);
    XML_SetStartDoctypeDeclHandler(d.xp, err_doctype);
    int parsed = XML_Parse(d.xp, body ? body : "", (int)len, XML_TRUE) == XML_STATUS_OK;
    int oom = !parsed && XML_GetErrorCode(d.xp) == XML_ERROR_NO_MEMORY;
    int ok = parsed && !d.bad && d.have_code;
    XML_ParserFree(d.xp);
    code[ok ? d.len : 0] = 0;
    return ok ? 0 : oom ? -2 : -1;
}
