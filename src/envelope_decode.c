/* Strict envelope decoder over cJSON (FORMAT.md section 4). cJSON does the
 * parsing; this file adds what cJSON does not check: UTF-8, the lexical
 * rules of json_lex.c, trailing bytes, duplicate keys, numbers beyond
 * float64, and the schema's types and ranges, integers judged exactly on
 * their literal digits (cJSON keeps only a double). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json_lex.h"
#include "lhv1/envelope.h"
#include "metadata.h"

/* The text being decoded: its bytes, the parse, and the offsets of its
 * number literals, so integer fields are judged on their digits. */
typedef struct {
    const uint8_t *p;
    size_t n;
    const cJSON *root;
    lhv1_number_offsets numbers;
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

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Walks the whole tree for what cJSON lets through: duplicate keys (cJSON
 * keeps both and lookups see the first) and numbers beyond float64 (cJSON
 * makes them infinite; Go's encoding/json rejects them). */
static int check_tree(const cJSON *node, lhv1_status *st)
{
    if (cJSON_IsNumber(node) && !isfinite(node->valuedouble))
        return lhv1_fail(st, LHV1_R_ENV_OUT_OF_RANGE, 0,
                         "a number%s%.64s%s is beyond the float64 range",
                         node->string ? " (key \"" : "", node->string ? node->string : "",
                         node->string ? "\")" : "");
    if (cJSON_IsObject(node)) {
        size_t k = 0;
        for (const cJSON *c = node->child; c; c = c->next)
            k++;
        if (k > 1) {
            const char **names = malloc(k * sizeof *names);
            if (!names)
                return lhv1_fail(st, LHV1_R_ENV_SYNTAX, 0, "out of memory");
            size_t i = 0;
            for (const cJSON *c = node->child; c; c = c->next)
                names[i++] = c->string ? c->string : "";
            qsort(names, k, sizeof *names, cmp_names);
            for (i = 1; i < k; i++)
                if (strcmp(names[i - 1], names[i]) == 0) {
                    lhv1_fail(st, LHV1_R_ENV_DUPLICATE_KEY, 0, "key \"%.64s\" appears twice",
                              names[i]);
                    free(names);
                    return -1;
                }
            free(names);
        }
    }
    if (cJSON_IsObject(node) || cJSON_IsArray(node))
        for (const cJSON *c = node->child; c; c = c->next)
            if (check_tree(c, st) != 0)
                return -1;
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
    *out = strdup(it->valuestring);
    if (!*out)
        return lhv1_fail(st, LHV1_R_ENV_SYNTAX, 0, "out of memory");
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
    if (!is_known_distance(env->distance))
        return lhv1_fail(st, LHV1_R_ENV_UNKNOWN_DISTANCE, 0,
                         "field \"params.distance\" is \"%.64s\"", env->distance);
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
            return lhv1_fail(st, LHV1_R_ENV_WRONG_TYPE, 0,
                             "metadata[\"%.64s\"] is not an object", c->string);
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
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)p, n, &end, 0);
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
    source src = {p, value_end, root, {NULL, 0, 0}};
    if (lhv1_json_lex(p, value_end, &src.numbers, st) != 0)
        ; /* status set */
    else if (pos < n)
        lhv1_fail(st, LHV1_R_ENV_TRAILING_BYTES, (int64_t)pos, "%zu bytes after the JSON value",
                  n - pos);
    else if (!cJSON_IsObject(root))
        lhv1_fail(st, LHV1_R_ENV_NOT_OBJECT, 0, "the envelope is not a JSON object");
    else if (check_tree(root, st) == 0)
        rc = decode_fields(&src, root, env, st);
    free(src.numbers.at);
    cJSON_Delete(root);
    if (rc != 0)
        lhv1_envelope_free(env);
    return rc;
}

void lhv1_envelope_free(lhv1_envelope *env)
{
    free(env->name);
    free(env->distance);
    cJSON_Delete(lhv1_metadata_cjson(env->metadata));
    memset(env, 0, sizeof *env);
}

int lhv1_envelope_init(lhv1_envelope *env, const char *name, int64_t dimension,
                       const char *distance, int64_t m, int64_t ef_search, int64_t count)
{
    memset(env, 0, sizeof *env);
    env->version = LHV1_ENVELOPE_VERSION;
    env->name = strdup(name);
    env->distance = strdup(distance);
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
