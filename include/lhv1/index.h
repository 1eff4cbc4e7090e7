/* A whole LHV1 object: frame + envelope + graph, its verdict, the
 * prediction of Go's loader, the canonical dump. */
#ifndef LHV1_INDEX_H
#define LHV1_INDEX_H

#include "lhv1/envelope.h"
#include "lhv1/frame.h"
#include "lhv1/graph.h"
#include "lhv1/lhv2.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lhv1_index {
    lhv1_envelope env;
    lhv1_graph graph;
    int decoded; /* 1 when env and graph hold decoded content */
} lhv1_index;

/* Full verdict path: unframe, envelope decode, graph decode, graph
 * invariants, envelope/graph cross-checks, in that order; the first
 * failure wins. `name` (may be NULL) is the name the object is loaded as:
 * params.name must equal it. Offsets in `st` are absolute in `body`.
 * When the verdict is ok or inconsistent, `idx` holds the decoded content
 * (views into `body`: keep it alive) and must be freed; otherwise `idx`
 * is left empty. Returns the verdict. */
lhv1_verdict lhv1_index_load(const uint8_t *body, size_t len, const char *name,
                             lhv1_index *idx, lhv1_status *st);

/* As lhv1_index_load for either container (lhv2.h): an LHV1 object, or an
 * LHV2 object whose lengths and CRC-32C checksums are verified before its
 * sections are read. `format` (may be NULL) receives the container read.
 * (lhv1_index_load is the LHV1-only path: it names an LHV2 object
 * frame-newer-format.) */
lhv1_verdict lhv1_index_load_any(const uint8_t *body, size_t len, const char *name,
                                 lhv1_index *idx, lhv1_format *format, lhv1_status *st);

/* Frames encode(env) and the deterministic encode(graph). */
int lhv1_index_encode(const lhv1_index *idx, lhv1_buf *out);
/* The same sections in the chosen container (lhv2.h). */
int lhv1_index_encode_as(const lhv1_index *idx, lhv1_format format, lhv1_buf *out);

/* The canonical dump of docs/FORMAT.md "Canonical dump": byte-identical
 * for equal indexes, lossless. Defined for decoded indexes. */
int lhv1_index_dump(const lhv1_index *idx, lhv1_buf *out);

/* What the Go loader does with `body` (upstream unframe, the Go model's
 * envelope decode, coder/hnsw Import), following Go's read order.
 * `why` (may be NULL) receives Go's message or the panic's text. */
lhv1_go lhv1_predict_go(const uint8_t *body, size_t len, char *why, size_t why_len);

/* lhv1_predict_go, also giving in `peak` (may be NULL) the largest single
 * allocation Go asks for before reading one field, in bytes (FORMAT.md
 * 5a: strings count twice, vectors 8 bytes a component, neighbour lists 16
 * bytes a key, layer lists 8 a layer, layer maps their pre-sized tables).
 * A harness that runs Go in its own process skips inputs above its bound. */
lhv1_go lhv1_predict_go_peak(const uint8_t *body, size_t len, char *why, size_t why_len,
                             uint64_t *peak);

void lhv1_index_free(lhv1_index *idx);

#ifdef __cplusplus
}
#endif
#endif
