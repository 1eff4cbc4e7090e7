/* SigV4 text parsing (see sigv4_parse.h). */
#include "sigv4_parse.h"
#include "fail_why.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_lower_token(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

static int is_hex_lower(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Copies s[0:n] into out (cap bytes) when it fits and every byte passes
 * `ok`; 0 or -1. */
static int copy_part(char *out, size_t cap, const char *s, size_t n, int (*ok)(char))
{
    if (n == 0 || n >= cap)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!ok(s[i]))
            return -1;
    memcpy(out, s, n);
    out[n] = 0;
    return 0;
}

static int is_key_char(char c)
{
    return c > 0x20 && c < 0x7f && c != '/' && c != ',' && c != '=';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int parse_credential(const char *v, size_t n, sigv4_authz *a, char *why, size_t why_len)
{
    const char *part[5];
    size_t len[5];
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != '/')
            continue;
        if (k == 5)
            return lhv1_fail_why(why, why_len, "Credential has more than five parts");
        part[k] = v + start;
        len[k++] = i - start;
        start = i + 1;
    }
    if (k != 5)
        return lhv1_fail_why(why, why_len,
                             "Credential is not KEY/DATE/REGION/SERVICE/aws4_request");
    if (copy_part(a->key_id, sizeof a->key_id, part[0], len[0], is_key_char) < 0)
        return lhv1_fail_why(why, why_len, "bad access key id in Credential");
    if (len[1] != 8 || copy_part(a->date, sizeof a->date, part[1], len[1], is_digit) < 0)
        return lhv1_fail_why(why, why_len, "bad date in Credential (want YYYYMMDD)");
    if (copy_part(a->region, sizeof a->region, part[2], len[2], is_lower_token) < 0)
        return lhv1_fail_why(why, why_len, "bad region in Credential");
    if (copy_part(a->service, sizeof a->service, part[3], len[3], is_lower_token) < 0)
        return lhv1_fail_why(why, why_len, "bad service in Credential");
    if (len[4] != 12 || memcmp(part[4], "aws4_request", 12))
        return lhv1_fail_why(why, why_len, "Credential does not end in aws4_request");
    return 0;
}

static int parse_signed_headers(const char *v, size_t n, sigv4_authz *a, char *why,
                                size_t why_len)
{
    if (n == 0)
        return lhv1_fail_why(why, why_len, "SignedHeaders is empty");
    if (n >= sizeof a->signed_headers)
        return lhv1_fail_why(why, why_len, "SignedHeaders is too long");
    memcpy(a->signed_headers, v, n);
    a->signed_headers[n] = 0;
    a->n_signed = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != ';')
            continue;
        size_t len = i - start;
        if (a->n_signed == SIGV4_MAX_SIGNED)
            return lhv1_fail_why(why, why_len, "more than %d signed headers", SIGV4_MAX_SIGNED);
        char *name = a->names[a->n_signed];
        if (copy_part(name, SIGV4_NAME_MAX, v + start, len, is_lower_token) < 0)
            return lhv1_fail_why(why, why_len,
                                 "SignedHeaders holds an empty, long or non-lowercase name");
        if (a->n_signed && strcmp(a->names[a->n_signed - 1], name) >= 0)
            return lhv1_fail_why(why, why_len, "SignedHeaders is not sorted or repeats a name");
        a->n_signed++;
        start = i + 1;
    }
    return 0;
}

int sigv4_parse_authorization(const char *value, sigv4_authz *a, char *why, size_t why_len)
{
    static const char algo[] = "AWS4-HMAC-SHA256";
    memset(a, 0, sizeof *a);
    if (strncmp(value, algo, sizeof algo - 1) || value[sizeof algo - 1] != ' ')
        return lhv1_fail_why(why, why_len, "the Authorization header is not AWS4-HMAC-SHA256");
    const char *p = value + sizeof algo - 1;
    int seen_cred = 0, seen_sh = 0, seen_sig = 0;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *eq = p;
        while (*eq && *eq != '=' && *eq != ',' && *eq != ' ')
            eq++;
        if (*eq != '=')
            return lhv1_fail_why(why, why_len, "Authorization: a component without '='");
        size_t nl = (size_t)(eq - p);
        const char *v = eq + 1;
        size_t vl = strcspn(v, ", ");
        int rc;
        if (nl == 10 && !memcmp(p, "Credential", 10) && !seen_cred++) {
            rc = parse_credential(v, vl, a, why, why_len);
        } else if (nl == 13 && !memcmp(p, "SignedHeaders", 13) && !seen_sh++) {
            rc = parse_signed_headers(v, vl, a, why, why_len);
        } else if (nl == 9 && !memcmp(p, "Signature", 9) && !seen_sig++) {
            rc = vl == 64 ? 0 : -1;
            for (size_t i = 0; rc == 0 && i < vl; i++)
                rc = is_hex_lower(v[i]) ? 0 : -1;
            if (rc == 0) {
                memcpy(a->signature, v, 64);
                a->signature[64] = 0;
            } else {
                lhv1_fail_why(why, why_len, "Signature is not 64 lowercase hex digits");
            }
        } else {
            return lhv1_fail_why(why, why_len,
                                 "Authorization: unknown or repeated component \"%.*s\"",
                                 (int)(nl > 32 ? 32 : nl), p);
        }
        if (rc < 0)
            return -1;
        p = v + vl;
        while (*p == ' ')
            p++;
        if (*p == ',')
            p++;
        else if (*p)
            return lhv1_fail_why(why, why_len, "Authorization: components not separated by ','");
    }
    if (!seen_cred || !seen_sh || !seen_sig)
        return lhv1_fail_why(why, why_len,
                             "Authorization needs Credential, SignedHeaders and Signature");
    return 0;
}

int sigv4_is_signed(const sigv4_authz *a, const char *name)
{
    /* names are sorted: a binary search */
    size_t lo = 0, hi = a->n_signed;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->names[mid], name);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int sigv4_parse_amz_date(const char *s, int64_t *out)
{
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return -1;
    int y = digits(s, 4), mo = digits(s + 4, 2), d = digits(s + 6, 2);
    int h = digits(s + 9, 2), mi = digits(s + 11, 2), se = digits(s + 13, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        se < 0 || se > 59)
        return -1;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap))
        return -1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

void sigv4_uri_encode(lhv1_buf *b, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            lhv1_buf_putc(b, c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            lhv1_buf_append(b, e, 3);
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0:n] and appends it SigV4-encoded to out; -1 on a bad
 * escape. */
static int recode(lhv1_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c == '%') {
            if (n - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                return -1;
            c = (uint8_t)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        }
        sigv4_uri_encode(out, &c, 1);
    }
    return 0;
}

typedef struct qparam {
    size_t off, klen, len; /* in the encoded buffer: name, '=', value */
} qparam;

static int cmp_bytes(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

/* By name, then by value ('=' is not compared: "a" sorts before "a-"). */
static int cmp_param(const uint8_t *base, const qparam *a, const qparam *b)
{
    int c = cmp_bytes(base + a->off, a->klen, base + b->off, b->klen);
    if (c)
        return c;
    return cmp_bytes(base + a->off + a->klen + 1, a->len - a->klen - 1,
                     base + b->off + b->klen + 1, b->len - b->klen - 1);
}

int sigv4_canonical_query(const char *raw, size_t len, lhv1_buf *out)
{
    qparam p[SIGV4_MAX_QUERY];
    size_t n = 0;
    lhv1_buf enc;
    lhv1_buf_init(&enc);
    size_t start = 0;
    int rc = 0;
    for (size_t i = 0; i <= len && rc == 0; i++) {
        if (i < len && raw[i] != '&')
            continue;
        size_t seg = i - start;
        const char *s = raw + start;
        start = i + 1;
        if (seg == 0)
            continue; /* "a=1&&b=2", a trailing '&', an empty query */
        if (n == SIGV4_MAX_QUERY) {
            rc = -1;
            break;
        }
        const char *eq = memchr(s, '=', seg);
        size_t kl = eq ? (size_t)(eq - s) : seg;
        p[n].off = enc.len;
        rc = recode(&enc, s, kl);
        p[n].klen = enc.len - p[n].off;
        /* '=' is encoded as %3D inside names and values: a literal one
         * here separates them and cannot be confused with their bytes. */
        lhv1_buf_putc(&enc, '=');
        if (rc == 0 && eq)
            rc = recode(&enc, eq + 1, seg - kl - 1);
        p[n].len = enc.len - p[n].off;
        n++;
    }
    if (rc == 0 && !enc.failed) {
        for (size_t i = 1; i < n; i++) { /* insertion sort: n is small */
            qparam x = p[i];
            size_t j = i;
            for (; j && cmp_param(enc.data, &p[j - 1], &x) > 0; j--)
                p[j] = p[j - 1];
            p[j] = x;
        }
        for (size_t i = 0; i < n; i++) {
            if (i)
                lhv1_buf_putc(out, '&');
            lhv1_buf_append(out, enc.data + p[i].off, p[i].len);
        }
    }
    int failed = rc < 0 || enc.failed || out->failed;
    lhv1_buf_free(&enc);
    return failed ? -1 : 0;
}

void sigv4_header_value(lhv1_buf *b, const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == ' ' || v[i] == '\t') {
            space = 1;
            continue;
        }
        if (space)
            lhv1_buf_putc(b, ' ');
        space = 0;
        lhv1_buf_putc(b, (uint8_t)v[i]);
    }
}
