/* Reading a request: its headers, query arguments and percent-escapes
 * (serve.h), from what libmicrohttpd parsed. */
#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *serve_header(const serve_request *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

/* Percent-decodes s into out, NUL-terminated, allocating nothing: -1 on a
 * bad escape, a NUL byte, or a value that does not fit. */
static int unescape_into(const char *s, char *out, size_t out_len)
{
    size_t n = 0;
    for (size_t i = 0; s[i]; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            if (!isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
                return -1;
            char hex[3] = {s[i + 1], s[i + 2], 0};
            c = (int)strtol(hex, NULL, 16);
            i += 2;
        }
        if (c == 0 || n + 1 >= out_len)
            return -1;
        out[n++] = (char)c;
    }
    if (n >= out_len)
        return -1;
    out[n] = 0;
    return 0;
}

int serve_query(const serve_request *q, const char *name, char *out, size_t out_len)
{
    /* Argument names are matched decoded; names we look up need no escape. */
    const char *raw = NULL;
    size_t raw_len = 0;
    if (MHD_lookup_connection_value_n(q->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &raw,
                                      &raw_len) != MHD_YES)
        return 0;
    if (!raw) { /* present without '=' ("?location") */
        if (out_len)
            out[0] = 0;
        return 1;
    }
    return unescape_into(raw, out, out_len) < 0 ? -1 : 1;
}

typedef struct allow_ctx {
    const char *const *allowed;
    char bad[64];
} allow_ctx;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    (void)value;
    allow_ctx *a = cls;
    for (const char *const *p = a->allowed; *p; p++)
        if (!strcmp(*p, key))
            return MHD_YES;
    snprintf(a->bad, sizeof a->bad, "%s", key);
    return MHD_NO;
}

int serve_query_allowed(const serve_request *q, serve_reply *r, const char *const *allowed)
{
    allow_ctx a = {allowed, ""};
    MHD_get_connection_values(q->conn, MHD_GET_ARGUMENT_KIND, check_arg, &a);
    if (!a.bad[0])
        return 0;
    serve_reply_error(r, q, 400, "InvalidArgument", "unsupported query parameter \"%s\"",
                      a.bad);
    return -1;
}
