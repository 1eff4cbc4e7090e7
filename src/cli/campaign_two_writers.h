/* `lhv1 campaign --two-writers PLANS`: the two-writer workload
 * (lhv1testing/two_writers.h) over the memory store and over a `lhv1
 * serve` child through the S3 client store. */
#ifndef LHV1_CAMPAIGN_TWO_WRITERS_H
#define LHV1_CAMPAIGN_TWO_WRITERS_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "lhv1/bytes.h"

/* Runs the plans of `plans` (plans.tsv's text) and checks the tables,
 * saying what failed on stderr; the table over lhv1 serve into `md`
 * (Markdown) and `json` (the Go workload's JSON). `expect` (may be NULL):
 * the Go workload's two-writers.json, parsed, which the C rows must
 * equal. Returns 0 when every check holds, 1 when one failed, -1 when the
 * workload could not run. */
int campaign_two_writers(const char *plans, size_t len, const cJSON *expect, FILE *progress,
                         lhv1_buf *md, lhv1_buf *json);

#endif
