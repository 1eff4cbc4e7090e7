/* What the Go loader does with an object (docs/FORMAT.md section 5a):
 * upstream unframe, then the Go reference's DecodeIndex (golden/gen/model):
 * encoding/json into the envelope struct, then coder/hnsw v0.6.1
 * Graph[string].Import. This file follows Go's read order, not liblhv1's
 * checks: Go validates far less, and dies on some inputs liblhv1 rejects.
 *
 * The envelope is read by go_envelope.c, a model of encoding/json; the
 * graph here, field by field. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go_predict.h"
#include "internal.h"
#include "lhv1/index.h"

/* Go's runtime refuses (recoverable panic) any single allocation above
 * maxAlloc = 2^48 bytes on 64-bit Linux. */
#define GO_MAX_ALLOC (1ULL << 48)
/* The allocation, peak of one field's read, from which the prediction is
 * `fatal`: the Go reference records Go's behaviour in a child process whose
 * address space has this much room above what it uses at start. */
#define GO_FATAL_BYTES (1ULL << 32)

typedef struct predict {
    char *why;
    size_t why_len;
    uint64_t peak; /* largest allocation one read asks for, in bytes */
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
    if (bytes * copies > pr->peak)
        pr->peak = bytes * copies;
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
        if (map > pr->peak)
            pr->peak = map;
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

static lhv1_go predict_object(const uint8_t *body, size_t len, predict *pr)
{
    lhv1_bytes env, graph;
    lhv1_status st;
    if (lhv1_unframe(body, len, &env, &graph, &st) != 0)
        return say(pr, LHV1_GO_ERROR, "unframe: %s", st.message);
    char no_why[1];
    int keep = pr->why && pr->why_len;
    lhv1_go g = lhv1_go_envelope(env.data, env.len, keep ? pr->why : no_why,
                                 keep ? pr->why_len : 1);
    if (g != LHV1_GO_OK)
        return g;
    return predict_graph(graph.data, graph.len, pr);
}

lhv1_go lhv1_predict_go_peak(const uint8_t *body, size_t len, char *why, size_t why_len,
                             uint64_t *peak)
{
    predict pr = {why, why_len, 0};
    if (why && why_len)
        why[0] = '\0';
    lhv1_go g = predict_object(body, len, &pr);
    if (peak)
        *peak = pr.peak;
    return g;
}

lhv1_go lhv1_predict_go(const uint8_t *body, size_t len, char *why, size_t why_len)
{
    return lhv1_predict_go_peak(body, len, why, why_len, NULL);
}
