/* The envelope half of the Go prediction (docs/FORMAT.md 5a):
 * encoding/json.Unmarshal into the Go model's envelope struct, then its
 * version check. A model of encoding/json's scanner and decoder over the
 * bytes, in one pass and constant memory: no parse tree, so `lhv1 verify`
 * never holds a second tree beside the library's. cJSON cannot stand in
 * for it: it cuts keys at \u0000, stops at 1,000 levels, fails on lone
 * surrogates that Go reads as U+FFFD, and keeps no number literal. Syntax
 * errors win over type errors (Go's checkValid runs first); type errors
 * are collected and decoding goes on, as Go's saveError does. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go_predict.h"
#include "json_lex.h"

/* encoding/json's nesting limit. */
#define GO_JSON_MAX_DEPTH 10000
typedef struct gjson {
    const uint8_t *p;
    size_t n, i;
    size_t depth;
    int syntax;      /* a syntax error was met: Go fails before decoding */
    int type_errors; /* json: cannot unmarshal ... */
    int64_t version; /* the last version member read */
    char first_error[112];
} gjson;

/* What a member's value is decoded into. */
typedef enum role {
    ROLE_SKIP,       /* an unknown member: scanned, not decoded */
    ROLE_ANY,        /* inside metadata: every number becomes a float64 */
    ROLE_ROOT,       /* envelopeV1 */
    ROLE_PARAMS,     /* Params */
    ROLE_METADATA,   /* map[string]map[string]any */
} role;

static int syntax_error(gjson *g, const char *what)
{
    if (!g->syntax)
        snprintf(g->first_error, sizeof g->first_error, "%s at offset %zu", what, g->i);
    g->syntax = 1;
    return -1;
}

static void type_error(gjson *g, const char *field)
{
    if (g->type_errors++ == 0 && !g->syntax)
        snprintf(g->first_error, sizeof g->first_error,
                 "json: cannot unmarshal into Go struct field %s (offset %zu)", field, g->i);
}

static void skip_ws(gjson *g)
{
    while (g->i < g->n && (g->p[g->i] == ' ' || g->p[g->i] == '\t' || g->p[g->i] == '\n' ||
                           g->p[g->i] == '\r'))
        g->i++;
}

static int hex4(const uint8_t *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* A decoded key, kept only as far as it can still name a field: no field
 * name is longer than 9 letters, each at most 3 bytes once folded. */
#define KEY_KEEP 32
typedef struct key {
    uint8_t b[KEY_KEEP];
    size_t len; /* the decoded length, even beyond KEY_KEEP */
} key;

static void key_put(key *k, uint8_t c)
{
    if (k && k->len < KEY_KEEP)
        k->b[k->len] = c;
    if (k)
        k->len++;
}

static void key_rune(key *k, unsigned r)
{
    if (r < 0x80) {
        key_put(k, (uint8_t)r);
    } else if (r < 0x800) {
        key_put(k, (uint8_t)(0xC0 | r >> 6));
        key_put(k, (uint8_t)(0x80 | (r & 0x3F)));
    } else if (r < 0x10000) {
        key_put(k, (uint8_t)(0xE0 | r >> 12));
        key_put(k, (uint8_t)(0x80 | ((r >> 6) & 0x3F)));
        key_put(k, (uint8_t)(0x80 | (r & 0x3F)));
    } else {
        key_put(k, (uint8_t)(0xF0 | r >> 18));
        key_put(k, (uint8_t)(0x80 | ((r >> 12) & 0x3F)));
        key_put(k, (uint8_t)(0x80 | ((r >> 6) & 0x3F)));
        key_put(k, (uint8_t)(0x80 | (r & 0x3F)));
    }
}

/* A string at p[i] == '"', by Go's scanner; decoded into `k` (when not
 * NULL) as Go's unquote does: escapes resolved, \u0000 kept, a lone
 * surrogate as U+FFFD. Raw bytes are kept as they are: an invalid one
 * (U+FFFD to Go) can no more name a field than U+FFFD can. */
static int scan_string(gjson *g, key *k)
{
    g->i++;
    for (;;) {
        if (g->i >= g->n)
            return syntax_error(g, "unexpected end of JSON input in a string");
        uint8_t c = g->p[g->i];
        if (c == '"') {
            g->i++;
            return 0;
        }
        if (c < 0x20)
            return syntax_error(g, "invalid character in string literal");
        if (c != '\\') {
            key_put(k, c);
            g->i++;
            continue;
        }
        if (g->i + 1 >= g->n)
            return syntax_error(g, "unexpected end of JSON input in an escape");
        uint8_t e = g->p[g->i + 1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char decoded[] = "\"\\/\b\f\n\r\t";
            key_put(k, (uint8_t)decoded[simple - "\"\\/bfnrt"]);
            g->i += 2;
            continue;
        }
        unsigned u, lo;
        if (e != 'u' || g->i + 6 > g->n || hex4(g->p + g->i + 2, &u) != 0)
            return syntax_error(g, "invalid escape in string literal");
        g->i += 6;
        if (u >= 0xD800 && u < 0xDC00 && g->i + 6 <= g->n && g->p[g->i] == '\\' &&
            g->p[g->i + 1] == 'u' && hex4(g->p + g->i + 2, &lo) == 0 && lo >= 0xDC00 &&
            lo <= 0xDFFF) {
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            g->i += 6;
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            u = 0xFFFD;
        }
        key_rune(k, u);
    }
}

/* Whether a number literal (valid by the grammar) is beyond float64, as
 * strconv.ParseFloat decides (correct rounding, like strtod): strtod runs
 * on its first significant digits, a sticky digit for the rest and its
 * decimal exponent, so no copy of a long literal is needed. */
static int beyond_float64(const uint8_t *p, size_t n)
{
    size_t i = p[0] == '-';
    char buf[840];
    size_t b = 0, kept = 0;
    int dropped = 0;
    long long point = 0; /* digits before the decimal point, from the first kept */
    int seen = 0, in_frac = 0;
    for (; i < n && p[i] != 'e' && p[i] != 'E'; i++) {
        if (p[i] == '.') {
            in_frac = 1;
            continue;
        }
        if (!seen && p[i] == '0') {
            if (in_frac)
                point--;
            continue;
        }
        seen = 1;
        if (!in_frac)
            point++;
        if (kept < 780)
            buf[2 + kept++] = (char)p[i];
        else if (p[i] != '0')
            dropped = 1;
    }
    if (!seen)
        return 0;
    long long exp = 0;
    if (i < n) {
        i++;
        int neg = i < n && p[i] == '-';
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        for (; i < n; i++)
            if (exp < 1000000000LL)
                exp = exp * 10 + (p[i] - '0');
        exp = neg ? -exp : exp;
    }
    long long e10 = point + exp; /* value = 0.<digits> x 10^e10 */
    if (e10 > 400)
        return 1;
    if (e10 < -400)
        return 0;
    buf[0] = '0';
    buf[1] = '.';
    b = 2 + kept;
    if (dropped)
        buf[b++] = '1';
    snprintf(buf + b, sizeof buf - b, "e%lld", e10);
    return isinf(strtod(buf, NULL));
}

static int scan_literal(gjson *g, const char *word)
{
    size_t len = strlen(word);
    if (g->n - g->i < len || memcmp(g->p + g->i, word, len) != 0)
        return syntax_error(g, "invalid literal");
    g->i += len;
    return 0;
}

/* A number at p[i]; its literal in *at / *len. */
static int scan_number(gjson *g, size_t *at, size_t *len)
{
    size_t k = lhv1_json_number_len(g->p + g->i, g->n - g->i);
    if (k == 0)
        return syntax_error(g, "invalid number literal");
    *at = g->i;
    *len = k;
    g->i += k;
    return 0;
}

/* An object member's key (into `k`, unless NULL) and its ':', as Go's
 * scanner reports their absence. */
static int scan_member_key(gjson *g, key *k)
{
    if (g->i >= g->n || g->p[g->i] != '"')
        return syntax_error(g, "invalid character looking for beginning of object key string");
    if (scan_string(g, k) != 0)
        return -1;
    skip_ws(g);
    if (g->i >= g->n || g->p[g->i] != ':')
        return syntax_error(g, "invalid character after object key");
    g->i++;
    return 0;
}

/* One value of any depth, without recursion: the open containers are a
 * bit each (1 = object). With `any`, a number beyond float64 is a type
 * error (Go decodes it into an interface as float64). */
static int scan_value(gjson *g, int any)
{
    uint8_t open[GO_JSON_MAX_DEPTH / 8 + 1];
    size_t d = 0;
    for (;;) {
        skip_ws(g);
        if (g->i >= g->n)
            return syntax_error(g, "unexpected end of JSON input");
        uint8_t c = g->p[g->i];
        int closed = 0; /* a complete value was just read */
        if (c == '{' || c == '[') {
            if (g->depth + 1 > GO_JSON_MAX_DEPTH)
                return syntax_error(g, "exceeded max nesting depth");
            g->depth++;
            open[d / 8] = (uint8_t)((open[d / 8] & ~(1u << d % 8)) | (c == '{') << d % 8);
            d++;
            g->i++;
            skip_ws(g);
            if (g->i < g->n && g->p[g->i] == (c == '{' ? '}' : ']')) {
                g->i++;
                g->depth--;
                d--;
                closed = 1;
            } else if (c == '{') {
                if (scan_member_key(g, NULL) != 0)
                    return -1;
            }
        } else if (c == '"') {
            if (scan_string(g, NULL) != 0)
                return -1;
            closed = 1;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t at, len;
            if (scan_number(g, &at, &len) != 0)
                return -1;
            if (any && beyond_float64(g->p + at, len))
                type_error(g, "metadata (number beyond float64)");
            closed = 1;
        } else if (c == 't' || c == 'f' || c == 'n') {
            if (scan_literal(g, c == 't' ? "true" : c == 'f' ? "false" : "null") != 0)
                return -1;
            closed = 1;
        } else {
            return syntax_error(g, "invalid character looking for beginning of value");
        }
        while (closed) {
            if (d == 0)
                return 0;
            int obj = open[(d - 1) / 8] >> (d - 1) % 8 & 1;
            skip_ws(g);
            if (g->i >= g->n)
                return syntax_error(g, "unexpected end of JSON input");
            if (g->p[g->i] == (obj ? '}' : ']')) {
                g->i++;
                g->depth--;
                d--;
                continue;
            }
            if (g->p[g->i] != ',')
                return syntax_error(g, obj ? "invalid character after object key:value pair"
                                           : "invalid character after array element");
            g->i++;
            closed = 0;
            if (obj) {
                skip_ws(g);
                if (scan_member_key(g, NULL) != 0)
                    return -1;
            }
        }
    }
}

static int at_null(gjson *g)
{
    return g->i < g->n && g->p[g->i] == 'n';
}

/* Go's `int` field: a number that strconv.ParseInt takes (digits only,
 * within int64) or null (no change); anything else is a type error. */
static int int_field(gjson *g, const char *field, int64_t *out)
{
    if (at_null(g))
        return scan_literal(g, "null");
    if (g->i >= g->n || !(g->p[g->i] == '-' || (g->p[g->i] >= '0' && g->p[g->i] <= '9'))) {
        type_error(g, field);
        return scan_value(g, 0);
    }
    size_t at, len;
    if (scan_number(g, &at, &len) != 0)
        return -1;
    char buf[24];
    const uint8_t *lit = g->p + at;
    if (memchr(lit, '.', len) || memchr(lit, 'e', len) || memchr(lit, 'E', len) ||
        len >= sizeof buf) {
        type_error(g, field);
        return 0;
    }
    memcpy(buf, lit, len);
    buf[len] = '\0';
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno) {
        type_error(g, field);
        return 0;
    }
    if (out)
        *out = v;
    return 0;
}

/* A Go `string` field: a string or null. */
static int string_field(gjson *g, const char *field)
{
    if (at_null(g))
        return scan_literal(g, "null");
    if (g->i < g->n && g->p[g->i] == '"')
        return scan_string(g, NULL);
    type_error(g, field);
    return scan_value(g, 0);
}

static int decode_object(gjson *g, role r);

/* A field of a struct or map type: an object (decoded as `r`) or null. */
static int object_field(gjson *g, const char *field, role r)
{
    if (at_null(g))
        return scan_literal(g, "null");
    if (g->i < g->n && g->p[g->i] == '{')
        return r == ROLE_ANY ? scan_value(g, 1) : decode_object(g, r);
    type_error(g, field);
    return scan_value(g, 0);
}

static int key_is(const key *k, const char *field)
{
    return k->len <= KEY_KEEP && lhv1_go_key_matches(k->b, k->len, field);
}

/* One member's value, by the role of the object it is in. */
static int decode_member(gjson *g, role r, const key *k)
{
    if (r == ROLE_ROOT) {
        if (key_is(k, "version"))
            return int_field(g, "version", &g->version);
        if (key_is(k, "count"))
            return int_field(g, "count", NULL);
        if (key_is(k, "params"))
            return object_field(g, "params", ROLE_PARAMS);
        if (key_is(k, "metadata"))
            return object_field(g, "metadata", ROLE_METADATA);
    } else if (r == ROLE_PARAMS) {
        if (key_is(k, "name"))
            return string_field(g, "params.name");
        if (key_is(k, "distance"))
            return string_field(g, "params.distance");
        if (key_is(k, "dimension"))
            return int_field(g, "params.dimension", NULL);
        if (key_is(k, "m"))
            return int_field(g, "params.m", NULL);
        if (key_is(k, "ef_search"))
            return int_field(g, "params.ef_search", NULL);
    } else if (r == ROLE_METADATA) {
        return object_field(g, "metadata", ROLE_ANY); /* each value a map[string]any */
    }
    return scan_value(g, 0); /* unknown member: skipped unread */
}

/* An object Go decodes into a struct or a map, at p[i] == '{'. */
static int decode_object(gjson *g, role r)
{
    if (++g->depth > GO_JSON_MAX_DEPTH)
        return syntax_error(g, "exceeded max nesting depth");
    g->i++;
    skip_ws(g);
    if (g->i < g->n && g->p[g->i] == '}') {
        g->i++;
        g->depth--;
        return 0;
    }
    for (;;) {
        key k = {.len = 0};
        if (scan_member_key(g, &k) != 0)
            return -1;
        skip_ws(g);
        if (decode_member(g, r, &k) != 0)
            return -1;
        skip_ws(g);
        if (g->i < g->n && g->p[g->i] == '}') {
            g->i++;
            g->depth--;
            return 0;
        }
        if (g->i >= g->n || g->p[g->i] != ',')
            return syntax_error(g, "invalid character after object key:value pair");
        g->i++;
        skip_ws(g);
    }
}

lhv1_go lhv1_go_envelope(const uint8_t *p, size_t n, char *why, size_t why_len)
{
    gjson g = {.p = p, .n = n};
    skip_ws(&g);
    if (g.i >= n) {
        syntax_error(&g, "unexpected end of JSON input");
    } else if (p[g.i] == '{') {
        decode_object(&g, ROLE_ROOT);
    } else if (p[g.i] == 'n') {
        scan_literal(&g, "null"); /* no change: version stays 0 */
    } else {
        type_error(&g, "(the envelope is not an object)");
        scan_value(&g, 0);
    }
    if (!g.syntax) {
        skip_ws(&g);
        if (g.i < n)
            syntax_error(&g, "invalid character after top-level value");
    }
    if (g.syntax || g.type_errors) {
        snprintf(why, why_len, "decode envelope: %s", g.first_error);
        return LHV1_GO_ERROR;
    }
    if (g.version != 1) {
        snprintf(why, why_len, "decode envelope: unsupported envelope version %lld",
                 (long long)g.version);
        return LHV1_GO_ERROR;
    }
    return LHV1_GO_OK;
}

