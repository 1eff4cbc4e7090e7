/* A store that wraps another store and injects the faults of
 * docs/FAULTS.md, from an explicit plan or from a seed, and logs each one.
 *
 * Targeting follows SQLite's I/O-error tests: a planned fault fires on the
 * N-th operation of its type (the N-th Put for a Put fault, counted from 0
 * over the life of the fault store), once (transient) or on that and every
 * later operation of the type (persistent). The fault store keeps the
 * history of every version it wrote through, which is what stale reads and
 * stale listings serve. It never frees the store it wraps. */
#ifndef LHV1_FAULT_STORE_H
#define LHV1_FAULT_STORE_H

#include "lhv1/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lhv1_store_op {
    LHV1_OP_PUT = 0,
    LHV1_OP_GET,
    LHV1_OP_LIST,
    LHV1_OP_DEL,
    LHV1_OP_COUNT
} lhv1_store_op;

/* X-macro: enum name, stable name, the operation it applies to. */
#define LHV1_FAULT_KINDS(X)                                                    \
    X(NONE, "none", LHV1_OP_COUNT)                                             \
    /* Put: 5xx, nothing written. */                                           \
    X(PUT_FAIL_BEFORE, "put-fail-before", LHV1_OP_PUT)                         \
    /* Put: the whole body landed, then 5xx (ambiguous acknowledgement). */   \
    X(PUT_FAIL_AFTER, "put-fail-after", LHV1_OP_PUT)                           \
    /* Put: only new[0:cut] is stored. Reply 200 if `ack`, else 5xx. */       \
    X(PUT_TORN_PREFIX, "put-torn-prefix", LHV1_OP_PUT)                         \
    /* Put: new[0:cut] written in place over the old object, whose bytes   \
     * from `cut` on remain (old[cut:], if it was longer). Reply as above. */ \
    X(PUT_TORN_OVER_OLD, "put-torn-over-old", LHV1_OP_PUT)                     \
    /* Put: 200, nothing stored. */                                            \
    X(PUT_LOST, "put-lost", LHV1_OP_PUT)                                       \
    /* Get: 5xx with a generic body. */                                        \
    X(GET_FAIL, "get-fail", LHV1_OP_GET)                                       \
    /* Get: 5xx whose body says "key not found": a failure, not missing. */   \
    X(GET_FAIL_NOT_FOUND_BODY, "get-fail-key-not-found-body", LHV1_OP_GET)     \
    /* Get: typed NOT_FOUND although the key exists. */                        \
    X(GET_NOT_FOUND, "get-not-found", LHV1_OP_GET)                             \
    /* Get: the returned copy has bit `bit` (mod 8*len) flipped; the stored \
     * object is untouched. */                                                 \
    X(GET_BIT_FLIP, "get-bit-flip", LHV1_OP_GET)                               \
    /* Get: the version `lag` writes before the latest one this store wrote \
     * (NOT_FOUND if the key did not exist then; a deleted object comes    \
     * back). */                                                              \
    X(GET_STALE, "get-stale", LHV1_OP_GET)                                     \
    /* List: 5xx. */                                                           \
    X(LIST_FAIL, "list-fail", LHV1_OP_LIST)                                    \
    /* List: the key set as it was `lag` mutations (Put or Delete) ago:   \
     * new keys are absent, deleted keys are shown. */                       \
    X(LIST_STALE, "list-stale", LHV1_OP_LIST)                                  \
    /* Delete: 5xx, nothing deleted. */                                        \
    X(DEL_FAIL_BEFORE, "del-fail-before", LHV1_OP_DEL)                         \
    /* Delete: the object is deleted, then 5xx. */                             \
    X(DEL_FAIL_AFTER, "del-fail-after", LHV1_OP_DEL)                           \
    /* Delete: 200, nothing deleted. */                                        \
    X(DEL_LOST, "del-lost", LHV1_OP_DEL)

typedef enum lhv1_fault_kind {
#define LHV1_FAULT_ENUM(id, name, op) LHV1_FAULT_##id,
    LHV1_FAULT_KINDS(LHV1_FAULT_ENUM)
#undef LHV1_FAULT_ENUM
    LHV1_FAULT_KIND_COUNT
} lhv1_fault_kind;

typedef struct lhv1_fault {
    lhv1_fault_kind kind;
    uint64_t nth;   /* 0-based index among operations of the kind's type */
    int persistent; /* 1: also every later operation of that type */
    uint64_t cut;   /* torn writes: bytes of the new body kept (clamped) */
    uint64_t bit;   /* bit flip: bit index in the returned body (mod 8*len) */
    int ack;        /* torn writes: 1 = reply 200, 0 = reply 503 */
    uint64_t lag;   /* stale read / listing: how many versions (reads) or
                     * mutations (listings) back; 0 means 1 */
} lhv1_fault;

typedef struct lhv1_fault_config {
    const lhv1_fault *plan; /* explicit faults (copied); may be NULL */
    size_t n_plan;
    /* Seeded random faults: each operation draws a fault of its type with
     * probability rate_ppm / 1e6, cut/bit/ack drawn from `seed`'s stream.
     * 0 disables. A planned fault takes precedence on its operation. */
    uint64_t seed;
    uint32_t rate_ppm;
} lhv1_fault_config;

/* NULL on allocation failure. `inner` must outlive the fault store. */
lhv1_store *lhv1_fault_store_new(lhv1_store *inner, const lhv1_fault_config *cfg);

lhv1_store *lhv1_fault_store_inner(lhv1_store *fs);
/* One line per operation, and what was injected: readable, for reports. */
const char *lhv1_fault_store_log(lhv1_store *fs);
/* How many times a kind fired, and how many operations of a type ran. */
uint64_t lhv1_fault_store_fired(lhv1_store *fs, lhv1_fault_kind kind);
uint64_t lhv1_fault_store_ops(lhv1_store *fs, lhv1_store_op op);

const char *lhv1_fault_kind_name(lhv1_fault_kind k);
/* LHV1_FAULT_KIND_COUNT when unknown. */
lhv1_fault_kind lhv1_fault_kind_from_name(const char *name);
lhv1_store_op lhv1_fault_kind_op(lhv1_fault_kind k);
const char *lhv1_store_op_name(lhv1_store_op op);
/* "put-torn-prefix nth=3 cut=57 reply=503" into out (always terminated). */
void lhv1_fault_format(const lhv1_fault *f, char *out, size_t out_len);

#ifdef __cplusplus
}
#endif
#endif
