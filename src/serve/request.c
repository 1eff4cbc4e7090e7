/* Reading a request: its headers, query arguments and percent-escapes
 * (serve.h): headers from what libmicrohttpd parsed, the query from the
 * request target as sent. */
#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* lhv1_utf8_valid */
#include "serve.h"

int serve_unescape(const char *s, size_t n, lhv1_buf *out)
{
    lhv1_buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            lhv1_buf_putc(out, (uint8_t)s[i]);
            continue;
        }
        if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
            !isxdigit((unsigned char)s[i + 2]))
            return -1;
        char hex[3] = {s[i + 1], s[i + 2], 0};
        long v = strtol(hex, NULL, 16);
        lhv1_buf_putc(out, (uint8_t)v);
        i += 2;
    }
    return out->failed ? -2 : 0;
}

int serve_key_rule(lhv1_bytes key)
{
    if (key.len == 0)
        return SERVE_KEY_EMPTY;
    if (key.len > SERVE_KEY_MAX)
        return SERVE_KEY_TOO_LONG;
    if (!lhv1_utf8_valid(key))
        return SERVE_KEY_NOT_UTF8;
    if (memchr(key.data, 0, key.len))
        return SERVE_KEY_NUL;
    return 0;
}

int serve_key_check(const serve_request *q, serve_reply *r, lhv1_bytes key)
{
    switch (serve_key_rule(key)) {
    case SERVE_KEY_EMPTY:
        serve_reply_error(r, q, 400, "InvalidArgument", "The key is empty");
        return -1;
    case SERVE_KEY_TOO_LONG:
        serve_reply_error(r, q, 400, "KeyTooLongError", "Your key is too long");
        return -1;
    case SERVE_KEY_NOT_UTF8:
        serve_reply_error(r, q, 400, "InvalidURI", "Couldn't parse the specified URI.");
        return -1;
    case SERVE_KEY_NUL:
        serve_reply_error(r, q, 400, "InvalidArgument",
                          "A key may not hold NUL: no listing, token or marker could carry it");
        return -1;
    }
    return 0;
}

const char *serve_header(const serve_request *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

/* The query's arguments in the order sent, as libmicrohttpd would split
 * them (exchange.c keeps it from doing so): at '&', each name up to its
 * first '=' (value NULL without one), escapes kept; an empty last argument
 * ("a=1&") is none. Stops when `each` returns nonzero, returning that. */
static int each_arg(const serve_request *q,
                    int (*each)(void *cls, const char *name, size_t name_len, const char *value,
                                size_t value_len),
                    void *cls)
{
    const char *p = q->raw_query;
    while (p && *p) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        size_t name_len = eq ? (size_t)(eq - p) : len;
        int rc = each(cls, p, name_len, eq ? eq + 1 : NULL, eq ? len - name_len - 1 : 0);
        if (rc)
            return rc;
        p += len;
        if (*p)
            p++;
    }
    return 0;
}

typedef struct find_ctx {
    const char *name;
    const char *value;
    size_t value_len;
} find_ctx;

static int find_arg(void *cls, const char *name, size_t name_len, const char *value,
                    size_t value_len)
{
    find_ctx *f = cls;
    if (name_len != strlen(f->name) || memcmp(name, f->name, name_len))
        return 0;
    f->value = value;
    f->value_len = value_len;
    return 1;
}

/* Percent-decodes the n bytes at s into out, NUL-terminated, allocating
 * nothing: -1 on a bad escape, a NUL byte, or a value that does not fit. */
static int unescape_into(const char *s, size_t n, char *out, size_t out_len)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
                !isxdigit((unsigned char)s[i + 2]))
                return -1;
            char hex[3] = {s[i + 1], s[i + 2], 0};
            c = (int)strtol(hex, NULL, 16);
            i += 2;
        }
        if (c == 0 || w + 1 >= out_len)
            return -1;
        out[w++] = (char)c;
    }
    if (w >= out_len)
        return -1;
    out[w] = 0;
    return 0;
}

int serve_query(const serve_request *q, const char *name, char *out, size_t out_len)
{
    /* Argument names are matched as sent; names we look up need no escape. */
    find_ctx f = {name, NULL, 0};
    if (!each_arg(q, find_arg, &f))
        return 0;
    if (!f.value) { /* present without '=' ("?location") */
        if (out_len)
            out[0] = 0;
        return 1;
    }
    return unescape_into(f.value, f.value_len, out, out_len) < 0 ? -1 : 1;
}

typedef struct allow_ctx {
    const char *const *allowed;
    char bad[64];
} allow_ctx;

static int check_arg(void *cls, const char *name, size_t name_len, const char *value,
                     size_t value_len)
{
    (void)value;
    (void)value_len;
    allow_ctx *a = cls;
    for (const char *const *p = a->allowed; *p; p++)
        if (strlen(*p) == name_len && !memcmp(*p, name, name_len))
            return 0;
    snprintf(a->bad, sizeof a->bad, "%.*s", (int)(name_len < 63 ? name_len : 63), name);
    return 1;
}

int serve_query_allowed(const serve_request *q, serve_reply *r, const char *const *allowed)
{
    allow_ctx a = {allowed, ""};
    if (!each_arg(q, check_arg, &a))
        return 0;
    serve_reply_error(r, q, 400, "InvalidArgument", "unsupported query parameter \"%s\"",
                      a.bad);
    return -1;
}
