/* Strict envelope decoder (FORMAT.md section 4): what cJSON accepts
 * (json_scan.c follows its parser without building a tree), and what it
 * does not check: UTF-8, the lexical rules of json_lex.c, trailing bytes,
 * duplicate keys, numbers beyond float64, and the schema's types and
 * ranges, integers judged exactly on their literal digits. The metadata
 * is kept as its validated text (metadata.h), not as a tree. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alloc.h"
#include "json_scan.h"
#include "internal.h"
#include "json_lex.h"
#include "lhv1/envelope.h"
#include "metadata.h"

/* The schema's field names per object Go decodes into a struct (FORMAT.md
 * 4): a key that Go matches onto one of them must be that exact name. */
static const char *const root_fields[] = {"version", "params", "count", "metadata", NULL};
static const char *const params_fields[] = {"name", "dimension", "distance", "m", "ef_search",
                                            NULL};
enum { F_VERSION, F_PARAMS, F_COUNT, F_METADATA };
enum { P_NAME, P_DIMENSION, P_DISTANCE, P_M, P_EF_SEARCH };
#define ABSENT SIZE_MAX

/* What an object's members are to the schema. */
typedef enum role { R_OTHER, R_ROOT, R_PARAMS, R_METADATA } role;

/* One walk over a text that cJSON and the lexical rules accept, in
 * document order (the order of a pre-order walk of cJSON's tree). It
 * finds what the old walk of the tree found, first in document order: a
 * duplicate key (cJSON keeps both and its lookups see the first; Go keeps
 * the last), a key of the root or of params that Go matches onto a field
 * without being its name, a number beyond float64 (cJSON makes it
 * infinite; Go rejects it). A duplicate is known when its object closes:
 * the failure kept is the one at the smallest offset (a duplicate before
 * the other failures of its key). It also notes where the schema's fields
 * are. Heap: the key offsets of the objects open, 4 bytes a member. */
typedef struct walker {
    const uint8_t *p;
    size_t n; /* the value's end */
    /* the first failure: offset, rank (0 duplicate, 1 other) */
    int failed;
    size_t fail_at;
    int fail_rank;
    lhv1_status fail;
    int oom;
    uint32_t *keys; /* key offsets of the members of the open objects */
    size_t n_keys, cap_keys;
    size_t root[4], params[5]; /* value offsets of the fields, ABSENT */
    size_t meta_not_object;    /* key offset of the first metadata member that is no object */
    size_t meta_members;
} walker;

static int better(const walker *w, size_t at, int rank)
{
    return !w->failed || at < w->fail_at || (at == w->fail_at && rank < w->fail_rank);
}

static void keep(walker *w, size_t at, int rank, const lhv1_status *st)
{
    w->failed = 1;
    w->fail_at = at;
    w->fail_rank = rank;
    w->fail = *st;
}

/* A key for a message: its first decoded bytes are all lhv1_show shows. */
static lhv1_bytes key_shown(const uint8_t *lit, uint8_t buf[128])
{
    size_t full;
    size_t got = lhv1_json_string_prefix(lit, buf, 128, &full);
    return (lhv1_bytes){buf, got};
}

static size_t skip_ws(const walker *w, size_t i)
{
    while (i < w->n && (w->p[i] == ' ' || w->p[i] == '\t' || w->p[i] == '\n' || w->p[i] == '\r'))
        i++;
    return i;
}

/* Member keys by (decoded key, offset): their key literals' offsets. */
static int cmp_keys(uint32_t x, uint32_t y, const void *text)
{
    const uint8_t *p = text;
    int c = lhv1_json_string_cmp(p + x, p + y);
    return c ? c : (x > y) - (x < y);
}

/* The first member (in order) of the object whose keys are keys[from..]
 * that repeats an earlier key. */
static void check_duplicates(walker *w, size_t from)
{
    size_t k = w->n_keys - from;
    if (k < 2)
        return;
    uint32_t *m = w->keys + from;
    /* Sorted in place by (decoded key, offset): the members' order is
     * their offsets' order, and the segment is dropped after. */
    lhv1_sort_u32(m, k, cmp_keys, w->p);
    size_t first = ABSENT;
    for (size_t i = 1; i < k; i++)
        if (m[i] < first && lhv1_json_string_cmp(w->p + m[i - 1], w->p + m[i]) == 0)
            first = m[i];
    if (first == ABSENT || !better(w, first, 0))
        return;
    uint8_t buf[128];
    char kb[LHV1_SHOW_MAX];
    lhv1_status st;
    lhv1_fail(&st, LHV1_R_ENV_DUPLICATE_KEY, (int64_t)first, "key \"%s\" appears twice",
              lhv1_show(key_shown(w->p + first, buf), kb));
    keep(w, first, 0, &st);
}

static size_t walk_value(walker *w, size_t at, size_t key, role r);

/* The decoded key at p[at], when it is at most 64 bytes (every field name
 * that Go's folding can match is shorter). */
static int short_key(const walker *w, size_t at, char out[65])
{
    size_t full;
    size_t got = lhv1_json_string_prefix(w->p + at, (uint8_t *)out, 64, &full);
    out[got] = '\0';
    return full <= 64;
}

static size_t walk_object(walker *w, size_t at, role r)
{
    const char *const *fields = r == R_ROOT ? root_fields : r == R_PARAMS ? params_fields : NULL;
    size_t from = w->n_keys;
    /* Members read here, each value walked once (not skipped, then walked). */
    size_t i = skip_ws(w, at + 1), key, value;
    while (w->p[i] != '}') {
        key = i;
        i = skip_ws(w, i + lhv1_json_string_len(w->p + i, w->n - i));
        value = skip_ws(w, i + 1); /* past ':' */
        if (lhv1_array_grow(&w->keys, w->n_keys, &w->cap_keys, sizeof *w->keys, 64) != 0) {
            w->oom = 1;
            return w->n;
        }
        w->keys[w->n_keys++] = (uint32_t)key;
        char name[65];
        int is_short = short_key(w, key, name);
        if (fields && is_short && better(w, key, 1)) {
            for (const char *const *f = fields; *f; f++)
                if (strcmp(name, *f) != 0 &&
                    lhv1_go_key_matches((const uint8_t *)name, strlen(name), *f)) {
                    char kb[LHV1_SHOW_MAX];
                    lhv1_status st;
                    lhv1_fail(&st, LHV1_R_ENV_FOLDED_KEY, (int64_t)key,
                              "key \"%s\" is not \"%s\", but Go reads it as that field",
                              lhv1_show(lhv1_bytes_str(name), kb), *f);
                    keep(w, key, 1, &st);
                    break;
                }
        }
        role child = R_OTHER;
        if (r == R_ROOT && is_short) {
            for (int f = 0; root_fields[f]; f++)
                if (strcmp(name, root_fields[f]) == 0 && w->root[f] == ABSENT)
                    w->root[f] = value;
            if (strcmp(name, "params") == 0)
                child = R_PARAMS;
            if (strcmp(name, "metadata") == 0 && w->root[F_METADATA] == value)
                child = R_METADATA;
        }
        if (r == R_PARAMS && is_short && w->root[F_PARAMS] == at)
            for (int f = 0; params_fields[f]; f++)
                if (strcmp(name, params_fields[f]) == 0 && w->params[f] == ABSENT)
                    w->params[f] = value;
        if (r == R_METADATA) {
            if (w->p[value] != '{' && w->meta_not_object == ABSENT)
                w->meta_not_object = key;
            w->meta_members++;
        }
        i = skip_ws(w, walk_value(w, value, key, child));
        if (w->oom)
            return w->n;
        if (w->p[i] == ',')
            i = skip_ws(w, i + 1);
    }
    check_duplicates(w, from);
    w->n_keys = from;
    return i + 1;
}

/* `key`: the offset of the member's key, ABSENT in an array. */
static size_t walk_value(walker *w, size_t at, size_t key, role r)
{
    uint8_t c = w->p[at];
    if (c == '{')
        return walk_object(w, at, r);
    if (c == '[') {
        size_t i = skip_ws(w, at + 1);
        if (w->p[i] == ']')
            return i + 1;
        for (;;) {
            i = walk_value(w, i, ABSENT, R_OTHER);
            if (w->oom)
                return w->n;
            i = skip_ws(w, i);
            if (w->p[i] == ']')
                return i + 1;
            i = skip_ws(w, i + 1);
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        size_t len = lhv1_json_number_len(w->p + at, w->n - at);
        if (better(w, at, 1)) {
            /* What cJSON read: strtod of the literal. */
            char small[64], *num = small;
            if (len >= sizeof small && !(num = lhv1_malloc(len + 1))) {
                w->oom = 1;
                return w->n;
            }
            memcpy(num, w->p + at, len);
            num[len] = '\0';
            int finite = isfinite(strtod(num, NULL));
            if (num != small)
                lhv1_free(num);
            if (!finite) {
                uint8_t buf[128];
                char kb[LHV1_SHOW_MAX];
                lhv1_status st;
                lhv1_fail(&st, LHV1_R_ENV_OUT_OF_RANGE, (int64_t)at,
                          "a number%s%s%s is beyond the float64 range",
                          key != ABSENT ? " (key \"" : "",
                          key != ABSENT ? lhv1_show(key_shown(w->p + key, buf), kb) : "",
                          key != ABSENT ? "\")" : "");
                keep(w, at, 1, &st);
            }
        }
        return at + len;
    }
    return lhv1_json_skip_value(w->p, w->n, at);
}

static int is_number(uint8_t c) { return c == '-' || (c >= '0' && c <= '9'); }

static int get_int(const walker *w, size_t at, const char *path, int64_t min, int64_t *out,
                   lhv1_status *st)
{
    if (at == ABSENT)
        return lhv1_fail(st, LHV1_R_ENV_MISSING_FIELD, 0, "missing field \"%s\"", path);
    if (!is_number(w->p[at]))
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "field \"%s\" is not a number", path);
    const uint8_t *lit = w->p + at;
    size_t len = lhv1_json_number_len(lit, w->n - at);
    int64_t v;
    switch (lhv1_json_literal_int(lit, len, &v)) {
    case LHV1_INT_FRACTION:
        return lhv1_fail(st, LHV1_R_ENV_NOT_INTEGER, (int64_t)at,
                         "field \"%s\" is %.*s, not an integer", path, (int)(len > 40 ? 40 : len),
                         (const char *)lit);
    case LHV1_INT_RANGE:
        return lhv1_fail(st, LHV1_R_ENV_OUT_OF_RANGE, (int64_t)at,
                         "field \"%s\" is %.*s, beyond 2^53", path, (int)(len > 40 ? 40 : len),
                         (const char *)lit);
    }
    if (v < min)
        return lhv1_fail(st, LHV1_R_ENV_OUT_OF_RANGE, (int64_t)at,
                         "field \"%s\" is %lld, below %lld", path, (long long)v, (long long)min);
    /* An integer to JSON, but Go's `int` takes only digits (ParseInt). */
    if (memchr(lit, '.', len) || memchr(lit, 'e', len) || memchr(lit, 'E', len))
        return lhv1_fail(st, LHV1_R_ENV_INTEGER_SPELLING, (int64_t)at,
                         "field \"%s\" is %.*s: write it as %lld (Go's int refuses a fraction "
                         "or an exponent)",
                         path, (int)(len > 40 ? 40 : len), (const char *)lit, (long long)v);
    *out = v;
    return 0;
}

static int get_string(const walker *w, size_t at, const char *path, char **out,
                      lhv1_status *st)
{
    if (at == ABSENT)
        return lhv1_fail(st, LHV1_R_ENV_MISSING_FIELD, 0, "missing field \"%s\"", path);
    if (w->p[at] != '"')
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "field \"%s\" is not a string", path);
    size_t len;
    lhv1_json_string_span(w->p + at, &len);
    *out = lhv1_malloc(len + 1);
    if (!*out)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    lhv1_json_string_decode(w->p + at, (uint8_t *)*out);
    (*out)[len] = '\0'; /* no NUL inside: \u0000 and raw controls are refused */
    return 0;
}

static int is_known_distance(const char *d)
{
    return lhv1_distance_known(lhv1_bytes_str(d));
}

static int decode_fields(walker *w, lhv1_envelope *env, lhv1_status *st)
{
    if (get_int(w, w->root[F_VERSION], "version", -LHV1_JSON_INT_MAX, &env->version, st) != 0)
        return -1;
    if (env->version != LHV1_ENVELOPE_VERSION)
        return lhv1_fail(st, LHV1_R_ENV_BAD_VERSION, 0, "envelope version %lld, expected 1",
                         (long long)env->version);
    size_t params = w->root[F_PARAMS];
    if (params == ABSENT)
        return lhv1_fail(st, LHV1_R_ENV_MISSING_FIELD, 0, "missing field \"params\"");
    if (w->p[params] != '{')
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "field \"params\" is not an object");
    if (get_string(w, w->params[P_NAME], "params.name", &env->name, st) != 0)
        return -1;
    if (env->name[0] == '\0')
        return lhv1_fail(st, LHV1_R_ENV_OUT_OF_RANGE, 0, "field \"params.name\" is empty");
    if (get_int(w, w->params[P_DIMENSION], "params.dimension", 1, &env->dimension, st) != 0 ||
        get_string(w, w->params[P_DISTANCE], "params.distance", &env->distance, st) != 0)
        return -1;
    char kb[LHV1_SHOW_MAX];
    if (!is_known_distance(env->distance))
        return lhv1_fail(st, LHV1_R_ENV_UNKNOWN_DISTANCE, 0, "field \"params.distance\" is \"%s\"",
                         lhv1_show(lhv1_bytes_str(env->distance), kb));
    if (get_int(w, w->params[P_M], "params.m", 1, &env->m, st) != 0 ||
        get_int(w, w->params[P_EF_SEARCH], "params.ef_search", 1, &env->ef_search, st) != 0 ||
        get_int(w, w->root[F_COUNT], "count", 0, &env->count, st) != 0)
        return -1;
    size_t meta = w->root[F_METADATA];
    if (meta == ABSENT || w->p[meta] == 'n')
        return 0;
    if (w->p[meta] != '{')
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "field \"metadata\" is not an object");
    if (w->meta_not_object != ABSENT) {
        uint8_t buf[128];
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "metadata[\"%s\"] is not an object",
                         lhv1_show(key_shown(w->p + w->meta_not_object, buf), kb));
    }
    size_t end = lhv1_json_skip_value(w->p, w->n, meta);
    env->metadata = lhv1_metadata_from_text(w->p + meta, end - meta, w->meta_members);
    if (!env->metadata)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    return 0;
}

int lhv1_envelope_decode(const uint8_t *p, size_t n, lhv1_envelope *env, lhv1_status *st)
{
    memset(env, 0, sizeof *env);
    lhv1_status_ok(st);
    /* A frame's envelope length is 32 bits, and the decoder keeps key
     * offsets in 32 bits: longer input is no LHV1 envelope. */
    if (n > UINT32_MAX)
        return lhv1_fail(st, LHV1_R_FRAME_ENVELOPE_OVERRUN, (int64_t)UINT32_MAX,
                         "envelope of %zu bytes: a frame holds at most 4 GiB - 1", n);
    size_t bad = lhv1_utf8_invalid_at(p, n);
    if (bad != n)
        return lhv1_fail(st, LHV1_R_ENV_INVALID_UTF8, (int64_t)bad,
                         "invalid UTF-8 byte 0x%02x", p[bad]);
    if (lhv1_json_find_nul_escape(p, n, st) != 0)
        return -1;
    size_t value_end;
    if (!lhv1_cjson_accepts(p, n, &value_end)) {
        if (n == 0)
            return lhv1_fail(st, LHV1_R_ENV_SYNTAX, 0, "empty envelope");
        return lhv1_fail(st, LHV1_R_ENV_SYNTAX, (int64_t)value_end,
                         "not valid JSON (or nested deeper than %d)", CJSON_NESTING_LIMIT);
    }
    /* cJSON's end is past any bytes <= 0x20 after the value; the value
     * itself never ends in one, so step back to where it really ends. */
    while (value_end > 0 && p[value_end - 1] <= 0x20)
        value_end--;
    size_t pos = value_end;
    while (pos < n && (p[pos] == ' ' || p[pos] == '\t' || p[pos] == '\n' || p[pos] == '\r'))
        pos++;
    if (lhv1_json_lex(p, value_end, NULL, NULL, st) != 0)
        return -1;
    if (pos < n)
        return lhv1_fail(st, LHV1_R_ENV_TRAILING_BYTES, (int64_t)pos,
                         "%zu bytes after the JSON value", n - pos);
    /* The value starts after an optional byte order mark (which the
     * lexical rules refuse) and whitespace. */
    size_t start = 0;
    while (start < value_end && p[start] <= 0x20)
        start++;
    if (p[start] != '{')
        return lhv1_fail(st, LHV1_R_ENV_NOT_OBJECT, 0, "the envelope is not a JSON object");
    walker w = {.p = p, .n = value_end};
    for (int f = 0; f < 4; f++)
        w.root[f] = ABSENT;
    for (int f = 0; f < 5; f++)
        w.params[f] = ABSENT;
    w.meta_not_object = ABSENT;
    walk_value(&w, start, ABSENT, R_ROOT);
    lhv1_free(w.keys);
    int rc;
    if (w.oom)
        rc = lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    else if (w.failed) {
        *st = w.fail;
        rc = -1;
    } else
        rc = decode_fields(&w, env, st);
    if (rc != 0)
        lhv1_envelope_free(env);
    return rc;
}

void lhv1_envelope_free(lhv1_envelope *env)
{
    lhv1_free(env->name);
    lhv1_free(env->distance);
    lhv1_metadata_free(env->metadata);
    memset(env, 0, sizeof *env);
}

int lhv1_envelope_init(lhv1_envelope *env, const char *name, int64_t dimension,
                       const char *distance, int64_t m, int64_t ef_search, int64_t count)
{
    memset(env, 0, sizeof *env);
    env->version = LHV1_ENVELOPE_VERSION;
    env->name = lhv1_strdup(name);
    env->distance = lhv1_strdup(distance);
    env->dimension = dimension;
    env->m = m;
    env->ef_search = ef_search;
    env->count = count;
    if (!env->name || !env->distance) {
        lhv1_envelope_free(env);
        return -1;
    }
    return 0;
}
