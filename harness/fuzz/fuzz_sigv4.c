/* sigv4: the text `lhv1 serve --auth` reads before it trusts a request
 * (src/serve/sigv4_parse.c). The input is four lines: an Authorization
 * value, an x-amz-date, a raw query string, a header value (each cut at a
 * NUL, as the HTTP library hands them over).
 *
 * Oracles: an accepted Authorization has lowercase, strictly ascending
 * signed names and a 64-hex signature, and printed back in the canonical
 * layout parses to the same fields; an accepted date printed back from its
 * seconds (gmtime) is the same text; a canonical query holds only
 * unreserved bytes, uppercase %XX escapes, '=' and '&', has one parameter
 * per non-empty input segment, and is its own canonical form; a canonical
 * header value has no leading, trailing, doubled or tab whitespace and
 * equals the input once all whitespace is removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_helpers.h"
#include "sigv4_parse.h"

/* The NUL-terminated copy of d[0:n] up to its first NUL (caller frees). */
static char *cstr(const uint8_t *d, size_t n)
{
    const uint8_t *z = memchr(d, 0, n);
    size_t len = z ? (size_t)(z - d) : n;
    char *s = malloc(len + 1);
    FUZZ_ASSERT(s != NULL);
    memcpy(s, d, len);
    s[len] = 0;
    return s;
}

static void check_authorization(const char *v)
{
    sigv4_authz a, b;
    char why[160];
    if (sigv4_parse_authorization(v, &a, why, sizeof why) < 0) {
        FUZZ_ASSERT(why[0] != 0);
        return;
    }
    FUZZ_ASSERT(a.n_signed >= 1 && a.n_signed <= SIGV4_MAX_SIGNED);
    for (size_t i = 0; i < a.n_signed; i++) {
        FUZZ_ASSERT(a.names[i][0] != 0);
        for (const char *p = a.names[i]; *p; p++)
            FUZZ_ASSERT(!(*p >= 'A' && *p <= 'Z') && *p != ';' && *p > ' ');
        FUZZ_ASSERT(i == 0 || strcmp(a.names[i - 1], a.names[i]) < 0);
        FUZZ_ASSERT(sigv4_is_signed(&a, a.names[i]));
    }
    FUZZ_ASSERT(strlen(a.signature) == 64 && strspn(a.signature, "0123456789abcdef") == 64);
    FUZZ_ASSERT(strlen(a.date) == 8 && strspn(a.date, "0123456789") == 8);
    static char again[16384];
    int n = snprintf(again, sizeof again,
                     "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, "
                     "Signature=%s",
                     a.key_id, a.date, a.region, a.service, a.signed_headers, a.signature);
    FUZZ_ASSERT(n > 0 && (size_t)n < sizeof again);
    FUZZ_ASSERT_MSG(sigv4_parse_authorization(again, &b, why, sizeof why) == 0, "%s: %s", again,
                    why);
    FUZZ_ASSERT(!strcmp(a.key_id, b.key_id) && !strcmp(a.date, b.date) &&
                !strcmp(a.region, b.region) && !strcmp(a.service, b.service) &&
                !strcmp(a.signed_headers, b.signed_headers) &&
                !strcmp(a.signature, b.signature) && a.n_signed == b.n_signed);
    for (size_t i = 0; i < a.n_signed; i++)
        FUZZ_ASSERT(!strcmp(a.names[i], b.names[i]));
}

static void check_date(const char *s)
{
    int64_t t;
    if (sigv4_parse_amz_date(s, &t) < 0)
        return;
    time_t tt = (time_t)t;
    struct tm tm;
    FUZZ_ASSERT(gmtime_r(&tt, &tm) != NULL);
    char back[80]; /* ints of any size: no truncation to reason about */
    snprintf(back, sizeof back, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    FUZZ_ASSERT_MSG(!strcmp(back, s), "%s read as %lld, which is %s", s, (long long)t, back);
}

static int is_unreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

static void check_query(const char *raw)
{
    lhv1_buf out, again;
    lhv1_buf_init(&out);
    lhv1_buf_init(&again);
    if (sigv4_canonical_query(raw, strlen(raw), &out) == 0) {
        size_t segments = 0, params = out.len ? 1 : 0;
        for (const char *p = raw; *p;) {
            size_t n = strcspn(p, "&");
            segments += n > 0;
            p += n + (p[n] == '&');
        }
        for (size_t i = 0; i < out.len; i++) {
            char c = (char)out.data[i];
            if (c == '%') {
                FUZZ_ASSERT(i + 2 < out.len);
                for (int k = 1; k <= 2; k++)
                    FUZZ_ASSERT(strchr("0123456789ABCDEF", out.data[i + k]) && out.data[i + k]);
                i += 2;
            } else {
                params += c == '&';
                FUZZ_ASSERT(is_unreserved(c) || c == '=' || c == '&');
            }
        }
        FUZZ_ASSERT_MSG(params == segments, "%zu parameters from %zu segments", params, segments);
        lhv1_buf_putc(&out, 0);
        FUZZ_ASSERT(!out.failed);
        FUZZ_ASSERT(sigv4_canonical_query((const char *)out.data, out.len - 1, &again) == 0);
        FUZZ_ASSERT(again.len == out.len - 1 &&
                    (again.len == 0 || !memcmp(again.data, out.data, again.len)));
    }
    lhv1_buf_free(&out);
    lhv1_buf_free(&again);
}

static void check_header_value(const char *v)
{
    lhv1_buf out;
    lhv1_buf_init(&out);
    sigv4_header_value(&out, v, strlen(v));
    FUZZ_ASSERT(!out.failed);
    const char *o = (const char *)out.data;
    if (out.len) {
        FUZZ_ASSERT(o[0] != ' ' && o[out.len - 1] != ' ');
        for (size_t i = 0; i < out.len; i++)
            FUZZ_ASSERT(o[i] != '\t' && !(o[i] == ' ' && i + 1 < out.len && o[i + 1] == ' '));
    }
    size_t j = 0;
    for (const char *p = v; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        while (j < out.len && o[j] == ' ')
            j++;
        FUZZ_ASSERT(j < out.len && o[j] == *p);
        j++;
    }
    while (j < out.len && o[j] == ' ')
        j++;
    FUZZ_ASSERT(j == out.len);
    lhv1_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void (*const check[4])(const char *) = {check_authorization, check_date, check_query,
                                             check_header_value};
    size_t pos = 0;
    for (int f = 0; f < 4; f++) {
        const uint8_t *nl = pos < size ? memchr(data + pos, '\n', size - pos) : NULL;
        size_t end = f == 3 || !nl ? size : (size_t)(nl - data);
        char *s = cstr(data + pos, end - pos);
        check[f](s);
        free(s);
        pos = end < size ? end + 1 : size;
    }
    return 0;
}
