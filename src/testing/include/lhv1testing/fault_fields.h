/* One validation of a fault, whoever writes it: a plan line of the fault
 * store ("put-torn-prefix nth=3 cut=57 reply=503": lhv1_fault_parse here,
 * lhv1test.ParseFault in Go) or a rule of lhv1 serve (JSON, its admin API
 * and --plan). The kinds, the fields each takes and the words of every
 * refusal come from fault_kinds.json (docs/FAULTS.md), so the same mistake
 * gets the same words from all three. The checks, in this order:
 *   1. every field known (unknown field) and given once (given twice);
 *   2. the kind: present, known, not "none"; a plan line takes store kinds
 *      only;
 *   3. each field in the order written: taken by the kind (every kind takes
 *      the common fields), allowed in the syntax (op, key and probability
 *      are rules' only), its value in its type and range, a store kind's
 *      op its own. */
#ifndef LHV1_FAULT_FIELDS_H
#define LHV1_FAULT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1testing/fault_store.h"
#include "lhv1testing/plan_offset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lhv1_fault_field {
#define LHV1_FIELD_ENUM(id, name, in_plan, common, type, max, refusal) LHV1_FIELD_##id,
    LHV1_FAULT_FIELDS(LHV1_FIELD_ENUM)
#undef LHV1_FIELD_ENUM
    LHV1_FIELD_COUNT
} lhv1_fault_field;

/* The kinds only lhv1 serve has. */
typedef enum lhv1_http_fault_kind {
    LHV1_HTTP_FAULT_NONE = 0,
#define LHV1_HTTP_FAULT_ENUM(id, name) LHV1_HTTP_FAULT_##id,
    LHV1_HTTP_FAULT_KINDS(LHV1_HTTP_FAULT_ENUM)
#undef LHV1_HTTP_FAULT_ENUM
    LHV1_HTTP_FAULT_KIND_COUNT
} lhv1_http_fault_kind;

typedef enum lhv1_fault_syntax {
    LHV1_SYNTAX_PLAN, /* a plan line: store kinds, no op, key or probability */
    LHV1_SYNTAX_RULE  /* an lhv1 serve rule */
} lhv1_fault_syntax;

/* A field's value as its syntax wrote it: a JSON integer in [0, 2^53] or
 * a plan line's decimal digits (up to 2^64-1) are UINT, another JSON
 * number NUMBER, "true"/"false" BOOL, other text STRING. */
typedef enum lhv1_value_type {
    LHV1_VALUE_UINT,
    LHV1_VALUE_NUMBER,
    LHV1_VALUE_BOOL,
    LHV1_VALUE_STRING,
    LHV1_VALUE_OTHER /* null, an array, an object */
} lhv1_value_type;

typedef struct lhv1_fault_item {
    const char *name; /* "kind" or a field's name */
    lhv1_value_type type;
    uint64_t u;
    double d;
    int b;
    const char *s;
} lhv1_fault_item;

/* A fault as written: its kind, the fields given (in their order) and
 * their values; the defaults for the others. */
typedef struct lhv1_fault_spec {
    lhv1_fault_kind store_kind;     /* LHV1_FAULT_NONE for an HTTP kind */
    lhv1_http_fault_kind http_kind; /* LHV1_HTTP_FAULT_NONE for a store kind */
    unsigned char given[LHV1_FIELD_COUNT]; /* the fields given, in order */
    int n_given;
    int op;                  /* lhv1_store_op; LHV1_OP_COUNT: any */
    char key[512];           /* default "*" */
    uint64_t nth;
    int persistent;
    double probability;      /* 0: none given */
    uint64_t cut, bit, lag, delay_ms;
    lhv1_plan_offset at;     /* cut or bit given as a place (plan lines) */
    unsigned reply;          /* 200 or 503 (default) */
    unsigned retry_after;    /* default 1 */
    int done;
    char code[48];           /* default NoSuchBucket */
} lhv1_fault_spec;

/* Reads a fault from its items (the kind among them, as "kind"): 0, or -1
 * with the refusal in `why` (always terminated). */
int lhv1_fault_spec_read(lhv1_fault_spec *s, lhv1_fault_syntax syntax,
                         const lhv1_fault_item *items, size_t n, char *why, size_t why_len);
/* The fault store's fault of a spec of a store kind. */
void lhv1_fault_spec_fault(const lhv1_fault_spec *s, lhv1_fault *out);

/* Reads one plan line (the format of lhv1_fault_format and of the Go
 * FaultStore's plans); fields default as in a rule (nth 0, reply 503). A
 * cut or bit given as a place ("cut=layer0.node2", plan_offset.h) goes to
 * `at` (out->cut / out->bit stay 0: the caller resolves it in the object
 * the fault acts on); a number goes to out->cut / out->bit and leaves `at`
 * a number (no steps). 0, or -1 with the refusal in `why`. */
int lhv1_fault_parse(const char *line, lhv1_fault *out, lhv1_plan_offset *at, char *why,
                     size_t why_len);

const char *lhv1_fault_field_name(lhv1_fault_field f);
lhv1_field_type lhv1_fault_field_type(lhv1_fault_field f);
/* Whether every kind takes the field (op, key, nth, persistent, ...). */
int lhv1_fault_field_common(lhv1_fault_field f);
/* Whether the store kind takes the field as its own (not a common one). */
int lhv1_fault_kind_takes(lhv1_fault_kind k, lhv1_fault_field f);
const char *lhv1_http_fault_kind_name(lhv1_http_fault_kind k);

#ifdef __cplusplus
}
#endif
#endif
