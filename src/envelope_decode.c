/* Strict envelope decoder over cJSON (FORMAT.md section 4). cJSON does the
 * parsing; this file adds what cJSON does not check: UTF-8, the lexical
 * rules of json_lex.c, trailing bytes, duplicate keys, numbers beyond
 * float64, and the schema's types and ranges, integers judged exactly on
 * their literal digits (cJSON keeps only a double). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cjson_hooks.h"
#include "internal.h"
#include "json_lex.h"
#include "lhv1/envelope.h"
#include "metadata.h"

/* The text being decoded: its bytes, the parse, and the offsets of its
 * number literals and member keys, so integer fields are judged on their
 * digits and failures name the literal at fault. */
typedef struct {
    const uint8_t *p;
    size_t n;
    const cJSON *root;
    lhv1_json_offsets numbers, keys;
} source;

/* Position of `target` among the numbers of a pre-order walk of `node`
 * (document order); counts in *k. Returns 1 when found. */
static int number_ordinal(const cJSON *node, const cJSON *target, size_t *k)
{
    if (node == target)
        return 1;
    if (cJSON_IsNumber(node))
        (*k)++;
    for (const cJSON *c = node->child; c; c = c->next)
        if (number_ordinal(c, target, k))
            return 1;
    return 0;
}

/* The schema's field names per object Go decodes into a struct (FORMAT.md
 * 4): a key that Go matches onto one of them must be that exact name. */
static const char *const root_fields[] = {"version", "params", "count", "metadata", NULL};
static const char *const params_fields[] = {"name", "dimension", "distance", "m", "ef_search",
                                            NULL};

typedef struct member {
    const char *name;
    size_t index;
} member;

static int cmp_members(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Index of the first member of `obj` whose key an earlier member already
 * has, or SIZE_MAX; -2 (as SIZE_MAX - 1) when out of memory. */
static size_t first_duplicate(const cJSON *obj)
{
    size_t k = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        k++;
    if (k < 2)
        return SIZE_MAX;
    member *m = lhv1_malloc(k * sizeof *m);
    if (!m)
        return SIZE_MAX - 1;
    size_t i = 0;
    for (const cJSON *c = obj->child; c; c = c->next, i++)
        m[i] = (member){c->string ? c->string : "", i};
    qsort(m, k, sizeof *m, cmp_members);
    size_t first = SIZE_MAX;
    for (i = 1; i < k; i++)
        if (strcmp(m[i - 1].name, m[i].name) == 0 && m[i].index < first)
            first = m[i].index; /* sorted by index among equals: m[i-1] came earlier */
    lhv1_free(m);
    return first;
}

/* Ordinals of the walk so far: numbers and member keys seen, in document
 * order, to find their literals' offsets. */
typedef struct walk {
    const source *src;
    size_t num_k, key_k;
} walk;

static int64_t literal_at(const lhv1_json_offsets *o, size_t k)
{
    return k < o->n ? (int64_t)o->at[k] : 0;
}

/* One pre-order walk of the whole tree, so the first failure it meets is
 * the first in document order: a duplicate key (cJSON keeps both and its
 * lookups see the first; Go keeps the last), a key of the root or of
 * params that Go matches onto a field without being its name, and a number
 * beyond float64 (cJSON makes it infinite; Go rejects it). `fields` are
 * the field names of the object `node` is a member of, or NULL. */
static int check_node(walk *w, const cJSON *node, const char *const *fields, lhv1_status *st)
{
    if (node->string) {
        int64_t at = literal_at(&w->src->keys, w->key_k++);
        for (const char *const *f = fields; f && *f; f++)
            if (strcmp(node->string, *f) != 0 &&
                lhv1_go_key_matches((const uint8_t *)node->string, strlen(node->string), *f))
            {
                char kb[LHV1_SHOW_MAX];
                return lhv1_fail(st, LHV1_R_ENV_FOLDED_KEY, at,
                                 "key \"%s\" is not \"%s\", but Go reads it as that field",
                                 lhv1_show(lhv1_bytes_str(node->string), kb), *f);
            }
    }
    if (cJSON_IsNumber(node)) {
        int64_t at = literal_at(&w->src->numbers, w->num_k++);
        char kb[LHV1_SHOW_MAX];
        if (!isfinite(node->valuedouble))
            return lhv1_fail(st, LHV1_R_ENV_OUT_OF_RANGE, at,
                             "a number%s%s%s is beyond the float64 range",
                             node->string ? " (key \"" : "",
                             node->string ? lhv1_show(lhv1_bytes_str(node->string), kb) : "",
                             node->string ? "\")" : "");
    }
    size_t dup = cJSON_IsObject(node) ? first_duplicate(node) : SIZE_MAX;
    if (dup == SIZE_MAX - 1)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    size_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        char kb[LHV1_SHOW_MAX];
        if (i == dup)
            return lhv1_fail(st, LHV1_R_ENV_DUPLICATE_KEY, literal_at(&w->src->keys, w->key_k),
                             "key \"%s\" appears twice",
                             lhv1_show(lhv1_bytes_str(c->string ? c->string : ""), kb));
        const char *const *inner = NULL;
        if (node == w->src->root)
            inner = root_fields;
        else if (fields == root_fields && strcmp(node->string, "params") == 0)
            inner = params_fields;
        if (check_node(w, c, cJSON_IsObject(node) ? inner : NULL, st) != 0)
            return -1;
    }
    return 0;
}

static int get_int(const source *src, const cJSON *obj, const char *key, const char *path,
                   int64_t min, int64_t *out, lhv1_status *st)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it)
        return lhv1_fail(st, LHV1_R_ENV_MISSING_FIELD, 0, "missing field \"%s\"", path);
    if (!cJSON_IsNumber(it))
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "field \"%s\" is not a number", path);
    size_t k = 0;
    if (!number_ordinal(src->root, it, &k) || k >= src->numbers.n)
        return lhv1_fail(st, LHV1_R_ENV_SYNTAX, 0, "field \"%s\": number not found", path);
    const uint8_t *lit = src->p + src->numbers.at[k];
    size_t len = lhv1_json_number_len(lit, src->n - src->numbers.at[k]);
    int64_t v;
    switch (lhv1_json_literal_int(lit, len, &v)) {
    case LHV1_INT_FRACTION:
        return lhv1_fail(st, LHV1_R_ENV_NOT_INTEGER, (int64_t)src->numbers.at[k],
                         "field \"%s\" is %.*s, not an integer", path, (int)(len > 40 ? 40 : len),
                         (const char *)lit);
    case LHV1_INT_RANGE:
        return lhv1_fail(st, LHV1_R_ENV_OUT_OF_RANGE, (int64_t)src->numbers.at[k],
                         "field \"%s\" is %.*s, beyond 2^53", path, (int)(len > 40 ? 40 : len),
                         (const char *)lit);
    }
    if (v < min)
        return lhv1_fail(st, LHV1_R_ENV_OUT_OF_RANGE, (int64_t)src->numbers.at[k],
                         "field \"%s\" is %lld, below %lld", path, (long long)v, (long long)min);
    /* An integer to JSON, but Go's `int` takes only digits (ParseInt). */
    if (memchr(lit, '.', len) || memchr(lit, 'e', len) || memchr(lit, 'E', len))
        return lhv1_fail(st, LHV1_R_ENV_INTEGER_SPELLING, (int64_t)src->numbers.at[k],
                         "field \"%s\" is %.*s: write it as %lld (Go's int refuses a fraction "
                         "or an exponent)",
                         path, (int)(len > 40 ? 40 : len), (const char *)lit, (long long)v);
    *out = v;
    return 0;
}

static int get_string(const cJSON *obj, const char *key, const char *path, char **out,
                      lhv1_status *st)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it)
        return lhv1_fail(st, LHV1_R_ENV_MISSING_FIELD, 0, "missing field \"%s\"", path);
    if (!cJSON_IsString(it) || !it->valuestring)
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "field \"%s\" is not a string", path);
    *out = lhv1_strdup(it->valuestring);
    if (!*out)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
    return 0;
}

static int is_known_distance(const char *d)
{
    return lhv1_distance_known(lhv1_bytes_str(d));
}

static int decode_fields(const source *src, cJSON *root, lhv1_envelope *env, lhv1_status *st)
{
    if (get_int(src, root, "version", "version", -LHV1_JSON_INT_MAX, &env->version, st) != 0)
        return -1;
    if (env->version != LHV1_ENVELOPE_VERSION)
        return lhv1_fail(st, LHV1_R_ENV_BAD_VERSION, 0, "envelope version %lld, expected 1",
                         (long long)env->version);
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
    if (!params)
        return lhv1_fail(st, LHV1_R_ENV_MISSING_FIELD, 0, "missing field \"params\"");
    if (!cJSON_IsObject(params))
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "field \"params\" is not an object");
    if (get_string(params, "name", "params.name", &env->name, st) != 0)
        return -1;
    if (env->name[0] == '\0')
        return lhv1_fail(st, LHV1_R_ENV_OUT_OF_RANGE, 0, "field \"params.name\" is empty");
    if (get_int(src, params, "dimension", "params.dimension", 1, &env->dimension, st) != 0 ||
        get_string(params, "distance", "params.distance", &env->distance, st) != 0)
        return -1;
    char kb[LHV1_SHOW_MAX];
    if (!is_known_distance(env->distance))
        return lhv1_fail(st, LHV1_R_ENV_UNKNOWN_DISTANCE, 0, "field \"params.distance\" is \"%s\"",
                         lhv1_show(lhv1_bytes_str(env->distance), kb));
    if (get_int(src, params, "m", "params.m", 1, &env->m, st) != 0 ||
        get_int(src, params, "ef_search", "params.ef_search", 1, &env->ef_search, st) != 0 ||
        get_int(src, root, "count", "count", 0, &env->count, st) != 0)
        return -1;
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "metadata");
    if (!meta || cJSON_IsNull(meta))
        return 0;
    if (!cJSON_IsObject(meta))
        return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "field \"metadata\" is not an object");
    for (const cJSON *c = meta->child; c; c = c->next)
        if (!cJSON_IsObject(c))
            return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0, "metadata[\"%s\"] is not an object",
                             lhv1_show(lhv1_bytes_str(c->string), kb));
    env->metadata = lhv1_metadata_from_cjson(cJSON_DetachItemViaPointer(root, meta));
    return 0;
}

int lhv1_envelope_decode(const uint8_t *p, size_t n, lhv1_envelope *env, lhv1_status *st)
{
    memset(env, 0, sizeof *env);
    lhv1_status_ok(st);
    size_t bad = lhv1_utf8_invalid_at(p, n);
    if (bad != n)
        return lhv1_fail(st, LHV1_R_ENV_INVALID_UTF8, (int64_t)bad,
                         "invalid UTF-8 byte 0x%02x", p[bad]);
    if (lhv1_json_find_nul_escape(p, n, st) != 0)
        return -1;
    const char *end = NULL;
    int oom;
    cJSON *root = lhv1_cjson_parse((const char *)p, n, &end, &oom);
    if (oom)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory parsing the envelope");
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        int64_t off = (at && at >= (const char *)p && at <= (const char *)p + n)
                          ? (int64_t)(at - (const char *)p)
                          : 0;
        if (n == 0)
            return lhv1_fail(st, LHV1_R_ENV_SYNTAX, 0, "empty envelope");
        return lhv1_fail(st, LHV1_R_ENV_SYNTAX, off, "not valid JSON (or nested deeper than %d)",
                         CJSON_NESTING_LIMIT);
    }
    /* cJSON's end is past any bytes <= 0x20 after the value; the value
     * itself never ends in one, so step back to where it really ends. */
    size_t value_end = (size_t)(end - (const char *)p);
    while (value_end > 0 && p[value_end - 1] <= 0x20)
        value_end--;
    size_t pos = value_end;
    while (pos < n && (p[pos] == ' ' || p[pos] == '\t' || p[pos] == '\n' || p[pos] == '\r'))
        pos++;
    int rc = -1;
    source src = {p, value_end, root, {NULL, 0, 0}, {NULL, 0, 0}};
    if (lhv1_json_lex(p, value_end, &src.numbers, &src.keys, st) != 0)
        ; /* status set */
    else if (pos < n)
        lhv1_fail(st, LHV1_R_ENV_TRAILING_BYTES, (int64_t)pos, "%zu bytes after the JSON value",
                  n - pos);
    else if (!cJSON_IsObject(root))
        lhv1_fail(st, LHV1_R_ENV_NOT_OBJECT, 0, "the envelope is not a JSON object");
    else if (check_node(&(walk){&src, 0, 0}, root, NULL, st) == 0)
        rc = decode_fields(&src, root, env, st);
    lhv1_free(src.numbers.at);
    lhv1_free(src.keys.at);
    cJSON_Delete(root);
    if (rc != 0)
        lhv1_envelope_free(env);
    return rc;
}

void lhv1_envelope_free(lhv1_envelope *env)
{
    lhv1_free(env->name);
    lhv1_free(env->distance);
    cJSON_Delete(lhv1_metadata_cjson(env->metadata));
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
