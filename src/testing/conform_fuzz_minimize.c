/* Minimizing a disagreement of lhv1 conform --fuzz (conform_fuzz.h), in
 * rounds until nothing shrinks: structure-aware edits that make the object
 * smaller (lhv1testing/object_edits.h: a node, a neighbour, a layer, metadata
 * removed, the envelope brought in line), then delta debugging
 * (complements only) over the whole object, and over its envelope and its
 * graph section with the frame rebuilt around them, so that the frame's
 * length stays right while either part shrinks. A smaller object is kept
 * only when the testee still disagrees with liblhv1 in the same class. */
#include <string.h>

#include "conform_fuzz.h"
#include "lhv1/index.h"
#include "lhv1testing/object_edits.h"
#include "lhv1testing/prng.h"

/* Edits tried per round; only those that shrink the object are sent. */
enum { EDITS_PER_ROUND = 400 };

typedef struct shrink {
    worker *w;
    const char *name, *klass;
    unsigned loads, budget;
    uint64_t deadline;
    int ended;
} shrink;

/* 1 when the object still disagrees in the same class. */
static int keeps_class(shrink *m, const uint8_t *p, size_t n)
{
    if (m->ended || m->loads >= m->budget || fuzz_now_ms() > m->deadline)
        return 0;
    uint64_t peak = 0;
    lhv1_go pred = lhv1_predict_go_peak(p, n, NULL, 0, &peak);
    if (pred == LHV1_GO_FATAL || peak >= CONFORM_GO_PEAK_MAX)
        return 0;
    m->loads++;
    judged j;
    if (fuzz_judge(m->w, p, n, m->name, &j) != 0) {
        m->ended = 1;
        fuzz_judged_free(&j);
        return 0;
    }
    int same = j.disagreement && strcmp(j.klass, m->klass) == 0;
    fuzz_judged_free(&j);
    return same;
}

typedef enum part { WHOLE, ENVELOPE, GRAPH } part;

/* The object one part builds: the whole, or one section re-framed. */
static void build(part which, lhv1_bytes env, lhv1_bytes graph, const uint8_t *p, size_t n,
                  lhv1_buf *out)
{
    lhv1_buf_reset(out);
    if (which == WHOLE) {
        lhv1_buf_append(out, p, n);
        return;
    }
    lhv1_bytes e = which == ENVELOPE ? (lhv1_bytes){p, n} : env;
    lhv1_bytes g = which == GRAPH ? (lhv1_bytes){p, n} : graph;
    uint8_t head[8] = {'L', 'H', 'V', '1', (uint8_t)(e.len >> 24), (uint8_t)(e.len >> 16),
                       (uint8_t)(e.len >> 8), (uint8_t)e.len};
    lhv1_buf_append(out, head, 8);
    lhv1_buf_append(out, e.data, e.len);
    lhv1_buf_append(out, g.data, g.len);
}

static void ddmin(shrink *m, lhv1_buf *x, part which)
{
    lhv1_bytes env = {0}, graph = {0};
    lhv1_buf seq, cand, obj;
    lhv1_buf_init(&seq);
    lhv1_buf_init(&cand);
    lhv1_buf_init(&obj);
    if (which == WHOLE) {
        lhv1_buf_append(&seq, x->data, x->len);
    } else {
        if (x->len < 8 || memcmp(x->data, "LHV1", 4) != 0)
            goto out;
        size_t elen = (size_t)x->data[4] << 24 | (size_t)x->data[5] << 16 |
                      (size_t)x->data[6] << 8 | x->data[7];
        if (elen > x->len - 8)
            goto out;
        env = (lhv1_bytes){x->data + 8, elen};
        graph = (lhv1_bytes){x->data + 8 + elen, x->len - 8 - elen};
        lhv1_bytes mine = which == ENVELOPE ? env : graph;
        lhv1_buf_append(&seq, mine.data, mine.len);
    }
    size_t parts = 2;
    while (seq.len >= 1 && !m->ended && m->loads < m->budget) {
        size_t chunk = (seq.len + parts - 1) / parts;
        int reduced = 0;
        for (size_t start = 0; start < seq.len; start += chunk) {
            size_t end = start + chunk < seq.len ? start + chunk : seq.len;
            lhv1_buf_reset(&cand);
            lhv1_buf_append(&cand, seq.data, start);
            lhv1_buf_append(&cand, seq.data + end, seq.len - end);
            build(which, env, graph, cand.data, cand.len, &obj);
            if (!obj.failed && keeps_class(m, obj.data, obj.len)) {
                lhv1_buf_reset(&seq);
                lhv1_buf_append(&seq, cand.data, cand.len);
                parts = parts > 2 ? parts - 1 : 2;
                reduced = 1;
                break;
            }
        }
        if (!reduced) {
            if (parts >= seq.len)
                break;
            parts = parts * 2 < seq.len ? parts * 2 : seq.len;
        }
    }
    build(which, env, graph, seq.data, seq.len, &obj);
    if (!obj.failed && obj.len < x->len) {
        lhv1_buf_reset(x);
        lhv1_buf_append(x, obj.data, obj.len);
    }
out:
    lhv1_buf_free(&seq);
    lhv1_buf_free(&cand);
    lhv1_buf_free(&obj);
}

/* Random structure-aware edits, kept when they shrink x in the class. */
static void shrink_structure(shrink *m, lhv1_buf *x, uint64_t *rng)
{
    lhv1_buf cand;
    lhv1_buf_init(&cand);
    for (unsigned i = 0; i < EDITS_PER_ROUND && !m->ended && m->loads < m->budget &&
                         fuzz_now_ms() <= m->deadline;
         i++) {
        uint64_t seed = lhv1_prng_next(rng), bytes = seed ^ 0x5bd1e995u;
        lhv1_buf_reset(&cand);
        if (lhv1_edit_object(x->data, x->len, seed, lhv1_seeded_mutate, &bytes, &cand, NULL, 0) ==
                0 &&
            !cand.failed && cand.len < x->len && keeps_class(m, cand.data, cand.len)) {
            lhv1_buf_reset(x);
            lhv1_buf_append(x, cand.data, cand.len);
        }
    }
    lhv1_buf_free(&cand);
}

unsigned fuzz_minimize(worker *w, lhv1_buf *x, const char *name, const char *klass,
                       unsigned budget, uint64_t deadline, int *ended)
{
    shrink m = {w, name, klass, 0, budget, deadline, 0};
    uint64_t rng = lhv1_prng_hash(x->len * 0x9e3779b97f4a7c15ULL + 0x6d696e);
    for (size_t before = (size_t)-1; x->len < before && !m.ended;) {
        before = x->len;
        shrink_structure(&m, x, &rng);
        ddmin(&m, x, WHOLE);
        ddmin(&m, x, ENVELOPE);
        ddmin(&m, x, GRAPH);
    }
    *ended = m.ended;
    return m.loads;
}
