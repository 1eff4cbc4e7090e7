/* Test helper: builds LHV1 objects field by field with the library's own
 * writer (lhv1_gw_*, lhv1_frame), so crafted inputs read as what they are.
 * Raw bytes are appended directly only where a test needs malformed ones.
 * Positions are recorded while building, so tests compute the offset a
 * reason must name instead of hard-coding it. */
#ifndef LHV1_TESTS_BUILDER_H
#define LHV1_TESTS_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/index.h"

/* Default graph parameters of a crafted object. */
#define TB_M 4
#define TB_EF 8
#define TB_ML 0.25
#define TB_DIM 2

/* An object under construction: the envelope text and the graph section
 * are built separately, then framed. */
typedef struct tb_object {
    lhv1_buf env;
    lhv1_buf graph;
    lhv1_buf body; /* the framed object, after tb_finish */
} tb_object;

void tb_init(tb_object *o);
void tb_free(tb_object *o);

/* Envelope: the standard one (name "docs", cosine, TB_M, TB_EF, dimension
 * `dim`, `count`), with optional raw metadata JSON (NULL = absent). */
void tb_env_std(tb_object *o, int64_t dim, int64_t count, const char *metadata_json);
/* Envelope from raw text (for malformed ones). */
void tb_env_raw(tb_object *o, const char *text);
void tb_env_bytes(tb_object *o, const void *p, size_t n);

/* Graph header: version 1, TB_M, TB_ML, TB_EF, "cosine", n_layers. */
void tb_graph_std_header(tb_object *o, int64_t n_layers);
/* One node: key, vector, then its neighbour keys (NULL-terminated list). */
void tb_node(lhv1_buf *g, const char *key, const float *vec, uint64_t dim,
             const char *const *neighbors);
/* A node whose vector is {x, x+1, ...} of TB_DIM components. */
void tb_node_x(lhv1_buf *g, const char *key, float x, const char *const *neighbors);

/* The standard valid graph: layer 0 = a, b, c (each neighbour of the two
 * others), layer 1 = a, b. Vectors {0,1}, {1,2}, {2,3}. */
void tb_graph_std(tb_object *o);
#define TB_STD_COUNT 3

/* Frames env + graph into body. Returns the body view. */
lhv1_bytes tb_finish(tb_object *o);
/* Absolute offset of graph position `pos` in the framed object. */
int64_t tb_graph_abs(const tb_object *o, size_t pos);
/* Absolute offset of envelope position `pos`. */
int64_t tb_env_abs(size_t pos);

/* The whole standard valid object (envelope + tb_graph_std), framed. */
lhv1_bytes tb_std_object(tb_object *o);

/* Loads a body; frees the index. Returns the verdict. */
lhv1_verdict tb_load(lhv1_bytes body, const char *name, lhv1_status *st);

/* Writes a file (tests of the CLI). Returns 0 or -1. */
int tb_write_file(const char *path, const void *p, size_t n);

#endif
