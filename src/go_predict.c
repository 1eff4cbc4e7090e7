/* What the Go loader does with an object (docs/FORMAT.md section 5a):
 * upstream unframe, then the Go reference's DecodeIndex (golden/gen/model):
 * encoding/json into the envelope struct, then coder/hnsw v0.6.1
 * Graph[string].Import. This file follows Go's read order, not liblhv1's
 * checks: Go validates far less, and dies on some inputs liblhv1 rejects.
 *
 * The envelope is parsed with cJSON; what cJSON accepts and encoding/json
 * does not (control characters, malformed numbers, a byte order mark) is
 * rejected by a lexical pass first, and integer fields are judged on their
 * literal text, because Go's `int` fields refuse "1.0" and "1e3" while cJSON
 * only keeps a double. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "json_lex.h"
#include "lhv1/index.h"

/* Go's runtime refuses (recoverable panic) any single allocation above
 * maxAlloc = 2^48 bytes on 64-bit Linux. */
#define GO_MAX_ALLOC (1ULL << 48)
/* The allocation, peak of one field's read, from which the prediction is
 * `fatal`: the Go reference records Go's behaviour in a child process whose
 * address space has this much room above what it uses at start. */
#define GO_FATAL_BYTES (1ULL << 32)
/* encoding/json's nesting limit. */
#define GO_JSON_MAX_DEPTH 10000
/* Containers opening at a multiple of this depth are checked with cJSON on
 * their own and then emptied in the copy, so cJSON (which stops at
 * CJSON_NESTING_LIMIT) never sees more than twice this depth. */
#define COLLAPSE_DEPTH 400

typedef struct predict {
    char *why;
    size_t why_len;
} predict;

static lhv1_go say(predict *pr, lhv1_go g, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static lhv1_go say(predict *pr, lhv1_go g, const char *fmt, ...)
{
    if (pr->why && pr->why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(pr->why, pr->why_len, fmt, ap);
        va_end(ap);
    }
    return g;
}

/* ------------------------------------------------------------------ */
/* Envelope: encoding/json.Unmarshal into the Go model's struct.        */

typedef struct span {
    size_t off, len;
} span;

typedef struct lexed {
    char *text;      /* copy handed to cJSON (lone surrogates replaced) */
    span *numbers;   /* every number literal outside strings, in order */
    size_t n_numbers;
    size_t next;     /* next literal to pair with a cJSON number */
    size_t *open;    /* offsets of the open brackets, one per depth */
    size_t open_cap;
} lexed;


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

static int push_number(lexed *lx, size_t off, size_t len)
{
    /* Doubling: growing by a constant made this quadratic on 10^5 numbers. */
    if ((lx->n_numbers & (lx->n_numbers - 1)) == 0 && lx->n_numbers >= 16) {
        span *grown = realloc(lx->numbers, lx->n_numbers * 2 * sizeof *grown);
        if (!grown)
            return -1;
        lx->numbers = grown;
    } else if (lx->n_numbers == 0) {
        span *first = realloc(lx->numbers, 16 * sizeof *first);
        if (!first)
            return -1;
        lx->numbers = first;
    }
    lx->numbers[lx->n_numbers++] = (span){off, len};
    return 0;
}

/* The container text[open..close] sits COLLAPSE_DEPTH levels deep (or a
 * multiple): everything deeper in it was emptied already. It must be JSON
 * on its own (Go would reject it otherwise); then its content is blanked,
 * keeping its type. Its numbers leave the literal list; when one was beyond
 * float64 a "1e999" takes their place, so the metadata rule still sees it.
 * Deep containers only occur where Go's types are `any` or skipped, so
 * nothing else of them matters. Returns 0, or -1 (not JSON). */
static int collapse(lexed *lx, size_t open, size_t close)
{
    const char *end = NULL;
    cJSON *sub = cJSON_ParseWithLengthOpts(lx->text + open, close - open + 1, &end, 0);
    int ok = sub != NULL && end == lx->text + close + 1;
    cJSON_Delete(sub);
    if (!ok)
        return -1;
    int beyond = 0;
    size_t keep = lx->n_numbers;
    while (keep > 0 && lx->numbers[keep - 1].off > open)
        keep--;
    for (size_t k = keep; k < lx->n_numbers; k++)
        if (isinf(strtod(lx->text + lx->numbers[k].off, NULL)))
            beyond = 1;
    lx->n_numbers = keep;
    memset(lx->text + open + 1, ' ', close - open - 1);
    if (beyond) {
        /* an infinite literal of >= 5 bytes was inside, so the marker fits */
        const char *marker = lx->text[open] == '[' ? "1e999" : "\"\":1e999";
        size_t at = open + 1, len = strlen(marker);
        memcpy(lx->text + at, marker, len);
        return push_number(lx, at + (len - 5), 5);
    }
    return 0;
}

/* What encoding/json's scanner rejects and cJSON lets through, plus the
 * facts cJSON loses: number literals and nesting depth. Go replaces a lone
 * UTF-16 surrogate escape with U+FFFD where cJSON fails; the copy gets
 * "\uFFFD" in its place so cJSON parses what Go parses. Returns 0, or -1
 * with `why` set. */
static int go_lex(const uint8_t *p, size_t n, lexed *lx, predict *pr)
{
    memset(lx, 0, sizeof *lx);
    lx->text = malloc(n + 1);
    if (!lx->text)
        return say(pr, LHV1_GO_ERROR, "out of memory in the predictor"), -1;
    memcpy(lx->text, p, n);
    lx->text[n] = '\0';
    size_t depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (in_str) {
            if (c < 0x20)
                return say(pr, LHV1_GO_ERROR, "invalid character in string literal at offset %zu", i), -1;
            if (c == '"') {
                in_str = 0;
            } else if (c == '\\' && i + 1 < n) {
                unsigned u, lo;
                /* cJSON reads a bad \u escape as U+0000 and takes any
                 * escaped byte; Go's scanner rejects both. */
                if (!strchr("\"\\/bfnrtu", p[i + 1]) || p[i + 1] == '\0')
                    return say(pr, LHV1_GO_ERROR, "invalid escape in string literal at offset %zu", i), -1;
                if (p[i + 1] == 'u' && (i + 5 >= n || hex4(p + i + 2, &u) != 0))
                    return say(pr, LHV1_GO_ERROR,
                               "invalid character in \\u hexadecimal character escape at offset %zu", i), -1;
                if (p[i + 1] == 'u' && i + 5 < n && hex4(p + i + 2, &u) == 0 &&
                    u >= 0xD800 && u <= 0xDFFF) {
                    int paired = u < 0xDC00 && i + 11 < n && p[i + 6] == '\\' &&
                                 p[i + 7] == 'u' && hex4(p + i + 8, &lo) == 0 &&
                                 lo >= 0xDC00 && lo <= 0xDFFF;
                    if (paired) {
                        i += 11;
                        continue;
                    }
                    memcpy(lx->text + i + 2, "FFFD", 4);
                    i += 5;
                    continue;
                }
                i++;
            }
            continue;
        }
        if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > GO_JSON_MAX_DEPTH)
                return say(pr, LHV1_GO_ERROR, "exceeded max depth at offset %zu", i), -1;
            if (depth >= lx->open_cap) {
                size_t cap2 = lx->open_cap ? lx->open_cap * 2 : 64;
                size_t *grown = realloc(lx->open, cap2 * sizeof *grown);
                if (!grown)
                    return say(pr, LHV1_GO_ERROR, "out of memory in the predictor"), -1;
                lx->open = grown;
                lx->open_cap = cap2;
            }
            lx->open[depth] = i;
        } else if (c == ']' || c == '}') {
            if (depth && depth % COLLAPSE_DEPTH == 0 &&
                collapse(lx, lx->open[depth], i) != 0)
                return say(pr, LHV1_GO_ERROR, "invalid JSON nested %zu deep at offset %zu",
                           depth, lx->open[depth]), -1;
            if (depth)
                depth--;
        } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            return say(pr, LHV1_GO_ERROR, "invalid character 0x%02x at offset %zu", c, i), -1;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t k = lhv1_json_number_len(p + i, n - i);
            size_t end = i;
            while (end < n && strchr("+-.eE0123456789", p[end]) && p[end])
                end++;
            if (k == 0 || k != end - i)
                return say(pr, LHV1_GO_ERROR, "malformed number at offset %zu", i), -1;
            if (push_number(lx, i, k) != 0)
                return say(pr, LHV1_GO_ERROR, "out of memory in the predictor"), -1;
            i = end - 1;
        } else if (c == 0xEF && i == 0 && n >= 3 && p[1] == 0xBB && p[2] == 0xBF) {
            return say(pr, LHV1_GO_ERROR, "invalid character 'ï' looking for beginning of value"), -1;
        }
    }
    return 0;
}

static void lexed_free(lexed *lx)
{
    free(lx->text);
    free(lx->numbers);
    free(lx->open);
}

/* Pairs the next cJSON number (document order) with its literal. */
static span next_number(lexed *lx)
{
    if (lx->next < lx->n_numbers)
        return lx->numbers[lx->next++];
    return (span){0, 0};
}

/* Advances past every number of a subtree Go skips or decodes loosely;
 * returns -1 when one of them is beyond float64 (only when `strict`). */
static int walk_numbers(lexed *lx, const cJSON *node, int strict)
{
    int rc = 0;
    if (cJSON_IsNumber(node)) {
        next_number(lx);
        if (strict && !isfinite(node->valuedouble))
            rc = -1;
    }
    for (const cJSON *c = node->child; c; c = c->next)
        if (walk_numbers(lx, c, strict) != 0)
            rc = -1;
    return rc;
}

/* encoding/json matches a key to a field exactly, else case-insensitively
 * with its folding: ASCII letters, and the four non-ASCII runes that fold
 * into ASCII ones (U+017F long s, U+212A Kelvin sign, U+0131 dotless i,
 * U+0130 dotted I). */
static int go_field_match(const char *key, const char *field)
{
    const uint8_t *k = (const uint8_t *)key;
    for (;; field++) {
        int want = (unsigned char)*field;
        if (want >= 'a' && want <= 'z')
            want -= 'a' - 'A';
        int got;
        if (*k < 0x80) {
            got = *k;
            if (got >= 'a' && got <= 'z')
                got -= 'a' - 'A';
            if (*k)
                k++;
        } else if (k[0] == 0xC5 && k[1] == 0xBF) {
            got = 'S', k += 2;
        } else if (k[0] == 0xE2 && k[1] == 0x84 && k[2] == 0xAA) {
            got = 'K', k += 3;
        } else if (k[0] == 0xC4 && (k[1] == 0xB1 || k[1] == 0xB0)) {
            got = 'I', k += 2;
        } else {
            return 0;
        }
        if (got != want)
            return 0;
        if (want == 0)
            return 1;
    }
}

/* Go's `int` field: a JSON integer literal (no fraction, no exponent)
 * within int64, or null (no change). Returns 0 and sets *v (when not
 * null), or -1 on a type error. */
static int go_int_field(lexed *lx, const cJSON *it, int64_t *v, int *set)
{
    *set = 0;
    if (cJSON_IsNull(it))
        return 0;
    if (!cJSON_IsNumber(it)) {
        walk_numbers(lx, it, 0);
        return -1;
    }
    span s = next_number(lx);
    const char *lit = lx->text + s.off;
    for (size_t i = 0; i < s.len; i++)
        if (lit[i] == '.' || lit[i] == 'e' || lit[i] == 'E')
            return -1;
    char buf[32];
    if (s.len == 0 || s.len >= sizeof buf)
        return -1;
    memcpy(buf, lit, s.len);
    buf[s.len] = '\0';
    char *end;
    errno = 0;
    long long x = strtoll(buf, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    *set = 1;
    return 0;
}

static int go_string_field(lexed *lx, const cJSON *it)
{
    if (cJSON_IsNull(it) || cJSON_IsString(it))
        return 0;
    walk_numbers(lx, it, 0);
    return -1;
}

typedef struct go_env {
    int64_t version;
    int type_errors;
    char first_error[96];
} go_env;

static void type_error(go_env *ge, const char *field)
{
    if (ge->type_errors++ == 0)
        snprintf(ge->first_error, sizeof ge->first_error,
                 "json: cannot unmarshal into Go struct field %s", field);
}

static void go_params(lexed *lx, const cJSON *obj, go_env *ge)
{
    static const char *const strings[] = {"name", "distance"};
    static const char *const ints[] = {"dimension", "m", "ef_search"};
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *k = c->string ? c->string : "";
        int done = 0;
        for (size_t i = 0; i < 2 && !done; i++)
            if (go_field_match(k, strings[i])) {
                if (go_string_field(lx, c) != 0)
                    type_error(ge, strings[i]);
                done = 1;
            }
        for (size_t i = 0; i < 3 && !done; i++)
            if (go_field_match(k, ints[i])) {
                int64_t v;
                int set;
                if (go_int_field(lx, c, &v, &set) != 0)
                    type_error(ge, ints[i]);
                done = 1;
            }
        if (!done)
            walk_numbers(lx, c, 0); /* unknown field: Go skips it */
    }
}

/* map[string]map[string]any: each value an object or null; every number
 * inside becomes a float64, so one beyond its range is an error. */
static void go_metadata(lexed *lx, const cJSON *obj, go_env *ge)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (!cJSON_IsNull(c) && !cJSON_IsObject(c)) {
            walk_numbers(lx, c, 0);
            type_error(ge, "metadata");
            continue;
        }
        if (walk_numbers(lx, c, 1) != 0)
            type_error(ge, "metadata (number beyond float64)");
    }
}

static void go_root(lexed *lx, const cJSON *root, go_env *ge)
{
    for (const cJSON *c = root->child; c; c = c->next) {
        const char *k = c->string ? c->string : "";
        int64_t v;
        int set;
        if (go_field_match(k, "version")) {
            if (go_int_field(lx, c, &v, &set) != 0)
                type_error(ge, "version");
            else if (set)
                ge->version = v;
        } else if (go_field_match(k, "count")) {
            if (go_int_field(lx, c, &v, &set) != 0)
                type_error(ge, "count");
        } else if (go_field_match(k, "params")) {
            if (cJSON_IsObject(c))
                go_params(lx, c, ge);
            else if (!cJSON_IsNull(c)) {
                walk_numbers(lx, c, 0);
                type_error(ge, "params");
            }
        } else if (go_field_match(k, "metadata")) {
            if (cJSON_IsObject(c))
                go_metadata(lx, c, ge);
            else if (!cJSON_IsNull(c)) {
                walk_numbers(lx, c, 0);
                type_error(ge, "metadata");
            }
        } else {
            walk_numbers(lx, c, 0);
        }
    }
}

static lhv1_go predict_envelope(const uint8_t *p, size_t n, predict *pr)
{
    lexed lx;
    if (go_lex(p, n, &lx, pr) != 0) {
        lexed_free(&lx);
        return LHV1_GO_ERROR;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(lx.text, n, &end, 0);
    lhv1_go g = LHV1_GO_OK;
    if (!root) {
        g = say(pr, LHV1_GO_ERROR, n ? "decode envelope: invalid JSON"
                                     : "decode envelope: unexpected end of JSON input");
        goto out;
    }
    size_t pos = (size_t)(end - lx.text);
    while (pos < n && (p[pos] == ' ' || p[pos] == '\t' || p[pos] == '\n' || p[pos] == '\r'))
        pos++;
    if (pos < n) {
        g = say(pr, LHV1_GO_ERROR, "decode envelope: invalid character after top-level value");
        goto out;
    }
    go_env ge = {0};
    if (cJSON_IsObject(root))
        go_root(&lx, root, &ge);
    else if (!cJSON_IsNull(root))
        type_error(&ge, "(the envelope is not an object)");
    if (ge.type_errors)
        g = say(pr, LHV1_GO_ERROR, "decode envelope: %s", ge.first_error);
    else if (ge.version != 1)
        g = say(pr, LHV1_GO_ERROR, "decode envelope: unsupported envelope version %lld",
                (long long)ge.version);
out:
    cJSON_Delete(root);
    lexed_free(&lx);
    return g;
}

/* ------------------------------------------------------------------ */
/* Graph: coder/hnsw v0.6.1 Import, field by field.                     */

typedef struct reader {
    const uint8_t *p;
    size_t n, at;
} reader;

/* binary.ReadVarint: EOF or overflow is an error. */
static int rd_varint(reader *r, int64_t *v, predict *pr, const char *what)
{
    int k = lhv1_varint_read(r->p + r->at, r->n - r->at, v);
    if (k > 0) {
        r->at += (size_t)k;
        return 0;
    }
    say(pr, LHV1_GO_ERROR, "import: reading %s: %s", what,
        k < 0 ? "binary: varint overflows a 64-bit integer"
              : (r->at == r->n ? "EOF" : "unexpected EOF"));
    return -1;
}

/* makeslice(elem, n), with the peak of the read it belongs to: a negative
 * or too-large length panics, an allocation the child cannot back is
 * fatal. Returns LHV1_GO_OK when Go goes on. */
static lhv1_go go_make(int64_t n, uint64_t elem, uint64_t copies, predict *pr, const char *what)
{
    if (n < 0 || (uint64_t)n > GO_MAX_ALLOC / elem)
        return say(pr, LHV1_GO_PANIC, "runtime error: makeslice: len out of range (%s %lld)",
                   what, (long long)n);
    uint64_t bytes = (uint64_t)n * elem;
    if (bytes >= GO_FATAL_BYTES / copies)
        return say(pr, LHV1_GO_FATAL,
                   "fatal error: out of memory (%s of %lld: %llu bytes, %llu times)", what,
                   (long long)n, (unsigned long long)bytes, (unsigned long long)copies);
    return LHV1_GO_OK;
}

/* Bytes Go's map allocates up front for make(map[string]*layerNode, hint)
 * (Go 1.24+ Swiss tables: groups of 8 slots of 24 bytes and a control word;
 * a hint too large to allocate is dropped). */
static uint64_t go_map_bytes(int64_t hint)
{
    const uint64_t group = 8 + 8 * 24, slots = 8, table_max = 1024;
    if (hint <= (int64_t)slots)
        return 0;
    uint64_t h = (uint64_t)hint;
    uint64_t target = (h * slots) / 7; /* wraps as Go's uintptr does */
    if (target < h)
        return 0;
    uint64_t dir = (target + table_max - 1) / table_max, pow = 1;
    while (pow < dir) {
        if (pow > (UINT64_MAX >> 1))
            return 0;
        pow <<= 1;
    }
    dir = pow;
    uint64_t groups, mem;
    if (__builtin_mul_overflow(dir, table_max, &groups) ||
        __builtin_mul_overflow(groups, group, &mem) || mem > GO_MAX_ALLOC)
        return 0;
    uint64_t cap = target / dir, tcap = 1;
    if (cap < slots)
        cap = slots;
    while (tcap < cap)
        tcap <<= 1;
    return dir * 8 + dir * (tcap / slots * group + 64);
}

static lhv1_go rd_string(reader *r, predict *pr, const char *what)
{
    int64_t len;
    if (rd_varint(r, &len, pr, what) != 0)
        return LHV1_GO_ERROR;
    /* make([]byte, len), then binary.Read's own buffer of len. */
    lhv1_go g = go_make(len, 1, 2, pr, what);
    if (g != LHV1_GO_OK)
        return g;
    if ((uint64_t)len > r->n - r->at)
        return say(pr, LHV1_GO_ERROR, "import: reading %s: %s", what,
                   r->at == r->n && len > 0 ? "EOF" : "unexpected EOF");
    r->at += (size_t)len;
    return LHV1_GO_OK;
}

static lhv1_go rd_vector(reader *r, predict *pr)
{
    int64_t dim;
    if (rd_varint(r, &dim, pr, "vector length") != 0)
        return LHV1_GO_ERROR;
    lhv1_go g = go_make(dim, 4, 2, pr, "vector");
    if (g != LHV1_GO_OK)
        return g;
    if ((uint64_t)dim * 4 > r->n - r->at)
        return say(pr, LHV1_GO_ERROR, "import: reading vector: %s",
                   r->at == r->n ? "EOF" : "unexpected EOF");
    r->at += (size_t)dim * 4;
    return LHV1_GO_OK;
}

static lhv1_go predict_graph(const uint8_t *p, size_t n, predict *pr)
{
    reader r = {p, n, 0};
    int64_t version, m, ef;
    lhv1_go g;
    if (rd_varint(&r, &version, pr, "version") != 0 || rd_varint(&r, &m, pr, "M") != 0)
        return LHV1_GO_ERROR;
    if (n - r.at < 8)
        return say(pr, LHV1_GO_ERROR, "import: reading Ml: %s",
                   r.at == n ? "EOF" : "unexpected EOF");
    r.at += 8;
    if (rd_varint(&r, &ef, pr, "EfSearch") != 0)
        return LHV1_GO_ERROR;
    size_t dist_at = r.at;
    if ((g = rd_string(&r, pr, "distance name")) != LHV1_GO_OK)
        return g;
    lhv1_bytes dist = {p + dist_at, r.at - dist_at};
    /* skip the length prefix to compare the name itself */
    int64_t dlen;
    int k = lhv1_varint_read(dist.data, dist.len, &dlen);
    dist.data += k;
    dist.len -= (size_t)k;
    if (!lhv1_distance_known(dist))
        return say(pr, LHV1_GO_ERROR, "import: unknown distance function %.*s",
                   (int)(dist.len > 64 ? 64 : dist.len), (const char *)dist.data);
    if (version != 1)
        return say(pr, LHV1_GO_ERROR, "import: incompatible encoding version: %lld",
                   (long long)version);
    int64_t n_layers;
    if (rd_varint(&r, &n_layers, pr, "number of layers") != 0)
        return LHV1_GO_ERROR;
    if ((g = go_make(n_layers, 8, 1, pr, "layers")) != LHV1_GO_OK)
        return g;
    for (int64_t i = 0; i < n_layers; i++) {
        int64_t n_nodes;
        if (rd_varint(&r, &n_nodes, pr, "number of nodes") != 0)
            return LHV1_GO_ERROR;
        uint64_t map = go_map_bytes(n_nodes);
        if (map >= GO_FATAL_BYTES)
            return say(pr, LHV1_GO_FATAL,
                       "fatal error: out of memory (map hint %lld: %llu bytes)",
                       (long long)n_nodes, (unsigned long long)map);
        for (int64_t j = 0; j < n_nodes; j++) {
            int64_t n_nb;
            if ((g = rd_string(&r, pr, "node key")) != LHV1_GO_OK ||
                (g = rd_vector(&r, pr)) != LHV1_GO_OK)
                return g;
            if (rd_varint(&r, &n_nb, pr, "number of neighbors") != 0)
                return LHV1_GO_ERROR;
            if ((g = go_make(n_nb, 16, 1, pr, "neighbors")) != LHV1_GO_OK)
                return g;
            for (int64_t q = 0; q < n_nb; q++)
                if ((g = rd_string(&r, pr, "neighbor key")) != LHV1_GO_OK)
                    return g;
        }
    }
    return LHV1_GO_OK; /* bytes after the last layer are never read */
}

lhv1_go lhv1_predict_go(const uint8_t *body, size_t len, char *why, size_t why_len)
{
    predict pr = {why, why_len};
    if (why && why_len)
        why[0] = '\0';
    lhv1_bytes env, graph;
    lhv1_status st;
    if (lhv1_unframe(body, len, &env, &graph, &st) != 0)
        return say(&pr, LHV1_GO_ERROR, "unframe: %s", st.message);
    lhv1_go g = predict_envelope(env.data, env.len, &pr);
    if (g != LHV1_GO_OK)
        return g;
    return predict_graph(graph.data, graph.len, &pr);
}
