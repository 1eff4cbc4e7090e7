/* Every fact about a fault kind, from one data file, fault_kinds.json
 * (docs/FAULTS.md): the operation it hits, the fields it takes, whether it
 * is a torn write, which campaign rows it gets, the outcomes the format
 * cannot prevent for it, and the campaign's self-check of its row. Read by
 * the fault store (names, operations, torn), the campaign (rows,
 * expectations, self-checks) and the validation of plan lines and rules
 * (fault_fields.h). */
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

/* Field types of plan lines and lhv1 serve rules (fault_kinds.json). */
typedef enum lhv1_field_type {
    LHV1_FIELD_TYPE_UINT,
    LHV1_FIELD_TYPE_PLACE, /* a uint; in a plan line also a place (plan_offset.h) */
    LHV1_FIELD_TYPE_BOOL,
    LHV1_FIELD_TYPE_REPLY,
    LHV1_FIELD_TYPE_PROBABILITY,
    LHV1_FIELD_TYPE_PATTERN,
    LHV1_FIELD_TYPE_OP,
    LHV1_FIELD_TYPE_S3CODE
} lhv1_field_type;

/* The tables generated from src/testing/fault_kinds.json at configure time:
 * LHV1_FAULT_KINDS, X(id, name, op, torn, damage, rows, expected, any, each,
 * only, check), one row per store kind:
 *   torn      a torn write (the kind takes `cut`): `cut` bytes of the new
 *             body land
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
 *   check     the demand in words, for the failure message
 * and LHV1_HTTP_FAULT_KINDS, LHV1_FAULT_FIELDS, LHV1_FAULT_ALL_KINDS and
 * the refusal texts LHV1_FAULT_REASON_* (lhv1testing/fault_fields.h). */
#include "lhv1testing/fault_table.h"

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
