/* The graph section: coder/hnsw Graph[string].Export, encoding version 1. */
#ifndef LHV1_GRAPH_H
#define LHV1_GRAPH_H

#include "lhv1/bytes.h"
#include "lhv1/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LHV1_GRAPH_VERSION 1
#define LHV1_VARINT_MAX 10

/* One node as it appears in one layer, decoded on demand from the input
 * (lhv1_layer_node): the graph keeps only the node's offset. All pointers
 * are views into the decoded input. The vector is `dim` float32
 * little-endian values (read with lhv1_vector_get, never cast: the bytes
 * are unaligned). The neighbour list stays in its encoded form
 * (n_neighbors x (varint len, bytes)), walked with lhv1_neighbor_iter. */
typedef struct lhv1_node {
    lhv1_bytes key;
    const uint8_t *vector;
    uint64_t dim;
    lhv1_bytes neighbors; /* the encoded neighbour keys */
    uint64_t n_neighbors;
    uint64_t offset;      /* offset of the node in the graph section */
} lhv1_node;

/* One layer, filled on demand (lhv1_graph_layer). */
typedef struct lhv1_layer {
    uint64_t first;   /* index of its first node among all the graph's nodes */
    uint64_t n_nodes;
    uint64_t offset;  /* offset of the layer's node count */
    uint64_t end;     /* offset just past its last node */
} lhv1_layer;

/* A decoded graph section: the header's fields, and the offset of every
 * layer and every node in the section (4 bytes each below 4 GiB, 8
 * above), so a decoded graph costs at most 4 bytes per input byte. Nodes
 * and layers are read through lhv1_graph_layer / lhv1_layer_node; the
 * graph keeps views into the section, which must outlive it. */
typedef struct lhv1_graph {
    int64_t version;
    int64_t m;
    double ml;
    uint8_t ml_raw[8]; /* the 8 bytes as stored (little-endian float64) */
    int64_t ef_search;
    lhv1_bytes distance;
    uint64_t n_layers;
    uint64_t n_nodes;  /* in all layers */
    uint64_t end;      /* offset just past the last layer */
    uint64_t trailing; /* bytes after the last layer */
    /* private: read through the accessors */
    const uint8_t *section;
    void *layer_off;   /* n_layers offsets (uint32_t, or uint64_t when wide) */
    void *node_off;    /* n_nodes offsets, in file order */
    int wide;
} lhv1_graph;

typedef struct lhv1_neighbor_iter {
    const uint8_t *p;
    const uint8_t *end;
    uint64_t left;
} lhv1_neighbor_iter;

/* --- varints: Go binary.PutVarint / ReadVarint ------------------------ */

/* Reads a zig-zag varint. Returns bytes consumed (1..10), 0 when the input
 * ends first (truncated), -1 on overflow (an 11th byte, or a 10th > 1).
 * Overlong encodings are accepted, as Go accepts them. */
int lhv1_varint_read(const uint8_t *p, size_t n, int64_t *out);
/* Writes the shortest encoding into out[10]; returns its length. */
int lhv1_varint_put(uint8_t out[LHV1_VARINT_MAX], int64_t v);

float lhv1_vector_get(const lhv1_node *node, uint64_t i);

/* --- decode / check / encode ----------------------------------------- */

/* Decodes the section's syntax: every length and count is checked against
 * the bytes remaining before anything is allocated, so the decoder's heap
 * is bounded by a small multiple of `n` whatever the counts claim. Does
 * NOT check the invariants (lhv1_graph_check does). The graph keeps views
 * into `p`. Offsets in `st` are relative to `p`. Returns 0 or -1
 * (decode-error). On -1 the graph is freed. */
int lhv1_graph_decode(const uint8_t *p, size_t n, lhv1_graph *g, lhv1_status *st);

/* The invariants of docs/FORMAT.md ("Graph invariants"), in its order.
 * Returns 0 or -1 (inconsistent). */
int lhv1_graph_check(const lhv1_graph *g, lhv1_status *st);

/* Deterministic encoding: nodes of each layer and each neighbour list in
 * bytewise key order, shortest varints. Appends to `out`. Fails (-1) only
 * on allocation failure. */
int lhv1_graph_encode(const lhv1_graph *g, lhv1_buf *out);

/* Semantic equality: same params (Ml bitwise), same layers, and per layer
 * the same set of nodes (key, vector bytes, neighbour set). */
int lhv1_graph_equal(const lhv1_graph *a, const lhv1_graph *b);

uint64_t lhv1_graph_count(const lhv1_graph *g); /* layer-0 node count */
/* Layer i (< n_layers) of a decoded graph. */
void lhv1_graph_layer(const lhv1_graph *g, uint64_t i, lhv1_layer *out);
/* Node j (< layer->n_nodes) of a layer of g, decoded from the section. */
void lhv1_layer_node(const lhv1_graph *g, const lhv1_layer *layer, uint64_t j, lhv1_node *out);
void lhv1_graph_free(lhv1_graph *g);

void lhv1_neighbor_iter_init(lhv1_neighbor_iter *it, const lhv1_node *node);
/* Next neighbour key (a view). Returns 1, or 0 at the end. Only valid on
 * decoded or writer-built nodes (lists already validated). */
int lhv1_neighbor_next(lhv1_neighbor_iter *it, lhv1_bytes *key);

/* --- low-level writer: the builder for encoders, fuzzers, mutators ----- */

void lhv1_gw_varint(lhv1_buf *out, int64_t v);
void lhv1_gw_string(lhv1_buf *out, lhv1_bytes s);
/* version, M, Ml, EfSearch, distance name, then n_layers. */
void lhv1_gw_header(lhv1_buf *out, int64_t version, int64_t m, double ml,
                    int64_t ef_search, lhv1_bytes distance, int64_t n_layers);
/* key, vector (dim float32 LE values), and the neighbour count; the
 * caller then writes n_neighbors keys with lhv1_gw_string. */
void lhv1_gw_node(lhv1_buf *out, lhv1_bytes key, const float *vec, uint64_t dim,
                  int64_t n_neighbors);

#ifdef __cplusplus
}
#endif
#endif
