/* `lhv1 conform`: any reader of LHV1 under test (docs/CONFORMANCE.md).
 * The runner starts a testee once (restarting it after a crash or a
 * timeout), sends it every golden (LHV1 and LHV2), both frozen archives
 * and a seeded set of structure-aware edits, and judges per case what it
 * did against the spec's verdict and Go's behaviour (recorded, or
 * predicted by liblhv1 where there is no record) and what it loaded
 * against the expected canonical dump; it checks the testee's writer
 * (save) and that a loaded index can be searched and extended (use) when
 * the testee has those capabilities. A failure list (protobuf's
 * semantics) names the failures a testee is known to have. Testing
 * library only. */
#ifndef LHV1_CONFORM_H
#define LHV1_CONFORM_H

#include <stdio.h>

#include "lhv1/bytes.h"
#include "lhv1testing/testee_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- failure lists ------------------------------------------------------ */

/* One line: a case name, optionally followed by whitespace, '#' and the
 * failure message the case is expected to fail with. */
typedef struct lhv1_failure_entry {
    const char *name;
    const char *message; /* NULL: any failure is expected */
    int used;            /* a case of that name ran */
} lhv1_failure_entry;

typedef struct lhv1_failure_list {
    lhv1_failure_entry *e;
    size_t n;
    char *text; /* entries point into it */
} lhv1_failure_list;

/* Reads a failure list; '#' lines and blank lines are ignored. 0, or -1
 * with err (unreadable, a name listed twice). */
int lhv1_failure_list_read(const char *path, lhv1_failure_list *l, char *err, size_t err_len);
/* The same from text (taken over: freed with the list). */
int lhv1_failure_list_parse(char *text, lhv1_failure_list *l, char *err, size_t err_len);
lhv1_failure_entry *lhv1_failure_list_find(const lhv1_failure_list *l, const char *name);
void lhv1_failure_list_free(lhv1_failure_list *l);

/* --- the run -------------------------------------------------------------- */

typedef enum lhv1_case_result {
    LHV1_CASE_PASS,
    LHV1_CASE_FAIL,            /* an unlisted failure: fails the run */
    LHV1_CASE_EXPECTED,        /* a listed failure, as listed */
    LHV1_CASE_NOW_PASSES,      /* listed, but passes: fails the run */
    LHV1_CASE_MESSAGE_CHANGED, /* listed, fails with another message: fails the run */
    LHV1_CASE_SKIPPED,         /* not run (its load failed) */
    LHV1_CASE_RESULT_COUNT
} lhv1_case_result;

const char *lhv1_case_result_name(lhv1_case_result r);

typedef struct lhv1_conform_case {
    char *name;       /* golden/<file>, golden/<file>/use, golden/<file>/save,
                       * lhv2/<file>, archive/<id>/<file>, edit/<golden>/<n> */
    char kind[8];     /* golden use save lhv2 archive edit */
    char spec[64];    /* the spec's verdict (and reason): "ok", "decode-error envelope-syntax" */
    char go[8];       /* Go's behaviour: ok error panic fatal, "-" when none */
    int go_predicted; /* 1: liblhv1's prediction, not a record */
    char outcome[12]; /* what the testee did (lhv1_testee_outcome_name), "-" */
    char agrees_spec; /* 'y', 'n', '-' */
    char agrees_go;
    char dump[8];     /* equal differs none - */
    int failed;
    char *failure;    /* the runner's reason, stable from run to run (the list's message) */
    char *detail;     /* the testee's message, stderr on a crash, where dumps differ */
    char *about;      /* what the case is (the manifest's words, an edit's edits) */
    lhv1_case_result result;
    const char *listed_message; /* the failure list's message, when it differs */
} lhv1_conform_case;

typedef struct lhv1_conform_opts {
    const char *goldens;        /* the golden directory (objects/, expected/, lhv2/, archive/) */
    char *const *argv;          /* the testee's command */
    unsigned timeout_ms;        /* per request (0: 10 s) */
    uint64_t headroom;          /* address space allowed above the testee's own after hello
                                 * (RLIMIT_AS); 0: unlimited */
    unsigned edits;             /* generated edits */
    uint64_t seed;              /* of the edits */
    const lhv1_failure_list *expected; /* may be NULL: no failure expected */
    FILE *progress;             /* a line every few seconds; may be NULL */
} lhv1_conform_opts;

typedef struct lhv1_conform_result {
    char *command;    /* the testee's argv, joined */
    char *testee, *version;
    unsigned caps;
    lhv1_conform_case *cases;
    size_t n, cap;
    size_t counts[LHV1_CASE_RESULT_COUNT];
    const char **stale; /* listed names that are no case of this run */
    size_t n_stale;
    size_t restarts;
    double seconds;
    int failed; /* the run fails: a failure unlisted, a listed case that
                 * passes or fails otherwise, or a listed name that is no case */
} lhv1_conform_result;

/* Runs every case. Returns 0 when it ran (res->failed gives the verdict),
 * -1 with err when it could not (goldens unreadable, the testee does not
 * start or answer hello, speaks another protocol, cannot load, or cannot
 * be restarted). */
int lhv1_conform_run(const lhv1_conform_opts *opts, lhv1_conform_result *res, char *err,
                     size_t err_len);
void lhv1_conform_result_free(lhv1_conform_result *res);

/* Reports, appended to `out`; 0 or -1. JUnit: one testcase per case, an
 * unlisted failure, a listed case that passes or fails otherwise as
 * <failure>, an expected failure and a skipped case as <skipped>. */
int lhv1_conform_markdown(const lhv1_conform_result *res, lhv1_buf *out);
int lhv1_conform_json(const lhv1_conform_result *res, lhv1_buf *out);
int lhv1_conform_junit(const lhv1_conform_result *res, lhv1_buf *out);
/* The failure list of this run (every failing case with its message),
 * ready to commit as the testee's list. */
int lhv1_conform_failure_list(const lhv1_conform_result *res, lhv1_buf *out);

/* --- differential fuzzing of a testee (lhv1 conform --fuzz) ------------ */

typedef struct lhv1_conform_fuzz_opts {
    const char *goldens;  /* seeds: the objects of its manifest (may be NULL) */
    const char *corpus;   /* more seeds; inputs of a new class are written into it (may be NULL) */
    const char *out;      /* candidates/<n>-<class>/, fuzz.json, fuzz.md */
    char *const *argv;    /* the testee's command */
    unsigned timeout_ms;
    uint64_t headroom;
    double seconds;       /* of fuzzing (a minimization under way is finished) */
    uint64_t seed;
    unsigned jobs;        /* worker threads, one testee process each (0: 1) */
    unsigned minimize_budget;  /* loads per disagreement class (0: 20,000) */
    unsigned minimize_seconds; /* per disagreement class (0: 30) */
    FILE *progress;
} lhv1_conform_fuzz_opts;

/* A disagreement class: its first input, minimized and written. */
typedef struct lhv1_fuzz_candidate {
    char *klass;    /* "testee <outcome>; spec <verdict reason>, Go <go> (predicted); dump <d>" */
    char *failure;  /* the judge's reason for the written object */
    char *dir;      /* where it was written */
    size_t original_len, minimized_len;
    uint64_t count;       /* inputs of this class */
    unsigned evaluations; /* loads spent minimizing */
} lhv1_fuzz_candidate;

typedef struct lhv1_conform_fuzz_result {
    char *testee, *version;
    uint64_t execs;          /* inputs judged while fuzzing (the seeds included) */
    uint64_t skipped;        /* drawn but not sent: unchanged, or a Go allocation bomb */
    uint64_t as_go;          /* panics Go is predicted to have too: not disagreements */
    uint64_t disagreements;  /* inputs */
    uint64_t minimize_execs;
    double seconds;          /* of the run, minimizing included */
    double minimize_seconds; /* spent minimizing, by the workers that did */
    size_t corpus_seeds, corpus_added;
    size_t classes;          /* (behaviour, verdict, reason) classes seen */
    lhv1_fuzz_candidate *candidates;
    size_t n_candidates;
    size_t restarts;
    unsigned jobs;
} lhv1_conform_fuzz_result;

/* Fuzzes the testee for opts->seconds: inputs drawn from the seeds by the
 * structure-aware edits (lhv1testing/object_edits.h) or byte mutations, each
 * judged against liblhv1 as an edit case; a new (behaviour, verdict,
 * reason) class joins the corpus; the first input of each disagreement
 * class is minimized (delta debugging keeping the class) and written as a
 * candidate golden. 0 when it ran (candidates say what it found), -1 with
 * err when it could not (no seed, the testee unusable, out/ unwritable). */
int lhv1_conform_fuzz(const lhv1_conform_fuzz_opts *o, lhv1_conform_fuzz_result *r, char *err,
                      size_t err_len);
void lhv1_conform_fuzz_result_free(lhv1_conform_fuzz_result *r);
int lhv1_conform_fuzz_json(const lhv1_conform_fuzz_result *r, lhv1_buf *out);
int lhv1_conform_fuzz_markdown(const lhv1_conform_fuzz_result *r, lhv1_buf *out);

#ifdef __cplusplus
}
#endif
#endif
