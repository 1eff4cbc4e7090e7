/* The pieces lhv1 conform's run shares between its sources (the run,
 * the golden and archive cases, the edits). Private to the runner. */
#ifndef LHV1_CONFORM_RUN_H
#define LHV1_CONFORM_RUN_H

#include "conform_judge.h"
#include "conform_session.h"
#include "lhv1/verdict.h"
#include "lhv1testing/conform.h"

/* Inputs that would make Go allocate this much before reading a field are
 * left out of the generated cases (edits, fuzzing): allocation bombs are
 * the goldens' business, and a Go testee takes seconds to die of one. */
#define CONFORM_GO_PEAK_MAX (64ull << 20)

typedef struct run {
    const lhv1_conform_opts *o;
    lhv1_conform_result *res;
    conform_session s;
    lhv1_buf req;
    uint64_t t0, last_progress;
    size_t failed_so_far;
} run;

/* A new case, its columns "-" (NULL on allocation failure). */
lhv1_conform_case *conform_new_case(run *r, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A progress line every few seconds (opts->progress). */
void conform_progress(run *r, const lhv1_conform_case *c);
/* "a/b[/c]", malloc'd. */
char *conform_join_path(const char *a, const char *b, const char *c);
/* The n bytes at p as the file dir/file. 0 or -1. */
int conform_write_path(const char *dir, const char *file, const uint8_t *p, size_t n);
/* The file a/b[/c] into out. 0 or -1. */
int conform_read_path(const char *dir, const char *sub, const char *file, lhv1_buf *out);
/* A manifest's words into out[n], kept printable. */
void conform_clean_into(char *out, size_t n, const char *s);
/* "ok", or "<verdict> <reason>". */
void conform_spec_text(char *out, size_t n, const char *verdict, const char *reason);
void conform_spec_from_status(char *out, size_t n, const lhv1_status *st);
/* Sends a load of obj as `name`, judges it against `want`; the answer
 * stays in rep. -1 only when the session cannot go on. */
int conform_load_case(run *r, lhv1_conform_case *c, const char *name, lhv1_bytes obj,
                      const judge_expect *want, lhv1_testee_reply *rep);

/* The cases of each source, in the run's order (conform_goldens.c,
 * conform_edits.c). 0, or -1 with r->s.err. */
int conform_golden_cases(run *r, const char *dir);
int conform_lhv2_cases(run *r, const char *dir);
int conform_archive_cases(run *r);
int conform_edit_cases(run *r);

#endif
