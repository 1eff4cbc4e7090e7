/* The pieces lhv1 conform --fuzz shares between its sources: the run and
 * its workers (conform_fuzz.c), minimizing (conform_fuzz_minimize.c), the
 * candidates and reports (conform_fuzz_report.c). Private to the runner. */
#ifndef LHV1_CONFORM_FUZZ_H
#define LHV1_CONFORM_FUZZ_H

#include <pthread.h>

#include "conform_run.h"

typedef struct fuzz_entry {
    uint8_t *data;
    size_t len;
    char name[256]; /* the index name it is loaded under */
} fuzz_entry;

/* What one input did, judged as an edit case. */
typedef struct judged {
    lhv1_conform_case c;   /* the judge's columns and reason (strings owned) */
    lhv1_testee_reply rep; /* the testee's answer */
    lhv1_status st;        /* liblhv1's verdict */
    lhv1_buf dump;         /* liblhv1's dump (ok) */
    char klass[384];       /* testee outcome; spec; Go; dump: a disagreement's class */
    char behaviour[256];   /* testee outcome; spec: the corpus's classes */
    int disagreement;      /* the judge fails it, and not as Go */
    int as_go;             /* a panic where Go is predicted to panic */
} judged;

/* What the workers share, under `lock`. */
typedef struct fz {
    const lhv1_conform_fuzz_opts *o;
    lhv1_conform_fuzz_result *r;
    pthread_mutex_t lock;
    fuzz_entry *corpus;
    size_t n, cap, next_seed;
    char **behaviours; /* (behaviour, verdict, reason) classes seen */
    size_t n_behaviours;
    uint64_t t0, end, last_progress;
    int stop;          /* a worker cannot go on: every worker stops */
    char err[1024];
} fz;

/* One worker thread: its own testee, request buffer and random stream. */
typedef struct worker {
    fz *f;
    conform_session s;
    lhv1_buf req;
    uint64_t rng;
    pthread_t thread;
} worker;

uint64_t fuzz_now_ms(void);
/* Sends obj to w's testee as `name` and judges the answer; liblhv1 reads
 * the object while the testee does. -1 only when the session ended. */
int fuzz_judge(worker *w, const uint8_t *obj, size_t len, const char *name, judged *j);
void fuzz_judged_free(judged *j);

/* Delta debugging that keeps the disagreement class `klass`: x becomes the
 * smallest object found within `budget` loads and the deadline. Returns the
 * loads spent; *ended is set when the testee's session ended. */
unsigned fuzz_minimize(worker *w, lhv1_buf *x, const char *name, const char *klass,
                       unsigned budget, uint64_t deadline, int *ended);

/* Writes candidate `index` under out/candidates/ (sets cd->dir): the
 * minimized object, the one found, both sides' answers on it (j), a
 * suggested MANIFEST row. 0, or -1 with err. */
int fuzz_write_candidate(const char *out, size_t index, lhv1_fuzz_candidate *cd,
                         const lhv1_buf *found, const lhv1_buf *small, const char *name,
                         const judged *j, char *err, size_t err_len);

#endif
