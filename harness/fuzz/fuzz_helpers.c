#include "fuzz_helpers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    fprintf(stderr, "FUZZ ASSERTION FAILED %s:%d: %s%s%s\n", file, line, cond,
            why[0] ? ": " : "", why);
    abort();
}

void fuzz_reader_init(fuzz_reader *r, const uint8_t *data, size_t size)
{
    r->data = data;
    r->size = size;
}

uint32_t fuzz_u32(fuzz_reader *r)
{
    uint32_t v = 0;
    for (int i = 0; i < 4 && r->size; i++)
        v = (v << 8) | r->data[--r->size];
    return v;
}

uint32_t fuzz_range(fuzz_reader *r, uint32_t lo, uint32_t hi)
{
    if (hi <= lo)
        return lo;
    uint32_t span = hi - lo;
    /* Take only as many bytes as the range needs: fewer input bytes per
     * decision keeps mutations local. */
    uint32_t v = 0;
    for (uint32_t s = span; s && r->size; s >>= 8)
        v = (v << 8) | r->data[--r->size];
    return span == UINT32_MAX ? v : lo + v % (span + 1);
}

int fuzz_bool(fuzz_reader *r)
{
    return (int)fuzz_range(r, 0, 1);
}

lhv1_bytes fuzz_take_front(fuzz_reader *r, size_t max)
{
    size_t n = r->size < max ? r->size : max;
    lhv1_bytes b = {r->data, n};
    r->data += n;
    r->size -= n;
    return b;
}

void fuzz_check_status(lhv1_verdict v, const lhv1_status *st, size_t limit)
{
    FUZZ_ASSERT((unsigned)v < LHV1_VERDICT_COUNT);
    FUZZ_ASSERT_MSG(st->verdict == v, "status verdict %s, returned %s",
                    lhv1_verdict_name(st->verdict), lhv1_verdict_name(v));
    FUZZ_ASSERT((unsigned)st->reason < LHV1_REASON_COUNT);
    FUZZ_ASSERT_MSG(lhv1_reason_verdict(st->reason) == v, "reason %s in verdict %s",
                    lhv1_reason_code(st->reason), lhv1_verdict_name(v));
    FUZZ_ASSERT(memchr(st->message, '\0', sizeof st->message) != NULL);
    if (v != LHV1_OK)
        FUZZ_ASSERT_MSG(st->message[0] != '\0', "%s without a message",
                        lhv1_reason_code(st->reason));
    FUZZ_ASSERT_MSG(st->offset >= -1 && (st->offset == -1 || (uint64_t)st->offset <= limit),
                    "offset %lld outside [0, %zu] for %s", (long long)st->offset, limit,
                    lhv1_reason_code(st->reason));
}

int fuzz_json_equal(const cJSON *a, const cJSON *b)
{
    if ((a->type & 0xff) != (b->type & 0xff))
        return 0;
    if (cJSON_IsNumber(a))
        return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsArray(a)) {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!fuzz_json_equal(x, y))
                return 0;
        return x == NULL && y == NULL;
    }
    if (cJSON_IsObject(a)) {
        /* Members as a set: the encoder may order them (canonical JSON),
         * and the decoder has refused duplicate keys. */
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
            return 0;
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (!y || !fuzz_json_equal(x, y))
                return 0;
        }
        return 1;
    }
    return 1; /* true, false, null */
}

static int str_eq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int fuzz_envelope_equal(const lhv1_envelope *a, const lhv1_envelope *b)
{
    if (a->version != b->version || !str_eq(a->name, b->name) ||
        a->dimension != b->dimension || !str_eq(a->distance, b->distance) || a->m != b->m ||
        a->ef_search != b->ef_search || a->count != b->count)
        return 0;
    /* Absent and JSON null metadata are the same state. */
    cJSON *am = lhv1_metadata_to_cjson(a->metadata);
    cJSON *bm = lhv1_metadata_to_cjson(b->metadata);
    int a_none = am == NULL || cJSON_IsNull(am);
    int b_none = bm == NULL || cJSON_IsNull(bm);
    int eq = a_none || b_none ? a_none == b_none : fuzz_json_equal(am, bm);
    cJSON_Delete(am);
    cJSON_Delete(bm);
    return eq;
}

static void dump_or_die(const lhv1_index *idx, lhv1_buf *out)
{
    lhv1_buf_init(out);
    FUZZ_ASSERT(lhv1_index_dump(idx, out) == 0 && !out->failed);
}

void fuzz_check_index_roundtrip(const lhv1_index *idx, const char *name, const lhv1_buf *dump)
{
    lhv1_buf d1, d2, e1, e2, d3;
    lhv1_buf_init(&d1);
    lhv1_buf_init(&d2);
    if (!dump) {
        dump_or_die(idx, &d1);
        dump_or_die(idx, &d2);
        FUZZ_ASSERT_MSG(d1.len == d2.len && memcmp(d1.data, d2.data, d1.len) == 0,
                        "dump is not deterministic");
        dump = &d1;
    }

    lhv1_buf_init(&e1);
    FUZZ_ASSERT(lhv1_index_encode(idx, &e1) == 0 && !e1.failed);
    lhv1_index back;
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load(e1.data, e1.len, name, &back, &st);
    fuzz_check_status(v, &st, e1.len);
    FUZZ_ASSERT_MSG(v == LHV1_OK, "encode of an ok index loads as %s (%s: %s)",
                    lhv1_verdict_name(v), lhv1_reason_code(st.reason), st.message);
    FUZZ_ASSERT_MSG(lhv1_graph_equal(&idx->graph, &back.graph), "graph changed by encode/decode");
    FUZZ_ASSERT_MSG(fuzz_envelope_equal(&idx->env, &back.env), "envelope changed by encode/decode");
    dump_or_die(&back, &d3);
    FUZZ_ASSERT_MSG(dump->len == d3.len && memcmp(dump->data, d3.data, d3.len) == 0,
                    "dump differs after encode/decode");

    lhv1_buf_init(&e2);
    FUZZ_ASSERT(lhv1_index_encode(&back, &e2) == 0 && !e2.failed);
    FUZZ_ASSERT_MSG(e1.len == e2.len && memcmp(e1.data, e2.data, e1.len) == 0,
                    "encode(decode(encode(x))) != encode(x)");

    lhv1_index_free(&back);
    lhv1_buf_free(&d1);
    lhv1_buf_free(&d2);
    lhv1_buf_free(&d3);
    lhv1_buf_free(&e1);
    lhv1_buf_free(&e2);
}

void fuzz_emit(const char *tag, const uint8_t *data, size_t len)
{
    static const char *dir;
    static int looked;
    if (!looked) {
        dir = getenv("LHV1_FUZZ_EMIT_DIR");
        looked = 1;
    }
    if (!dir)
        return;
    uint64_t h = 1469598103934665603ULL; /* FNV-1a: stable names */
    for (size_t i = 0; i < len; i++)
        h = (h ^ data[i]) * 1099511628211ULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-%016llx.lhv1", dir, tag, (unsigned long long)h);
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT_MSG(f != NULL, "cannot write %s", path);
    FUZZ_ASSERT(fwrite(data, 1, len, f) == len && fclose(f) == 0);
}
