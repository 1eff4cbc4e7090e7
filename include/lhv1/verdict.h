/* Verdicts, stable reason codes and the prediction of Go's loader.
 * docs/FORMAT.md section "Verdicts and reason codes" is the normative list;
 * the table in src/lhv1/core/verdict.c must stay in step with it. */
#ifndef LHV1_VERDICT_H
#define LHV1_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lhv1_verdict {
    LHV1_OK = 0,
    LHV1_MISSING,
    LHV1_STORE_ERROR,
    LHV1_BAD_FORMAT,
    LHV1_DECODE_ERROR,
    LHV1_INCONSISTENT,
    /* Not a judgement of the bytes: liblhv1 ran out of memory before it
     * could reach one (reason `out-of-memory`). Retrying may succeed. */
    LHV1_OUT_OF_MEMORY,
    LHV1_VERDICT_COUNT
} lhv1_verdict;

/* X-macro: enum name, stable code, verdict. Order is the check order
 * within a class; never renumber a released code's string. */
#define LHV1_REASONS(X)                                                        \
    X(NONE, "none", LHV1_OK)                                                   \
    X(KEY_MISSING, "key-missing", LHV1_MISSING)                                \
    X(STORE_FAILED, "store-failed", LHV1_STORE_ERROR)                          \
    X(OUT_OF_MEMORY, "out-of-memory", LHV1_OUT_OF_MEMORY)                      \
    X(FRAME_TOO_SHORT, "frame-too-short", LHV1_BAD_FORMAT)                     \
    X(FRAME_BAD_MAGIC, "frame-bad-magic", LHV1_BAD_FORMAT)                     \
    X(FRAME_ENVELOPE_OVERRUN, "frame-envelope-overrun", LHV1_BAD_FORMAT)       \
    X(FRAME_NEWER_FORMAT, "frame-newer-format", LHV1_BAD_FORMAT)               \
    X(LHV2_TOO_SHORT, "lhv2-too-short", LHV1_BAD_FORMAT)                       \
    X(LHV2_HEADER_CHECKSUM, "lhv2-header-checksum", LHV1_BAD_FORMAT)           \
    X(LHV2_LENGTH_MISMATCH, "lhv2-length-mismatch", LHV1_BAD_FORMAT)           \
    X(LHV2_BODY_CHECKSUM, "lhv2-body-checksum", LHV1_BAD_FORMAT)               \
    X(ENV_INVALID_UTF8, "envelope-invalid-utf8", LHV1_DECODE_ERROR)            \
    X(ENV_NUL_ESCAPE, "envelope-nul-escape", LHV1_DECODE_ERROR)                \
    X(ENV_SYNTAX, "envelope-syntax", LHV1_DECODE_ERROR)                        \
    X(ENV_TRAILING_BYTES, "envelope-trailing-bytes", LHV1_DECODE_ERROR)        \
    X(ENV_NOT_OBJECT, "envelope-not-object", LHV1_DECODE_ERROR)                \
    X(ENV_DUPLICATE_KEY, "envelope-duplicate-key", LHV1_DECODE_ERROR)          \
    X(ENV_FOLDED_KEY, "envelope-folded-key", LHV1_DECODE_ERROR)                \
    X(ENV_MISSING_FIELD, "envelope-missing-field", LHV1_DECODE_ERROR)          \
    X(ENV_WRONG_TYPE, "envelope-wrong-type", LHV1_DECODE_ERROR)                \
    X(ENV_NOT_INTEGER, "envelope-not-integer", LHV1_DECODE_ERROR)              \
    X(ENV_OUT_OF_RANGE, "envelope-out-of-range", LHV1_DECODE_ERROR)            \
    X(ENV_INTEGER_SPELLING, "envelope-integer-spelling", LHV1_DECODE_ERROR)    \
    X(ENV_BAD_VERSION, "envelope-bad-version", LHV1_DECODE_ERROR)              \
    X(ENV_UNKNOWN_DISTANCE, "envelope-unknown-distance", LHV1_DECODE_ERROR)    \
    X(GRAPH_TRUNCATED, "graph-truncated", LHV1_DECODE_ERROR)                   \
    X(GRAPH_VARINT_OVERFLOW, "graph-varint-overflow", LHV1_DECODE_ERROR)       \
    X(GRAPH_NEGATIVE_COUNT, "graph-negative-count", LHV1_DECODE_ERROR)         \
    X(GRAPH_COUNT_EXCEEDS_INPUT, "graph-count-exceeds-input", LHV1_DECODE_ERROR) \
    X(GRAPH_UNKNOWN_DISTANCE, "graph-unknown-distance", LHV1_DECODE_ERROR)     \
    X(GRAPH_BAD_VERSION, "graph-bad-version", LHV1_DECODE_ERROR)               \
    X(GRAPH_BAD_PARAMS, "graph-bad-params", LHV1_INCONSISTENT)                 \
    X(GRAPH_EMPTY_LAYER, "graph-empty-layer", LHV1_INCONSISTENT)               \
    X(GRAPH_DUPLICATE_NODE, "graph-duplicate-node", LHV1_INCONSISTENT)         \
    X(GRAPH_VECTOR_LENGTH, "graph-vector-length", LHV1_INCONSISTENT)           \
    X(GRAPH_NON_FINITE, "graph-non-finite", LHV1_INCONSISTENT)                 \
    X(GRAPH_SELF_NEIGHBOR, "graph-self-neighbor", LHV1_INCONSISTENT)           \
    X(GRAPH_DUPLICATE_NEIGHBOR, "graph-duplicate-neighbor", LHV1_INCONSISTENT) \
    X(GRAPH_TOO_MANY_NEIGHBORS, "graph-too-many-neighbors", LHV1_INCONSISTENT) \
    X(GRAPH_DANGLING_NEIGHBOR, "graph-dangling-neighbor", LHV1_INCONSISTENT)   \
    X(GRAPH_LAYER_NOT_SUBSET, "graph-layer-not-subset", LHV1_INCONSISTENT)     \
    X(GRAPH_LAYER_VECTOR_DIFFERS, "graph-layer-vector-differs", LHV1_INCONSISTENT) \
    X(GRAPH_TRAILING_BYTES, "graph-trailing-bytes", LHV1_INCONSISTENT)         \
    X(CROSS_DISTANCE, "cross-distance", LHV1_INCONSISTENT)                     \
    X(CROSS_M, "cross-m", LHV1_INCONSISTENT)                                   \
    X(CROSS_EF_SEARCH, "cross-ef-search", LHV1_INCONSISTENT)                   \
    X(CROSS_COUNT, "cross-count", LHV1_INCONSISTENT)                           \
    X(CROSS_DIMENSION, "cross-dimension", LHV1_INCONSISTENT)                   \
    X(CROSS_METADATA_ORPHAN, "cross-metadata-orphan", LHV1_INCONSISTENT)       \
    X(CROSS_NAME, "cross-name", LHV1_INCONSISTENT)

typedef enum lhv1_reason {
#define LHV1_REASON_ENUM(id, code, verdict) LHV1_R_##id,
    LHV1_REASONS(LHV1_REASON_ENUM)
#undef LHV1_REASON_ENUM
    LHV1_REASON_COUNT
} lhv1_reason;

/* What the Go loader (upstream Load over coder/hnsw Import) does with the
 * same bytes. `fatal` is the unrecoverable runtime out-of-memory abort. */
typedef enum lhv1_go {
    LHV1_GO_OK = 0,
    LHV1_GO_ERROR,
    LHV1_GO_PANIC,
    LHV1_GO_FATAL
} lhv1_go;

#define LHV1_MESSAGE_MAX 256

/* The outcome of any check: a verdict, its reason, where, and why. */
typedef struct lhv1_status {
    lhv1_verdict verdict;
    lhv1_reason reason;
    int64_t offset; /* byte offset in the object at fault, -1 when none */
    char message[LHV1_MESSAGE_MAX];
} lhv1_status;

const char *lhv1_verdict_name(lhv1_verdict v);
const char *lhv1_reason_code(lhv1_reason r);
lhv1_verdict lhv1_reason_verdict(lhv1_reason r);
/* Returns LHV1_REASON_COUNT when the code is unknown. */
lhv1_reason lhv1_reason_from_code(const char *code);
const char *lhv1_go_name(lhv1_go g);

void lhv1_status_ok(lhv1_status *st);
/* Sets verdict from the reason's class; always returns -1 so callers can
 * `return lhv1_fail(...)`. */
int lhv1_fail(lhv1_status *st, lhv1_reason r, int64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Shift a status's offset by `base` (when a sub-decoder reported an offset
 * relative to its section). */
void lhv1_status_rebase(lhv1_status *st, int64_t base);

#ifdef __cplusplus
}
#endif
#endif
