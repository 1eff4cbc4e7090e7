/* Every fact about a fault kind, in one table (docs/FAULTS.md): the
 * operation it hits, whether it is a torn write, which campaign rows it
 * gets, the outcomes the format cannot prevent for it, and the campaign's
 * self-check of its row. Read by the fault store (names, operations, torn)
 * and by the campaign (rows, expectations, self-checks). */
#ifndef LHV1_FAULT_KINDS_H
#define LHV1_FAULT_KINDS_H

#include "lhv1/lhv2.h"

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

/* What Load gives back for an index after a case: the campaign's columns,
 * mildest first. */
#define LHV1_OUTCOMES(X)                                                       \
    X(LATEST, "latest")             /* the last acknowledged state */         \
    X(IN_FLIGHT, "in-flight")       /* an op whose error reply hid its effect */ \
    X(STALE, "stale")               /* an older state after a newer ack */    \
    X(MISSING, "missing")           /* not found, though a save was acked */  \
    X(STORE_ERROR, "store-error")                                              \
    X(BAD_FORMAT, "bad-format")                                                \
    X(DECODE_ERROR, "decode-error")                                            \
    X(INCONSISTENT, "inconsistent")                                            \
    X(SILENT_WRONG, "SILENT-WRONG") /* ok, with content never saved */

typedef enum lhv1_outcome {
#define LHV1_OUTCOME_ENUM(id, name) LHV1_OUT_##id,
    LHV1_OUTCOMES(LHV1_OUTCOME_ENUM)
#undef LHV1_OUTCOME_ENUM
    LHV1_OUTCOME_COUNT
} lhv1_outcome;

/* Sets of outcomes, for the table's columns. */
#define LHV1_O(id) (1u << LHV1_OUT_##id)
#define LHV1_O_DETECTED (LHV1_O(BAD_FORMAT) | LHV1_O(DECODE_ERROR) | LHV1_O(INCONSISTENT))
#define LHV1_O_ALL ((1u << LHV1_OUTCOME_COUNT) - 1)

/* Row variants of a kind in the campaign table. */
#define LHV1_ROWS_ONCE 0       /* one row */
#define LHV1_ROWS_PERSISTENT 1 /* a transient row and a persistent row */
#define LHV1_ROWS_REPLY 2      /* torn writes: a row per reply, 503 and 200 */

/* X(id, name, op, torn, damage, rows, expected, any, each, only, check)
 *   torn      a torn write: `cut` bytes of the new body land
 *   damage    the fault changes an object's bytes (torn writes, bit
 *             flips): what a checksummed container (LHV2) detects. Under
 *             LHV2 the campaign expects, of such a kind, bad-format where
 *             the table says decode-error, inconsistent or SILENT-WRONG
 *             (lhv1_fault_kind_info_for)
 *   rows      LHV1_ROWS_*
 *   expected  outcomes the format cannot prevent (latest and in-flight
 *             are always allowed)
 *   The self-check of the kind's row, which fails the campaign:
 *   any       some case must end in one of these (0: no demand)
 *   each      each of these must occur at least once
 *   only      every case must end in one of these (0: no demand)
 *   check     the demand in words, for the failure message */
#define LHV1_FAULT_KINDS(X)                                                    \
    X(NONE, "none", LHV1_OP_COUNT, 0, 0, LHV1_ROWS_ONCE, 0, 0, 0, 0, "")          \
    /* Put: 5xx, nothing written. */                                           \
    X(PUT_FAIL_BEFORE, "put-fail-before", LHV1_OP_PUT, 0, 0, LHV1_ROWS_PERSISTENT, \
      0, 0, 0, 0, "")                                                          \
    /* Put: the whole body landed, then 5xx (ambiguous acknowledgement). */   \
    X(PUT_FAIL_AFTER, "put-fail-after", LHV1_OP_PUT, 0, 0, LHV1_ROWS_ONCE,        \
      0, LHV1_O(IN_FLIGHT), 0, 0, "some in-flight outcome")                   \
    /* Put: only new[0:cut] is stored. Reply 200 if `ack`, else 5xx. */       \
    X(PUT_TORN_PREFIX, "put-torn-prefix", LHV1_OP_PUT, 1, 1, LHV1_ROWS_REPLY,     \
      LHV1_O_DETECTED, 0, LHV1_O(BAD_FORMAT) | LHV1_O(DECODE_ERROR),           \
      LHV1_O_ALL & ~(LHV1_O(LATEST) | LHV1_O(IN_FLIGHT) | LHV1_O(STALE) |      \
                     LHV1_O(SILENT_WRONG)),                                    \
      "every torn prefix detected (bad-format and decode-error, nothing loads)") \
    /* Put: new[0:cut] written in place over the old object, whose bytes   \
     * from `cut` on remain (old[cut:], if it was longer). Reply as above. */ \
    X(PUT_TORN_OVER_OLD, "put-torn-over-old", LHV1_OP_PUT, 1, 1, LHV1_ROWS_REPLY, \
      LHV1_O_DETECTED | LHV1_O(STALE) | LHV1_O(SILENT_WRONG),                  \
      LHV1_O_ALL & ~LHV1_O(LATEST), 0, 0, "some outcome other than latest")   \
    /* Put: 200, nothing stored. */                                            \
    X(PUT_LOST, "put-lost", LHV1_OP_PUT, 0, 0, LHV1_ROWS_PERSISTENT,              \
      LHV1_O(MISSING) | LHV1_O(STALE), LHV1_O(STALE), 0, 0, "some stale outcome") \
    /* Get: 5xx with a generic body. */                                        \
    X(GET_FAIL, "get-fail", LHV1_OP_GET, 0, 0, LHV1_ROWS_PERSISTENT,              \
      LHV1_O(STORE_ERROR), 0, 0, LHV1_O(STORE_ERROR),                          \
      "store-error in every case (a 5xx is never missing)")                    \
    /* Get: 5xx whose body says "key not found": a failure, not missing. */   \
    X(GET_FAIL_NOT_FOUND_BODY, "get-fail-key-not-found-body", LHV1_OP_GET, 0, 0,  \
      LHV1_ROWS_ONCE, LHV1_O(STORE_ERROR), 0, 0, LHV1_O(STORE_ERROR),          \
      "store-error in every case (a 5xx is never missing)")                    \
    /* Get: typed NOT_FOUND although the key exists. */                        \
    X(GET_NOT_FOUND, "get-not-found", LHV1_OP_GET, 0, 0, LHV1_ROWS_ONCE,          \
      LHV1_O(MISSING), LHV1_O(MISSING), 0, 0, "some missing outcome")         \
    /* Get: the returned copy has bit `bit` (mod 8*len) flipped; the stored \
     * object is untouched. A flip can hit the one byte two versions differ \
     * in (stale); no checksum, so some flips load (SILENT-WRONG). */        \
    X(GET_BIT_FLIP, "get-bit-flip", LHV1_OP_GET, 0, 1, LHV1_ROWS_ONCE,            \
      LHV1_O_DETECTED | LHV1_O(STALE) | LHV1_O(SILENT_WRONG),                  \
      LHV1_O_ALL & ~LHV1_O(LATEST), 0, 0, "some outcome other than latest")   \
    /* Get: the version `lag` writes before the latest one this store wrote \
     * (NOT_FOUND if the key did not exist then; a deleted object comes    \
     * back). */                                                              \
    X(GET_STALE, "get-stale", LHV1_OP_GET, 0, 0, LHV1_ROWS_ONCE,                  \
      LHV1_O(MISSING) | LHV1_O(STALE), LHV1_O(STALE), 0, 0, "some stale outcome") \
    /* List: 5xx. */                                                           \
    X(LIST_FAIL, "list-fail", LHV1_OP_LIST, 0, 0, LHV1_ROWS_ONCE,                 \
      LHV1_O(STORE_ERROR), 0, 0, LHV1_O(STORE_ERROR),                          \
      "store-error in every case (a 5xx is never missing)")                    \
    /* List: the key set as it was `lag` mutations (Put or Delete) ago:   \
     * new keys are absent, deleted keys are shown. */                       \
    X(LIST_STALE, "list-stale", LHV1_OP_LIST, 0, 0, LHV1_ROWS_ONCE,               \
      LHV1_O(STALE), LHV1_O(STALE), 0, 0, "some stale outcome")               \
    /* Delete: 5xx, nothing deleted. */                                        \
    X(DEL_FAIL_BEFORE, "del-fail-before", LHV1_OP_DEL, 0, 0, LHV1_ROWS_PERSISTENT, \
      0, 0, 0, 0, "")                                                          \
    /* Delete: the object is deleted, then 5xx. */                             \
    X(DEL_FAIL_AFTER, "del-fail-after", LHV1_OP_DEL, 0, 0, LHV1_ROWS_ONCE,        \
      0, LHV1_O(IN_FLIGHT), 0, 0, "some in-flight outcome")                   \
    /* Delete: 200, nothing deleted. */                                        \
    X(DEL_LOST, "del-lost", LHV1_OP_DEL, 0, 0, LHV1_ROWS_ONCE,                    \
      LHV1_O(STALE), LHV1_O(STALE), 0, 0, "some stale outcome")

typedef enum lhv1_fault_kind {
#define LHV1_FAULT_ENUM(id, name, op, torn, damage, rows, expected, any, each, only, check) \
    LHV1_FAULT_##id,
    LHV1_FAULT_KINDS(LHV1_FAULT_ENUM)
#undef LHV1_FAULT_ENUM
    LHV1_FAULT_KIND_COUNT
} lhv1_fault_kind;

/* One row of the table. */
typedef struct lhv1_fault_kind_info {
    const char *name;
    lhv1_store_op op;
    int torn;
    int damage;
    int rows;
    unsigned expected, any, each, only; /* sets of LHV1_O(...) */
    const char *check;
} lhv1_fault_kind_info;

/* The row of `k`; NULL when unknown. */
const lhv1_fault_kind_info *lhv1_fault_kind_info_of(lhv1_fault_kind k);
/* The row as it holds for objects in `format`: for an LHV2 campaign, the
 * sets of a damaging kind with bad-format for what the checksums catch. */
lhv1_fault_kind_info lhv1_fault_kind_info_for(lhv1_fault_kind k, lhv1_format format);

#ifdef __cplusplus
}
#endif
#endif
