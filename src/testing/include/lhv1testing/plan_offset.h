/* Plan offsets relative to an object's sections (docs/FAULTS.md, "Plan
 * offsets"): the `cut=` of a torn write and the `bit=` of a bit flip may
 * name a place in the object instead of a number, so that a plan means
 * the same field on every run even when the writer lays nodes out in map
 * order (coder/hnsw's Export):
 *
 *   OFFSET := N | ["old."] PLACE [("+" | "-") N]
 *   PLACE  := ANCHOR ["." ANCHOR ...]   each ANCHOR a row of the table
 *                                       below, NAME or NAME followed by
 *                                       its index, under its parent
 *
 *   cut=57                 byte 57 (as before)
 *   cut=graph+12           12 bytes into the graph section
 *   bit=layer1.node3+40    bit 40 of node 3 of layer 1 (its 6th byte)
 *   cut=old.layer0.node2   torn-over-old: node 2 of the object written over
 *
 * A cut counts bytes, a bit counts bits (the place's first byte x 8 plus
 * N), as the numbers they replace do. Nodes and neighbours are numbered in
 * bytewise key order (stable for equal keys), not in file order. "old."
 * places a torn-over-old cut in the object the write lands over. A place
 * the object does not have (no such layer, an object whose graph section
 * does not walk) does not resolve, and the fault does not fire.
 *
 * This table is the one definition: the Go twin (go/lhv1test,
 * anchors_table.go) is generated from it. */
#ifndef LHV1_PLAN_OFFSET_H
#define LHV1_PLAN_OFFSET_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1testing/fault_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(id, name, parent, indexed, what)
 *   parent   the anchor this one follows after a dot (ROOT: first)
 *   indexed  1: the name is followed by a number (layer2, node0)
 *   what     the byte the anchor names, for docs and messages */
#define LHV1_PLAN_ANCHORS(X)                                                      \
    X(ENVELOPE, "envelope", ROOT, 0, "the envelope's first byte")                  \
    X(GRAPH, "graph", ROOT, 0, "the graph section's first byte (the envelope's end)") \
    X(END, "end", ROOT, 0, "the object's end (its length)")                        \
    X(LAYER, "layer", ROOT, 1, "layer L's node count")                            \
    X(NODE, "node", LAYER, 1, "node N of the layer, in key order: its key length") \
    X(VECTOR, "vector", NODE, 0, "the node's first vector byte (after the vector length)") \
    X(NEIGHBORS, "neighbors", NODE, 0, "the node's neighbour count")              \
    X(NEIGHBOR, "neighbor", NODE, 1, "neighbour K of the node, in key order: its length")

typedef enum lhv1_plan_anchor {
    LHV1_ANCHOR_ROOT = -1,
#define LHV1_PLAN_ANCHOR_ENUM(id, name, parent, indexed, what) LHV1_ANCHOR_##id,
    LHV1_PLAN_ANCHORS(LHV1_PLAN_ANCHOR_ENUM)
#undef LHV1_PLAN_ANCHOR_ENUM
    LHV1_ANCHOR_COUNT
} lhv1_plan_anchor;

#define LHV1_PLAN_MAX_STEPS 3

/* A parsed OFFSET. With n_steps == 0 it is the number `delta` itself. */
typedef struct lhv1_plan_offset {
    int old;
    int n_steps;
    struct {
        lhv1_plan_anchor anchor;
        uint64_t index;
    } steps[LHV1_PLAN_MAX_STEPS];
    int64_t delta;
} lhv1_plan_offset;

/* Parses `text` (up to `len` bytes). Returns 0, or -1 with a message. */
int lhv1_plan_offset_parse(const char *text, size_t len, lhv1_plan_offset *o, char *why,
                           size_t why_len);
/* The text form, as parsed (always terminated). */
void lhv1_plan_offset_format(const lhv1_plan_offset *o, char *out, size_t out_len);
/* The byte the place names in `body`, plus nothing: the caller adds
 * `delta` in its unit (bytes for a cut, bits for a bit). Returns 0, or -1
 * when the body has no such place (a message in `why`). A number (no
 * steps) resolves to 0 in any body. */
int lhv1_plan_offset_place(const lhv1_plan_offset *o, const uint8_t *body, size_t len,
                           uint64_t *at, char *why, size_t why_len);

#ifdef __cplusplus
}
#endif
#endif
