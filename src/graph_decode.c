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

static int decode_node(reader *r, lhv1_node *nd, uint64_t j)
{
    r->node = (int64_t)j;
    nd->offset = r->pos;
    if (read_string(r, &nd->key, "key length") != 0)
        return -1;
    if (read_count(r, &nd->dim, 4, "vector length") != 0)
        return -1;
    nd->vector = r->p + r->pos;
    r->pos += (size_t)nd->dim * 4;
    if (read_count(r, &nd->n_neighbors, MIN_KEY, "neighbour count") != 0)
        return -1;
    size_t start = r->pos;
    for (uint64_t k = 0; k < nd->n_neighbors; k++) {
        lhv1_bytes skip;
        if (read_string(r, &skip, "neighbour key length") != 0)
            return -1;
    }
    nd->neighbors.data = r->p + start;
    nd->neighbors.len = r->pos - start;
    return 0;
}

int lhv1_graph_decode(const uint8_t *p, size_t n, lhv1_graph *g, lhv1_status *st)
{
    memset(g, 0, sizeof *g);
    lhv1_status_ok(st);
    reader r = {p, n, 0, st, -1, -1};
    if (decode_header(&r, g) != 0)
        goto fail;
    uint64_t n_layers;
    if (read_count(&r, &n_layers, MIN_LAYER, "layer count") != 0)
        goto fail;
    g->layers = lhv1_calloc(n_layers ? n_layers : 1, sizeof *g->layers);
    if (!g->layers) {
        lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
        goto fail;
    }
    for (uint64_t i = 0; i < n_layers; i++) {
        lhv1_layer *ly = &g->layers[i];
        g->n_layers = i + 1;
        ly->offset = r.pos;
        r.layer = (int64_t)i;
        r.node = -1;
        if (read_count(&r, &ly->n_nodes, MIN_NODE, "node count") != 0)
            goto fail;
        if (ly->n_nodes == 0)
            continue; /* no allocation for an empty layer: a 1-byte layer stays cheap */
        ly->nodes = lhv1_calloc(ly->n_nodes, sizeof *ly->nodes);
        if (!ly->nodes) {
            lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
            goto fail;
        }
        for (uint64_t j = 0; j < ly->n_nodes; j++) {
            if (decode_node(&r, &ly->nodes[j], j) != 0)
                goto fail;
        }
    }
    g->n_layers = n_layers;
    g->end = r.pos;
    g->trailing = left(&r);
    return 0;
fail:
    lhv1_graph_free(g);
    return -1;
}

uint64_t lhv1_graph_count(const lhv1_graph *g)
{
    return g->n_layers ? g->layers[0].n_nodes : 0;
}

void lhv1_graph_free(lhv1_graph *g)
{
    if (g->layers)
        for (uint64_t i = 0; i < g->n_layers; i++)
            lhv1_free(g->layers[i].nodes);
    lhv1_free(g->layers);
    g->layers = NULL;
    g->n_layers = 0;
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
