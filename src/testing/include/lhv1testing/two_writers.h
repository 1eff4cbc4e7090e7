/* The two-writer workload (docs/S3.md, "Two writers"), the C side of
 * examples/vectord/twowriters: two writers A and B, each with its own
 * persistor over the same store, load index "shared", add their own
 * vectors and save it, interleaved as a plan says. Under the plain
 * persistor (lhv1_persistor_save), the conditional one
 * (lhv1_persistor_load_version / lhv1_persistor_save_if) and the
 * conditional one retrying after a reload, each plan's result says which
 * acknowledged additions the final object lacks (lost updates) and which
 * saves were refused as conflicts. The plans are read from the table the
 * Go workload embeds (examples/vectord/twowriters/plans.tsv), and the
 * rows are JSON in the shape of the Go report's two-writers.json, so the
 * two tables compare. */
#ifndef LHV1TESTING_TWO_WRITERS_H
#define LHV1TESTING_TWO_WRITERS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include "lhv1/store.h"

#define LHV1_TW_TEXT_MAX 128

typedef struct lhv1_tw_plan {
    char name[LHV1_TW_TEXT_MAX];
    char steps[LHV1_TW_TEXT_MAX]; /* "Ar Br Aw Bw": space-separated */
    int create;                   /* the store starts empty */
    int racy;                     /* the plain persistor must lose an update */
} lhv1_tw_plan;

typedef struct lhv1_tw_plans {
    lhv1_tw_plan *v;
    size_t n;
} lhv1_tw_plans;

/* Parses plans.tsv (name, steps, create, racy; tab-separated; '#' lines
 * are comments). 0, or -1 with a message in why. */
int lhv1_tw_plans_parse(const char *text, size_t len, lhv1_tw_plans *out, char *why,
                        size_t why_len);
void lhv1_tw_plans_free(lhv1_tw_plans *p);

/* Where the writers' stores come from. */
typedef struct lhv1_tw_stores {
    const char *name; /* for the report: "memory", "lhv1 serve" */
    void *ctx;
    /* Empties the store. 0, or -1 with why. */
    int (*reset)(void *ctx, char *why, size_t why_len);
    /* A client of the store (each writer and the final reader has its
     * own); NULL with why on failure. */
    lhv1_store *(*open)(void *ctx, char *why, size_t why_len);
    void (*close)(void *ctx, lhv1_store *s);
} lhv1_tw_stores;

/* An in-process memory store every client shares. */
int lhv1_tw_memory_stores(lhv1_tw_stores *out);
void lhv1_tw_memory_stores_free(lhv1_tw_stores *s);

/* Plays every plan under every mode: the rows, as the Go report's JSON.
 * NULL with why when the workload could not run (a store error, not a
 * lost update: that is a result). `progress` (may be NULL) gets a line
 * per plan. */
cJSON *lhv1_tw_run(const lhv1_tw_plans *plans, const lhv1_tw_stores *stores, FILE *progress,
                   char *why, size_t why_len);

/* What twowriters_test.go's judge requires of each result: one line per
 * violation appended to `problems` (NUL-terminated text). Returns how
 * many. */
size_t lhv1_tw_judge(const cJSON *rows, lhv1_buf *problems);

/* The table as Markdown (the Go report's columns and cells). 0 or -1. */
int lhv1_tw_markdown(const cJSON *rows, const char *stores_name, lhv1_buf *out);

#endif
