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

#include "lhv1testing/fault_kinds.h"
#include "lhv1/store.h"

#ifdef __cplusplus
extern "C" {
#endif

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
    /* Versions kept per key for stale reads and listings, the oldest
     * dropped first; 0 keeps every version (the campaign). A long-running
     * user (the HTTP server) bounds its memory with it. */
    size_t history_max;
    /* 1: keep no text log (lhv1_fault_store_log returns ""): a caller with
     * its own decision log, the HTTP server, saves formatting a line per
     * operation. */
    int no_log;
} lhv1_fault_config;

/* NULL on allocation failure. `inner` must outlive the fault store. */
lhv1_store *lhv1_fault_store_new(lhv1_store *inner, const lhv1_fault_config *cfg);

/* lhv1_store_put on a fault store, where body->data[0:len] is the body:
 * the store may take the buffer instead of copying it (over the memory
 * store, on a Put that lands whole), leaving *body empty. `fs` must be a
 * fault store. */
int lhv1_fault_store_put_owned(lhv1_store *fs, lhv1_bytes key, lhv1_buf *body,
                               lhv1_store_err *err);

/* Whether `s` is a fault store. The accessors below check it: given
 * another store they return NULL, "(not a fault store)\n" or 0. */
int lhv1_is_fault_store(const lhv1_store *s);
/* The wrapped store. Over a memory store the history of a key the fault
 * store wrote shares the inner store's newest body instead of a copy, so
 * write or delete such a key only through the fault store (direct writes
 * to other keys are fine): a direct write would change what a later
 * stale read of that key returns. */
lhv1_store *lhv1_fault_store_inner(lhv1_store *fs);
/* Makes `f` the fault of the next operation of its kind's type, ahead of
 * the plan and the seed (its nth is ignored): how a caller with its own
 * targeting, the HTTP server's rules, gets this store's effects. */
void lhv1_fault_store_arm(lhv1_store *fs, const lhv1_fault *f);
/* Empties the log (a caller that keeps its own takes each line first). */
void lhv1_fault_store_log_clear(lhv1_store *fs);
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
