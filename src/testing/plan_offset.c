/* Plan offsets by place (plan_offset.h, docs/FAULTS.md "Plan offsets"):
 * parsed from the one table LHV1_PLAN_ANCHORS, resolved against an
 * object with liblhv1's frame and graph decoders, nodes and neighbours
 * numbered in bytewise key order. Plan lines are read in fault_fields.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1testing/fault_store.h"
#include "lhv1/frame.h"
#include "lhv1/graph.h"
#include "lhv1testing/plan_offset.h"
#include "fail_why.h"

static const struct {
    const char *name;
    lhv1_plan_anchor parent;
    int indexed;
    const char *what;
} anchors[] = {
#define LHV1_PLAN_ANCHOR_ROW(id, name, parent, indexed, what) \
    {name, LHV1_ANCHOR_##parent, indexed, what},
    LHV1_PLAN_ANCHORS(LHV1_PLAN_ANCHOR_ROW)
#undef LHV1_PLAN_ANCHOR_ROW
};

/* A run of decimal digits at p (up to end) as a value below 2^63; the
 * number of digits, 0 when there are none, -1 when out of range. */
static int digits(const char *p, const char *end, uint64_t *v)
{
    int n = 0;
    *v = 0;
    for (; p + n < end && p[n] >= '0' && p[n] <= '9'; n++) {
        uint64_t d = (uint64_t)(p[n] - '0');
        if (*v > (UINT64_C(0x7fffffffffffffff) - d) / 10)
            return -1;
        *v = *v * 10 + d;
    }
    return n;
}

int lhv1_plan_offset_parse(const char *text, size_t len, lhv1_plan_offset *o, char *why,
                           size_t why_len)
{
    memset(o, 0, sizeof *o);
    const char *p = text, *end = text + len;
    if (p == end)
        return lhv1_fail_why(why, why_len, "empty offset");
    uint64_t v;
    if (*p >= '0' && *p <= '9') {
        int n = digits(p, end, &v);
        if (n < 0 || p + n != end)
            return lhv1_fail_why(why, why_len, "offset \"%.*s\": not a number, nor a place",
                                 (int)len, text);
        o->delta = (int64_t)v;
        return 0;
    }
    if (end - p >= 4 && !memcmp(p, "old.", 4)) {
        o->old = 1;
        p += 4;
    }
    lhv1_plan_anchor parent = LHV1_ANCHOR_ROOT;
    for (;;) {
        const char *name = p;
        while (p < end && *p >= 'a' && *p <= 'z')
            p++;
        size_t name_len = (size_t)(p - name);
        int a = -1;
        for (int i = 0; i < LHV1_ANCHOR_COUNT; i++)
            if (anchors[i].parent == parent && strlen(anchors[i].name) == name_len &&
                !memcmp(anchors[i].name, name, name_len))
                a = i;
        if (a < 0)
            return lhv1_fail_why(why, why_len, "offset \"%.*s\": \"%.*s\" is not a place %s%s",
                                 (int)len, text, (int)name_len, name,
                                 parent == LHV1_ANCHOR_ROOT ? "first" : "after ",
                                 parent == LHV1_ANCHOR_ROOT ? "" : anchors[parent].name);
        if (o->n_steps == LHV1_PLAN_MAX_STEPS)
            return lhv1_fail_why(why, why_len, "offset \"%.*s\": too many parts", (int)len, text);
        o->steps[o->n_steps].anchor = (lhv1_plan_anchor)a;
        o->steps[o->n_steps].index = 0;
        if (anchors[a].indexed) {
            int n = digits(p, end, &v);
            if (n == 0)
                return lhv1_fail_why(why, why_len, "offset \"%.*s\": %s needs its number (%s0)",
                                     (int)len, text, anchors[a].name, anchors[a].name);
            if (n < 0)
                return lhv1_fail_why(why, why_len,
                                     "offset \"%.*s\": the number after %s is out of range",
                                     (int)len, text, anchors[a].name);
            o->steps[o->n_steps].index = v;
            p += n;
        }
        o->n_steps++;
        parent = (lhv1_plan_anchor)a;
        if (p < end && *p == '.') {
            p++;
            continue;
        }
        break;
    }
    if (p == end)
        return 0;
    int64_t sign = 1;
    if (*p == '-')
        sign = -1;
    else if (*p != '+')
        return lhv1_fail_why(why, why_len,
                             "offset \"%.*s\": \"%.*s\" after the place (want +N or -N)", (int)len,
                             text, (int)(end - p), p);
    p++;
    int n = digits(p, end, &v);
    if (n <= 0 || p + n != end || v >= (UINT64_C(1) << 62))
        return lhv1_fail_why(why, why_len, "offset \"%.*s\": not +N or -N after the place",
                             (int)len, text);
    o->delta = sign * (int64_t)v;
    return 0;
}

void lhv1_plan_offset_format(const lhv1_plan_offset *o, char *out, size_t out_len)
{
    if (!out_len)
        return;
    out[0] = 0;
    size_t at = 0;
#define PUT(...)                                                             \
    do {                                                                     \
        int w_ = snprintf(out + at, out_len - at, __VA_ARGS__);               \
        if (w_ < 0 || (size_t)w_ >= out_len - at)                            \
            return;                                                          \
        at += (size_t)w_;                                                    \
    } while (0)
    if (o->n_steps == 0) {
        PUT("%lld", (long long)o->delta);
        return;
    }
    if (o->old)
        PUT("old.");
    for (int i = 0; i < o->n_steps; i++) {
        PUT("%s%s", i ? "." : "", anchors[o->steps[i].anchor].name);
        if (anchors[o->steps[i].anchor].indexed)
            PUT("%llu", (unsigned long long)o->steps[i].index);
    }
    if (o->delta)
        PUT("%+lld", (long long)o->delta);
#undef PUT
}

/* Positions of n items in key order (stable): order[i] is the file
 * position of the i-th smallest key. */
typedef struct keyed {
    lhv1_bytes key;
    uint64_t pos;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = lhv1_bytes_cmp(x->key, y->key);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* The file position of the index-th node of `ly` in key order. */
static int nth_node(const lhv1_graph *g, const lhv1_layer *ly, uint64_t index, uint64_t *pos)
{
    keyed *k = malloc((size_t)ly->n_nodes * sizeof *k);
    if (!k)
        return -1;
    for (uint64_t j = 0; j < ly->n_nodes; j++) {
        lhv1_node nd;
        lhv1_layer_node(g, ly, j, &nd);
        k[j] = (keyed){nd.key, j};
    }
    qsort(k, (size_t)ly->n_nodes, sizeof *k, keyed_cmp);
    *pos = k[index].pos;
    free(k);
    return 0;
}

/* The offset in the section of the index-th neighbour of nd in key order. */
static int nth_neighbor(const lhv1_graph *g, const lhv1_node *nd, uint64_t index, uint64_t *off)
{
    keyed *k = malloc((size_t)nd->n_neighbors * sizeof *k);
    if (!k)
        return -1;
    /* Each neighbour's length varint starts just before its key; the
     * walk records where. */
    const uint8_t *p = nd->neighbors.data, *end = p + nd->neighbors.len;
    for (uint64_t i = 0; i < nd->n_neighbors; i++) {
        int64_t n;
        int used = lhv1_varint_read(p, (size_t)(end - p), &n);
        k[i] = (keyed){{p + used, (size_t)n}, (uint64_t)(p - g->section)};
        p += used + n;
    }
    qsort(k, (size_t)nd->n_neighbors, sizeof *k, keyed_cmp);
    *off = k[index].pos;
    free(k);
    return 0;
}

int lhv1_plan_offset_place(const lhv1_plan_offset *o, const uint8_t *body, size_t len,
                           uint64_t *at, char *why, size_t why_len)
{
    *at = 0;
    if (o->n_steps == 0)
        return 0;
    lhv1_bytes env, section;
    lhv1_status st;
    if (lhv1_unframe(body, len, &env, &section, &st) < 0)
        return lhv1_fail_why(why, why_len, "not an LHV1 object");
    const uint64_t graph_at = (uint64_t)(section.data - body);
    lhv1_graph g;
    int decoded = 0, rc = 0;
    lhv1_layer ly;
    lhv1_node nd;
    uint64_t layer_index = 0;
    for (int i = 0; i < o->n_steps && rc == 0; i++) {
        uint64_t index = o->steps[i].index;
        switch (o->steps[i].anchor) {
        case LHV1_ANCHOR_ENVELOPE: *at = (uint64_t)(env.data - body); break;
        case LHV1_ANCHOR_GRAPH: *at = graph_at; break;
        case LHV1_ANCHOR_END: *at = len; break;
        case LHV1_ANCHOR_LAYER:
            if (lhv1_graph_decode(section.data, section.len, &g, &st) < 0) {
                rc = lhv1_fail_why(why, why_len, "the graph section does not walk: %s",
                                   st.message);
                break;
            }
            decoded = 1;
            if (index >= g.n_layers) {
                rc = lhv1_fail_why(why, why_len, "no layer %llu (the object has %llu)",
                                   (unsigned long long)index, (unsigned long long)g.n_layers);
                break;
            }
            layer_index = index;
            lhv1_graph_layer(&g, index, &ly);
            *at = graph_at + ly.offset;
            break;
        case LHV1_ANCHOR_NODE: {
            uint64_t pos;
            if (index >= ly.n_nodes) {
                rc = lhv1_fail_why(why, why_len, "no node %llu in layer %llu (it has %llu)",
                                   (unsigned long long)index, (unsigned long long)layer_index,
                                   (unsigned long long)ly.n_nodes);
                break;
            }
            if (nth_node(&g, &ly, index, &pos) < 0) {
                rc = lhv1_fail_why(why, why_len, "out of memory");
                break;
            }
            lhv1_layer_node(&g, &ly, pos, &nd);
            *at = graph_at + nd.offset;
            break;
        }
        case LHV1_ANCHOR_VECTOR: *at = (uint64_t)(nd.vector - body); break;
        case LHV1_ANCHOR_NEIGHBORS: *at = (uint64_t)(nd.vector - body) + nd.dim * 4; break;
        case LHV1_ANCHOR_NEIGHBOR: {
            uint64_t off;
            if (index >= nd.n_neighbors) {
                rc = lhv1_fail_why(why, why_len, "no neighbour %llu (the node has %llu)",
                                   (unsigned long long)index, (unsigned long long)nd.n_neighbors);
                break;
            }
            if (nth_neighbor(&g, &nd, index, &off) < 0) {
                rc = lhv1_fail_why(why, why_len, "out of memory");
                break;
            }
            *at = graph_at + off;
            break;
        }
        default: rc = lhv1_fail_why(why, why_len, "unknown place"); break;
        }
    }
    if (decoded)
        lhv1_graph_free(&g);
    return rc;
}
