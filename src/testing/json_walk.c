/* Exact reading of checked JSON texts (json_walk.h). */
#include "json_walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json_lex.h"
#include "json_scan.h"

static size_t skip_ws(const uint8_t *p, size_t n, size_t i)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
        i++;
    return i;
}

int jw_parse(const uint8_t *p, size_t n, jw_val *root, char *err, size_t err_len)
{
    size_t bad = lhv1_utf8_invalid_at(p, n);
    if (bad != n) {
        snprintf(err, err_len, "not UTF-8 at byte %zu", bad);
        return -1;
    }
    size_t end;
    if (!lhv1_cjson_accepts(p, n, &end)) {
        snprintf(err, err_len, "not JSON (at byte %zu)", end);
        return -1;
    }
    if (skip_ws(p, n, end) != n) {
        snprintf(err, err_len, "bytes after the JSON value (at byte %zu)", end);
        return -1;
    }
    lhv1_status st;
    if (lhv1_json_lex(p, end, NULL, NULL, &st) != 0) {
        snprintf(err, err_len, "not JSON: %s", st.message);
        return -1;
    }
    *root = (jw_val){p, end, skip_ws(p, end, 0)};
    return 0;
}

jw_type jw_type_of(jw_val v)
{
    if (!v.p || v.at >= v.n)
        return JW_INVALID;
    switch (v.p[v.at]) {
    case 'n': return JW_NULL;
    case 't': case 'f': return JW_BOOL;
    case '"': return JW_STRING;
    case '[': return JW_ARRAY;
    case '{': return JW_OBJECT;
    default: return JW_NUMBER;
    }
}

size_t jw_end(jw_val v)
{
    return lhv1_json_skip_value(v.p, v.n, v.at);
}

int jw_next_member(jw_val obj, size_t *pos, jw_val *key, jw_val *value)
{
    if (jw_type_of(obj) != JW_OBJECT)
        return 0;
    size_t at = *pos ? *pos : obj.at, k, v;
    if (at >= obj.n || !lhv1_json_next_member(obj.p, obj.n, &at, &k, &v)) {
        *pos = obj.n;
        return 0;
    }
    *pos = at;
    *key = (jw_val){obj.p, obj.n, k};
    *value = (jw_val){obj.p, obj.n, v};
    return 1;
}

int jw_member(jw_val obj, const char *key, jw_val *out)
{
    size_t pos = 0;
    jw_val k, v;
    while (jw_next_member(obj, &pos, &k, &v))
        if (jw_string_is(k, key)) {
            *out = v;
            return 1;
        }
    return 0;
}

int jw_next(jw_val arr, size_t *pos, jw_val *elem)
{
    if (jw_type_of(arr) != JW_ARRAY)
        return 0;
    const uint8_t *p = arr.p;
    size_t i = *pos ? *pos : arr.at;
    if (i >= arr.n || p[i] == ']') {
        *pos = arr.n;
        return 0;
    }
    i = skip_ws(p, arr.n, i + 1); /* past '[' or ',' */
    if (i >= arr.n || p[i] == ']') {
        *pos = arr.n;
        return 0;
    }
    *elem = (jw_val){p, arr.n, i};
    *pos = skip_ws(p, arr.n, lhv1_json_skip_value(p, arr.n, i));
    return 1;
}

size_t jw_count(jw_val arr)
{
    size_t pos = 0, n = 0;
    jw_val e;
    while (jw_next(arr, &pos, &e))
        n++;
    return n;
}

int jw_string(jw_val v, uint8_t **out, size_t *len)
{
    if (jw_type_of(v) != JW_STRING)
        return -1;
    size_t dlen;
    lhv1_json_string_span(v.p + v.at, &dlen);
    uint8_t *b = malloc(dlen + 1);
    if (!b)
        return -1;
    lhv1_json_string_decode(v.p + v.at, b);
    b[dlen] = '\0';
    *out = b;
    *len = dlen;
    return 0;
}

int jw_string_is(jw_val v, const char *s)
{
    if (jw_type_of(v) != JW_STRING)
        return 0;
    size_t want = strlen(s), full;
    uint8_t buf[64];
    if (want > sizeof buf)
        return 0;
    size_t got = lhv1_json_string_prefix(v.p + v.at, buf, sizeof buf, &full);
    return full == want && got == want && memcmp(buf, s, want) == 0;
}

int jw_int(jw_val v, int64_t *out)
{
    if (jw_type_of(v) != JW_NUMBER)
        return -1;
    size_t len = lhv1_json_number_len(v.p + v.at, v.n - v.at);
    for (size_t i = 0; i < len; i++)
        if (v.p[v.at + i] == '.' || v.p[v.at + i] == 'e' || v.p[v.at + i] == 'E')
            return -1;
    return len && lhv1_json_literal_int(v.p + v.at, len, out) == LHV1_INT_OK ? 0 : -1;
}

int jw_bool(jw_val v)
{
    if (jw_type_of(v) != JW_BOOL)
        return -1;
    return v.p[v.at] == 't';
}
