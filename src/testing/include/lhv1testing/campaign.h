/* The crash-point campaign (docs/FAULTS.md): a workload of saves,
 * overwrites and deletes over several real indexes, run once per fault
 * (every operation index x every fault kind x, for torn writes and bit
 * flips, every offset class), then every index is loaded and classified;
 * then a seeded mix: runs with random faults of every kind, the state
 * checked after every operation, an outcome allowed when a fault that
 * fired in the run allows it.
 *
 * Invariant, as in SQLite's I/O-error tests: an acknowledged save is
 * readable or reported as an error, never silently replaced; no fault
 * makes Load return a state that was never saved. The outcomes the format
 * cannot prevent (a store that lies: lost writes, stale reads, bit flips,
 * in-place torn overwrites) are expected, counted and listed; any other
 * bad outcome, or a fault that had no effect, fails the campaign. */
#ifndef LHV1_CAMPAIGN_H
#define LHV1_CAMPAIGN_H

#include <stdio.h>

#include "lhv1testing/fault_store.h"

#ifdef __cplusplus
extern "C" {
#endif

const char *lhv1_outcome_name(lhv1_outcome o);

/* Where each case's store comes from. Without one (opts.store_hook NULL)
 * a case runs over an in-process memory store behind a fault store; `lhv1
 * campaign --http` gives one that arms the fault in a `lhv1 serve` and
 * reaches it through the S3 client store (src/cli/campaign_http.c). */
typedef struct lhv1_campaign_store_hook {
    void *ctx;
    /* A store for one case, empty, with `cfg`'s planned fault armed; NULL
     * on failure (the campaign stops with -1). */
    lhv1_store *(*open)(void *ctx, const lhv1_fault_config *cfg);
    /* How many times `kind` fired in the case (after the workload). */
    uint64_t (*fired)(void *ctx, lhv1_store *s, lhv1_fault_kind kind);
    /* The case's log, malloc'd (NULL when unavailable). */
    char *(*log)(void *ctx, lhv1_store *s);
    void (*close)(void *ctx, lhv1_store *s);
    /* Extra rows after the table's (faults only the hook knows): `n_extra`
     * cases; extra(i) names case i's row and offset class, sets `proxy`
     * (the table kind whose operation, nth and expected outcomes the case
     * takes) and makes the next open() arm the case's own fault. */
    size_t n_extra;
    void (*extra)(void *ctx, size_t i, char *row, size_t row_len, char *cls, size_t cls_len,
                  lhv1_fault *proxy);
    int skip_mix; /* no seeded-mix row */
} lhv1_campaign_store_hook;

typedef struct lhv1_campaign_opts {
    uint64_t seed;       /* seeded cut/bit samples */
    unsigned sample;     /* extra seeded offsets per faulted body (default 16) */
    unsigned mix_runs;   /* runs of the seeded mix, random faults of every
                          * kind, state checked after every op (default 200) */
    FILE *progress;      /* a progress line now and then; may be NULL */
    lhv1_format format;  /* the container the persistor writes (0: LHV1);
                          * LHV2 is the checksummed successor (lhv2.h) */
    unsigned stride;     /* run every stride-th offset class of torn writes
                          * and bit flips (0, 1: all); the same classes and
                          * bits are drawn either way */
    const lhv1_campaign_store_hook *store_hook; /* NULL: in-process */
} lhv1_campaign_opts;

/* A case worth listing: every SILENT-WRONG, every unexpected outcome. */
typedef struct lhv1_campaign_case {
    lhv1_fault fault;
    char row[64];        /* the table row, e.g. "put-torn-prefix reply=503" */
    char index[32];      /* the index whose outcome is listed */
    char offset_class[48]; /* where the cut or flip fell, e.g. "layer1+0" */
    lhv1_outcome outcome;
    int expected;
    char detail[256];    /* verdict reason, or the first differing dump line */
    char *log;           /* the fault store's log of the case (owned) */
} lhv1_campaign_case;

typedef struct lhv1_campaign_row {
    char name[64];
    lhv1_fault_kind kind; /* NONE for the seeded mix */
    uint64_t cases;
    uint64_t fired;       /* cases in which the fault actually fired */
    uint64_t go_silent;   /* liblhv1 rejects, the Go loader loads it (ok) */
    uint64_t unexpected;  /* cases with an outcome the fault does not allow */
    uint64_t counts[LHV1_OUTCOME_COUNT];
    int extra;            /* a store hook's row: checked for fired and
                           * expected outcomes only */
} lhv1_campaign_row;

typedef struct lhv1_campaign_result {
    uint64_t seed;
    lhv1_format format;
    uint64_t total_cases;
    double seconds;
    lhv1_campaign_row *rows;
    size_t n_rows;
    lhv1_campaign_case *listed;
    size_t n_listed, cap_listed;
    uint64_t n_unexpected;
    /* Failed self-checks, one per line ("" when all hold). */
    lhv1_buf failures;
} lhv1_campaign_result;

/* Runs the campaign. Returns 0 when every check holds, 1 when a check
 * failed or an unexpected outcome occurred, -1 when it could not run
 * (allocation, or the workload's own content failed to load). */
int lhv1_campaign_run(const lhv1_campaign_opts *opts, lhv1_campaign_result *res);
/* The campaign's self-test: the same plan and cases, nothing injected.
 * Its checks must then FAIL (return 1): a fault that has no effect is
 * caught. */
int lhv1_campaign_run_uninjected(const lhv1_campaign_opts *opts, lhv1_campaign_result *res);
void lhv1_campaign_result_free(lhv1_campaign_result *res);

/* Reports: the table fault x outcome, the SILENT-WRONG and unexpected
 * cases, the checks. Append to `out`; return 0 or -1. */
int lhv1_campaign_markdown(const lhv1_campaign_result *res, lhv1_buf *out);
int lhv1_campaign_json(const lhv1_campaign_result *res, lhv1_buf *out);
/* JUnit XML: one test case per row, failed when a check of the row
 * failed or one of its cases had an unexpected outcome. */
int lhv1_campaign_junit(const lhv1_campaign_result *res, lhv1_buf *out);

/* Whether `outcome` is one the format cannot prevent for this fault (the
 * `expected` column of LHV1_FAULT_KINDS; latest and in-flight always): for
 * LHV1 objects, and for objects in `format` (lhv1_fault_kind_info_for). */
int lhv1_campaign_expected(lhv1_fault_kind kind, lhv1_outcome outcome);
int lhv1_campaign_expected_in(lhv1_format format, lhv1_fault_kind kind, lhv1_outcome outcome);

#ifdef __cplusplus
}
#endif
#endif
