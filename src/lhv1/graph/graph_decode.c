/* Decoder of the graph section (coder/hnsw Export v1, string keys).
 * Reads in Go's order; checks every length and count against the bytes
 * that remain, at the smallest size an element can take, BEFORE any
 * allocation: no count can make it allocate more than a constant times
 * the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "lhv1/graph.h"

/* Smallest encodings: a node is key len + dim + neighbour count (3 varint
 * bytes); a layer is its node count; a neighbour key is its length. */
enum { MIN_NODE = 3, MIN_LAYER = 1, MIN_KEY = 1 };

typedef struct {
    const uint8_t *p;
    size_t n;
    size_t pos;
    lhv1_status *st;
    /* Where in the graph, for messages ("layer 2 node 7 "): -1 when not
     * inside a layer / node. Formatted only when something fails. */
    int64_t layer, node;
} reader;

static const char *where(const reader *r, char out[64])
{
    out[0] = '\0';
    if (r->layer >= 0 && r->node >= 0)
        snprintf(out, 64, "layer %lld node %lld ", (long long)r->layer, (long long)r->node);
    else if (r->layer >= 0)
        snprintf(out, 64, "layer %lld ", (long long)r->layer);
    return out;
}

static size_t left(const reader *r) { return r->n - r->pos; }

static int read_varint(reader *r, int64_t *v, const char *what)
{
    char ctx[64];
    const uint8_t *p = r->p + r->pos;
    /* One or two bytes (zig-zag): keys, counts and dimensions up to 8191,
     * nearly every varint of a real graph. */
    if (left(r) > 0 && p[0] < 0x80) {
        *v = (int64_t)(p[0] >> 1) ^ -(int64_t)(p[0] & 1);
        r->pos++;
        return 0;
    }
    if (left(r) > 1 && p[1] < 0x80) {
        uint64_t x = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
        *v = (int64_t)(x >> 1) ^ -(int64_t)(x & 1);
        r->pos += 2;
        return 0;
    }
    int k = lhv1_varint_read(p, left(r), v);
    if (k == 0)
        return lhv1_fail(r->st, LHV1_R_GRAPH_TRUNCATED, (int64_t)r->pos,
                         "%s%s: section ends inside the varint", where(r, ctx), what);
    if (k < 0)
        return lhv1_fail(r->st, LHV1_R_GRAPH_VARINT_OVERFLOW, (int64_t)r->pos,
                         "%s%s: varint overflows a 64-bit integer", where(r, ctx), what);
    r->pos += (size_t)k;
    return 0;
}

/* A count of elements at least `min_size` bytes each, read at `at`. */
static int check_count(reader *r, int64_t v, size_t at, size_t min_size, const char *what)
{
    char ctx[64];
    if (v >= 0 && (uint64_t)v <= left(r) / min_size)
        return 0;
    where(r, ctx);
    if (v < 0)
        return lhv1_fail(r->st, LHV1_R_GRAPH_NEGATIVE_COUNT, (int64_t)at,
                         "%s%s is negative: %lld", ctx, what, (long long)v);
    if ((uint64_t)v > left(r) / min_size)
        return lhv1_fail(r->st, LHV1_R_GRAPH_COUNT_EXCEEDS_INPUT, (int64_t)at,
                         "%s%s is %lld but only %zu bytes remain", ctx, what, (long long)v,
                         left(r));
    return 0;
}

static int read_count(reader *r, uint64_t *out, size_t min_size, const char *what)
{
    size_t at = r->pos;
    int64_t v;
    if (read_varint(r, &v, what) != 0 || check_count(r, v, at, min_size, what) != 0)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int read_string(reader *r, lhv1_bytes *s, const char *what)
{
    uint64_t len;
    if (read_count(r, &len, 1, what) != 0)
        return -1;
    s->data = r->p + r->pos;
    s->len = (size_t)len;
    r->pos += (size_t)len;
    return 0;
}

static int decode_header(reader *r, lhv1_graph *g)
{
    if (read_varint(r, &g->version, "version") != 0 ||
        read_varint(r, &g->m, "M") != 0)
        return -1;
    if (left(r) < 8)
        return lhv1_fail(r->st, LHV1_R_GRAPH_TRUNCATED, (int64_t)r->pos,
                         "Ml: %zu of its 8 bytes present", left(r));
    memcpy(g->ml_raw, r->p + r->pos, 8);
    uint64_t bits = 0;
    for (int i = 7; i >= 0; i--)
        bits = bits << 8 | g->ml_raw[i];
    memcpy(&g->ml, &bits, sizeof g->ml);
    r->pos += 8;
    if (read_varint(r, &g->ef_search, "EfSearch") != 0)
        return -1;
    size_t dist_at = r->pos;
    if (read_string(r, &g->distance, "distance name length") != 0)
        return -1;
    /* Go resolves the distance name before it looks at the version. */
    char kb[LHV1_SHOW_MAX];
    if (!lhv1_distance_known(g->distance))
        return lhv1_fail(r->st, LHV1_R_GRAPH_UNKNOWN_DISTANCE, (int64_t)dist_at,
                         "unknown distance function \"%s\"", lhv1_show(g->distance, kb));
    if (g->version != LHV1_GRAPH_VERSION)
        return lhv1_fail(r->st, LHV1_R_GRAPH_BAD_VERSION, 0,
                         "incompatible encoding version: %lld", (long long)g->version);
    return 0;
}

static void off_set(void *a, int wide, uint64_t i, uint64_t v)
{
    if (wide)
        ((uint64_t *)a)[i] = v;
    else
        ((uint32_t *)a)[i] = (uint32_t)v;
}

/* Checks one node's syntax and skips it. */
static int decode_node(reader *r, uint64_t j)
{
    r->node = (int64_t)j;
    lhv1_bytes key;
    uint64_t dim, n_neighbors;
    if (read_string(r, &key, "key length") != 0)
        return -1;
    if (read_count(r, &dim, 4, "vector length") != 0)
        return -1;
    r->pos += (size_t)dim * 4;
    if (read_count(r, &n_neighbors, MIN_KEY, "neighbour count") != 0)
        return -1;
    const uint8_t *end = r->p + r->n;
    for (uint64_t k = 0; k < n_neighbors; k++) {
        const uint8_t *q = r->p + r->pos;
        /* A key shorter than 64 bytes that fits: one byte of length. */
        if (q < end && q[0] < 0x80 && !(q[0] & 1) && (size_t)(q[0] >> 1) < (size_t)(end - q)) {
            r->pos += 1 + (size_t)(q[0] >> 1);
            continue;
        }
        lhv1_bytes skip;
        if (read_string(r, &skip, "neighbour key length") != 0)
            return -1;
    }
    return 0;
}

/* Room for `more` node offsets after `used`: the capacity doubles, so a
 * section of many small layers costs no quadratic copying. */
static int reserve_nodes(lhv1_graph *g, uint64_t used, uint64_t more, uint64_t *cap)
{
    if (used + more <= *cap)
        return 0;
    uint64_t want = *cap ? *cap : 64;
    while (want < used + more)
        want *= 2;
    void *p = lhv1_realloc(g->node_off, want * (g->wide ? 8 : 4));
    if (!p)
        return -1;
    g->node_off = p;
    *cap = want;
    return 0;
}

int lhv1_graph_decode(const uint8_t *p, size_t n, lhv1_graph *g, lhv1_status *st)
{
    memset(g, 0, sizeof *g);
    lhv1_status_ok(st);
    g->section = p;
    g->wide = (uint64_t)n > UINT32_MAX;
    reader r = {p, n, 0, st, -1, -1};
    if (decode_header(&r, g) != 0)
        goto fail;
    uint64_t n_layers;
    if (read_count(&r, &n_layers, MIN_LAYER, "layer count") != 0)
        goto fail;
    g->layer_off = lhv1_malloc((n_layers ? n_layers : 1) * (g->wide ? 8 : 4));
    if (!g->layer_off) {
        lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
        goto fail;
    }
    uint64_t cap = 0, total = 0;
    for (uint64_t i = 0; i < n_layers; i++) {
        off_set(g->layer_off, g->wide, i, r.pos);
        g->n_layers = i + 1;
        r.layer = (int64_t)i;
        r.node = -1;
        uint64_t n_nodes;
        if (read_count(&r, &n_nodes, MIN_NODE, "node count") != 0)
            goto fail;
        if (reserve_nodes(g, total, n_nodes, &cap) != 0) {
            lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
            goto fail;
        }
        for (uint64_t j = 0; j < n_nodes; j++) {
            off_set(g->node_off, g->wide, total + j, r.pos);
            if (decode_node(&r, j) != 0)
                goto fail;
        }
        total += n_nodes;
        g->n_nodes = total;
    }
    if (cap > total && total) { /* give back the doubling's slack */
        void *fit = lhv1_realloc(g->node_off, total * (g->wide ? 8 : 4));
        if (fit)
            g->node_off = fit;
    }
    g->n_layers = n_layers;
    g->end = r.pos;
    g->trailing = left(&r);
    return 0;
fail:
    lhv1_graph_free(g);
    return -1;
}

void lhv1_graph_layer(const lhv1_graph *g, uint64_t i, lhv1_layer *out)
{
    out->offset = lhv1_off_get(g->layer_off, g->wide, i);
    out->end = i + 1 < g->n_layers ? lhv1_off_get(g->layer_off, g->wide, i + 1) : g->end;
    size_t pos = (size_t)out->offset;
    out->n_nodes = lhv1_valid_varint(g->section, &pos);
    /* Node offsets grow in file order: the first node of layer i is the
     * first whose offset is past the layer's count. */
    uint64_t lo = 0, hi = g->n_nodes;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (lhv1_off_get(g->node_off, g->wide, mid) < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    out->first = lo;
}

void lhv1_layer_node(const lhv1_graph *g, const lhv1_layer *layer, uint64_t j, lhv1_node *out)
{
    const uint8_t *p = g->section;
    size_t pos = (size_t)lhv1_off_get(g->node_off, g->wide, layer->first + j);
    size_t end = j + 1 < layer->n_nodes
                     ? (size_t)lhv1_off_get(g->node_off, g->wide, layer->first + j + 1)
                     : (size_t)layer->end;
    out->offset = pos;
    out->key.len = (size_t)lhv1_valid_varint(p, &pos);
    out->key.data = p + pos;
    pos += out->key.len;
    out->dim = lhv1_valid_varint(p, &pos);
    out->vector = p + pos;
    pos += (size_t)out->dim * 4;
    out->n_neighbors = lhv1_valid_varint(p, &pos);
    out->neighbors.data = p + pos;
    out->neighbors.len = end - pos;
}

uint64_t lhv1_graph_count(const lhv1_graph *g)
{
    if (!g->n_layers)
        return 0;
    size_t pos = (size_t)lhv1_off_get(g->layer_off, g->wide, 0);
    return lhv1_valid_varint(g->section, &pos);
}

void lhv1_graph_free(lhv1_graph *g)
{
    lhv1_free(g->layer_off);
    lhv1_free(g->node_off);
    g->layer_off = NULL;
    g->node_off = NULL;
    g->n_layers = 0;
    g->n_nodes = 0;
}

void lhv1_neighbor_iter_init(lhv1_neighbor_iter *it, const lhv1_node *node)
{
    it->p = node->neighbors.data;
    it->end = node->neighbors.data + node->neighbors.len;
    it->left = node->n_neighbors;
}

int lhv1_neighbor_next(lhv1_neighbor_iter *it, lhv1_bytes *key)
{
    if (it->left == 0)
        return 0;
    if (it->p < it->end && it->p[0] < 0x80 && !(it->p[0] & 1) &&
        (size_t)(it->p[0] >> 1) < (size_t)(it->end - it->p)) { /* a key shorter than 64 bytes */
        key->len = it->p[0] >> 1;
        key->data = it->p + 1;
        it->p += 1 + key->len;
        it->left--;
        return 1;
    }
    int64_t len;
    int k = lhv1_varint_read(it->p, (size_t)(it->end - it->p), &len);
    if (k <= 0 || len < 0 || (uint64_t)len > (uint64_t)(it->end - it->p - k))
        return 0; /* cannot happen on validated lists; stop rather than overrun */
    key->data = it->p + k;
    key->len = (size_t)len;
    it->p += k + len;
    it->left--;
    return 1;
}
