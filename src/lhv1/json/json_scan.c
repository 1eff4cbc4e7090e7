/* Tree-free JSON (json_scan.h). The first half follows cJSON 1.7's
 * parser step by step, offsets included: its quirks decide verdicts and
 * the offsets of envelope-syntax, so they are kept, not fixed (whitespace
 * is any byte <= 0x20, a skip that reaches the end steps back one byte, a
 * number is what strtod takes of the run of characters [0-9+-.eE], an
 * invalid \u hex digit reads as U+0000, a failed string names the byte
 * after its quote). The second half reads texts it accepted. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_scan.h"

/* --- what cJSON accepts ------------------------------------------------- */

typedef struct cj {
    const uint8_t *p;
    size_t n, off, depth;
} cj;

static void cj_skip_ws(cj *c)
{
    if (c->off >= c->n)
        return;
    while (c->off < c->n && c->p[c->off] <= 32)
        c->off++;
    if (c->off == c->n)
        c->off--;
}

/* parse_hex4: 0 when any of the four is not a hex digit. */
static unsigned cj_hex4(const uint8_t *p)
{
    unsigned h = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c = p[i];
        if (c >= '0' && c <= '9')
            h = h << 4 | (unsigned)(c - '0');
        else if (c >= 'A' && c <= 'F')
            h = h << 4 | (unsigned)(c - 'A' + 10);
        else if (c >= 'a' && c <= 'f')
            h = h << 4 | (unsigned)(c - 'a' + 10);
        else
            return 0;
    }
    return h;
}

/* utf16_literal_to_utf8's acceptance: characters consumed (6 or 12), or 0. */
static size_t cj_utf16(const uint8_t *p, size_t at, size_t end)
{
    if (end - at < 6)
        return 0;
    unsigned first = cj_hex4(p + at + 2);
    if (first >= 0xDC00 && first <= 0xDFFF)
        return 0;
    if (first >= 0xD800 && first <= 0xDBFF) {
        size_t second = at + 6;
        if (end - second < 6 || p[second] != '\\' || p[second + 1] != 'u')
            return 0;
        unsigned code = cj_hex4(p + second + 2);
        if (code < 0xDC00 || code > 0xDFFF)
            return 0;
        return 12;
    }
    return 6;
}

static int cj_string(cj *c)
{
    size_t start = c->off;
    if (start >= c->n || c->p[start] != '"') {
        c->off = start + 1;
        return 0;
    }
    size_t end = start + 1;
    while (end < c->n && c->p[end] != '"') {
        if (c->p[end] == '\\') {
            if (end + 1 >= c->n) {
                c->off = start + 1;
                return 0;
            }
            end++;
        }
        end++;
    }
    if (end >= c->n || c->p[end] != '"') {
        c->off = start + 1;
        return 0;
    }
    for (size_t at = start + 1; at < end;) {
        if (c->p[at] != '\\') {
            at++;
            continue;
        }
        size_t len = 2;
        switch (c->p[at + 1]) {
        case 'b': case 'f': case 'n': case 'r': case 't': case '"': case '\\': case '/': break;
        case 'u': len = cj_utf16(c->p, at, end); break;
        default: len = 0; break;
        }
        if (len == 0) {
            c->off = at;
            return 0;
        }
        at += len;
    }
    c->off = end + 1;
    return 1;
}

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* What strtod takes of the characters [0-9+-.eE] at p[0..n): a sign,
 * digits with at most one '.', at least one digit, then an exponent only
 * when digits follow its letter and sign. 0 when it takes nothing. */
static size_t strtod_len(const uint8_t *p, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (p[i] == '-' || p[i] == '+'))
        i++;
    for (; i < n && is_digit(p[i]); i++)
        digits++;
    if (i < n && p[i] == '.')
        for (i++; i < n && is_digit(p[i]); i++)
            digits++;
    if (!digits)
        return 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (p[j] == '-' || p[j] == '+'))
            j++;
        if (j < n && is_digit(p[j])) {
            while (j < n && is_digit(p[j]))
                j++;
            i = j;
        }
    }
    return i;
}

/* parse_number (with the fix of CVE-2023-26819 that Debian's 1.7.15
 * carries: no 63-character cut): the run of [0-9+-.eE], then what strtod
 * takes of it. */
static int cj_number(cj *c)
{
    size_t i = 0;
    for (; c->off + i < c->n; i++) {
        uint8_t ch = c->p[c->off + i];
        if (!(is_digit(ch) || ch == '+' || ch == '-' || ch == 'e' || ch == 'E' || ch == '.'))
            break;
    }
    size_t took = strtod_len(c->p + c->off, i);
    if (took == 0)
        return 0;
    c->off += took;
    return 1;
}

static int cj_value(cj *c);

/* parse_array and parse_object: `close` is ']' or '}'. */
static int cj_container(cj *c, int object)
{
    uint8_t close = object ? '}' : ']';
    if (c->depth >= CJSON_NESTING_LIMIT)
        return 0;
    c->depth++;
    c->off++;
    cj_skip_ws(c);
    if (c->off < c->n && c->p[c->off] == close)
        goto success;
    if (c->off >= c->n) {
        c->off--;
        return 0;
    }
    c->off--;
    do {
        c->off++;
        cj_skip_ws(c);
        if (object) {
            if (!cj_string(c))
                return 0;
            cj_skip_ws(c);
            if (c->off >= c->n || c->p[c->off] != ':')
                return 0;
            c->off++;
            cj_skip_ws(c);
        }
        if (!cj_value(c))
            return 0;
        cj_skip_ws(c);
    } while (c->off < c->n && c->p[c->off] == ',');
    if (c->off >= c->n || c->p[c->off] != close)
        return 0;
success:
    c->depth--;
    c->off++;
    return 1;
}

static int cj_value(cj *c)
{
    const uint8_t *at = c->p + c->off;
    size_t left = c->off < c->n ? c->n - c->off : 0;
    if (left >= 4 && memcmp(at, "null", 4) == 0) {
        c->off += 4;
        return 1;
    }
    if (left >= 5 && memcmp(at, "false", 5) == 0) {
        c->off += 5;
        return 1;
    }
    if (left >= 4 && memcmp(at, "true", 4) == 0) {
        c->off += 4;
        return 1;
    }
    if (left == 0)
        return 0;
    if (at[0] == '"')
        return cj_string(c);
    if (at[0] == '-' || (at[0] >= '0' && at[0] <= '9'))
        return cj_number(c);
    if (at[0] == '[')
        return cj_container(c, 0);
    if (at[0] == '{')
        return cj_container(c, 1);
    return 0;
}

int lhv1_cjson_accepts(const uint8_t *p, size_t n, size_t *end)
{
    cj c = {p, n, 0, 0};
    if (n == 0) {
        *end = 0;
        return 0;
    }
    if (n > 4 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        c.off = 3;
    cj_skip_ws(&c);
    if (cj_value(&c)) {
        *end = c.off;
        return 1;
    }
    *end = c.off < n ? c.off : n - 1;
    return 0;
}

/* --- reading an accepted text --------------------------------------------- */

static unsigned hex4(const uint8_t *p)
{
    return cj_hex4(p);
}

/* The decoded bytes of one character or escape at p: its length in the
 * text, and up to 4 bytes into out (*n). */
static size_t decode_one(const uint8_t *p, uint8_t out[4], size_t *n)
{
    if (p[0] != '\\') {
        out[0] = p[0];
        *n = 1;
        return 1;
    }
    if (p[1] != 'u') { /* one of \" \\ \/ \b \f \n \r \t */
        switch (p[1]) {
        case 'b': out[0] = '\b'; break;
        case 'f': out[0] = '\f'; break;
        case 'n': out[0] = '\n'; break;
        case 'r': out[0] = '\r'; break;
        case 't': out[0] = '\t'; break;
        default: out[0] = p[1]; break;
        }
        *n = 1;
        return 2;
    }
    unsigned long cp = hex4(p + 2);
    size_t used = 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        cp = 0x10000 + (((cp & 0x3FF) << 10) | (hex4(p + 8) & 0x3FF));
        used = 12;
    }
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        *n = 1;
    } else if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        *n = 2;
    } else if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        *n = 3;
    } else {
        out[0] = (uint8_t)(0xF0 | cp >> 18);
        out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (uint8_t)(0x80 | (cp & 0x3F));
        *n = 4;
    }
    return used;
}

size_t lhv1_json_string_span(const uint8_t *p, size_t *decoded_len)
{
    size_t i = 1, d = 0;
    uint8_t tmp[4];
    while (p[i] != '"') {
        size_t k;
        i += decode_one(p + i, tmp, &k);
        d += k;
    }
    if (decoded_len)
        *decoded_len = d;
    return i + 1;
}

size_t lhv1_json_string_decode(const uint8_t *p, uint8_t *out)
{
    size_t i = 1, d = 0;
    while (p[i] != '"') {
        size_t k;
        i += decode_one(p + i, out + d, &k);
        d += k;
    }
    return d;
}

size_t lhv1_json_string_prefix(const uint8_t *p, uint8_t *out, size_t cap, size_t *full)
{
    size_t i = 1, d = 0, kept = 0;
    uint8_t tmp[4];
    while (p[i] != '"') {
        size_t k;
        i += decode_one(p + i, tmp, &k);
        for (size_t j = 0; j < k && kept < cap; j++)
            out[kept++] = tmp[j];
        d += k;
    }
    *full = d;
    return kept;
}

/* A cursor over a literal's decoded bytes. */
typedef struct cursor {
    const uint8_t *p;
    size_t i;
    uint8_t buf[4];
    size_t have, next;
} cursor;

/* The next decoded byte, or -1 at the closing quote. */
static int cursor_next(cursor *c)
{
    if (c->next == c->have) {
        if (c->p[c->i] == '"')
            return -1;
        c->i += decode_one(c->p + c->i, c->buf, &c->have);
        c->next = 0;
    }
    return c->buf[c->next++];
}

int lhv1_json_string_cmp(const uint8_t *a, const uint8_t *b)
{
    /* The common prefix of the raw bytes, up to an escape: those bytes are
     * their own decoding. */
    size_t i = 1;
    while (a[i] == b[i] && a[i] != '"' && a[i] != '\\')
        i++;
    if (a[i] == '"' && b[i] == '"')
        return 0;
    if (a[i] != '\\' && b[i] != '\\') /* the first difference, or one ends first */
        return a[i] == '"' ? -1 : b[i] == '"' ? 1 : a[i] < b[i] ? -1 : 1;
    cursor x = {a, i, {0}, 0, 0}, y = {b, i, {0}, 0, 0};
    for (;;) {
        int u = cursor_next(&x), v = cursor_next(&y);
        if (u != v)
            return u < v ? -1 : 1;
        if (u < 0)
            return 0;
    }
}

static size_t skip_ws(const uint8_t *p, size_t n, size_t i)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
        i++;
    return i;
}

size_t lhv1_json_string_len(const uint8_t *p, size_t left)
{
    size_t i = 1;
    for (;;) {
        const uint8_t *q = memchr(p + i, '"', left - i);
        i = (size_t)(q - p);
        size_t bs = 0; /* an odd run of backslashes before it escapes it */
        while (p[i - 1 - bs] == '\\')
            bs++;
        if (bs % 2 == 0)
            return i + 1;
        i++;
    }
}

/* What ends a number or a literal. */
static int is_delimiter(uint8_t c)
{
    switch (c) {
    case ',': case ':': case ']': case '}': case ' ': case '\t': case '\n': case '\r': return 1;
    default: return 0;
    }
}

size_t lhv1_json_skip_value(const uint8_t *p, size_t n, size_t at)
{
    size_t depth = 0, i = at;
    do {
        uint8_t c = p[i];
        if (c == '"') {
            i += lhv1_json_string_len(p + i, n - i);
        } else if (c == '[' || c == '{') {
            depth++;
            i++;
        } else if (c == ']' || c == '}') {
            depth--;
            i++;
        } else if (c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
        } else { /* a number or a literal */
            while (i < n && !is_delimiter(p[i]))
                i++;
        }
    } while (depth > 0 && i < n);
    return i;
}

int lhv1_json_next_member(const uint8_t *p, size_t n, size_t *pos, size_t *key, size_t *value)
{
    size_t i = skip_ws(p, n, *pos);
    if (i < n && p[i] != '}')
        i = skip_ws(p, n, i + 1); /* past '{' or ',' */
    if (i >= n || p[i] == '}') {
        *pos = i + 1; /* past the object */
        return 0;
    }
    *key = i;
    i += lhv1_json_string_len(p + i, n - i);
    i = skip_ws(p, n, i);
    i = skip_ws(p, n, i + 1); /* past ':' */
    *value = i;
    *pos = lhv1_json_skip_value(p, n, i);
    return 1;
}
