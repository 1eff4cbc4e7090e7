/* What liblhv1's verdict and reason imply about Go's loader on the same
 * bytes (FORMAT.md 5b). The fuzz targets assert these on the prediction;
 * lhv1_differential checks them on what Go did (every golden, the envelope
 * edits, the random mutants), so each one holds for Go itself, not only
 * for the predictor. Header-only: the fuzz builds compile target sources
 * with nothing but the helpers. */
#ifndef LHV1_GO_IMPLICATIONS_H
#define LHV1_GO_IMPLICATIONS_H

#include "lhv1/verdict.h"

/* NULL when `go` is consistent with (verdict, reason), else the
 * implication it breaks. Holds for inputs below 64 MiB (Go's allocations
 * for what liblhv1 decodes stay under 57 bytes per input byte, far below
 * the 4 GiB `fatal` bound). */
static inline const char *lhv1_go_implication_broken(lhv1_verdict v, lhv1_reason r, lhv1_go go)
{
    switch (v) {
    case LHV1_OK:
    case LHV1_INCONSISTENT: /* the promise of ok: Go loads (the same values) */
        return go == LHV1_GO_OK ? NULL : "ok or inconsistent, so Go loads it";
    case LHV1_BAD_FORMAT: /* upstream unframe is liblhv1's */
        return go == LHV1_GO_ERROR ? NULL : "bad-format, so Go's unframe fails";
    default:
        break;
    }
    switch (r) {
    /* The envelope decodes up to this field as Go reads it (no duplicate,
     * no folded key, Go's syntax is looser), and Go fails on the field. */
    case LHV1_R_ENV_TRAILING_BYTES:
    case LHV1_R_ENV_NOT_OBJECT:
    case LHV1_R_ENV_NOT_INTEGER:
    case LHV1_R_ENV_INTEGER_SPELLING:
    case LHV1_R_ENV_BAD_VERSION:
        return go == LHV1_GO_ERROR ? NULL : "this envelope reason is an error in Go";
    /* The envelope is fine for Go; Go reads the graph in liblhv1's order
     * and meets the same fault, where nothing earlier asked for memory. */
    case LHV1_R_GRAPH_TRUNCATED:
    case LHV1_R_GRAPH_VARINT_OVERFLOW:
    case LHV1_R_GRAPH_UNKNOWN_DISTANCE:
    case LHV1_R_GRAPH_BAD_VERSION:
        return go == LHV1_GO_ERROR ? NULL : "this graph reason is an error in Go";
    /* A count the bytes cannot hold: Go allocates and meets EOF, or panics
     * or dies on the allocation; it never loads. (A negative n_nodes is an
     * empty layer to Go, so graph-negative-count implies nothing.) */
    case LHV1_R_GRAPH_COUNT_EXCEEDS_INPUT:
        return go != LHV1_GO_OK ? NULL : "a count beyond the input never loads in Go";
    default:
        return NULL;
    }
}

#endif
