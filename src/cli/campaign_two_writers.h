/* `lhv1 campaign --two-writers PLANS`: the two-writer workload
 * (lhv1testing/two_writers.h) over the memory store and over a `lhv1
 * serve` child through the S3 client store. */
#ifndef LHV1_CAMPAIGN_TWO_WRITERS_H
#define LHV1_CAMPAIGN_TWO_WRITERS_H

#include <stdio.h>

/* Runs it; the table (over lhv1 serve) to stdout and to `markdown` and
 * `json` (each may be NULL). `expect` (may be NULL): the Go workload's
 * two-writers.json, which the C rows must equal. Returns the exit code:
 * 0 every check holds, 1 one failed, 2 could not run. */
int campaign_two_writers(const char *plans, const char *json, const char *markdown,
                         const char *expect, FILE *progress);

#endif
