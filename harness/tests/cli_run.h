/* The CLI suites run the lhv1 tool as a child process: stdout and stderr
 * captured, the exit status or 128 + signal. Results live in a pool that
 * cli_run_reset frees (from a teardown), so a failed check, which in no-fork
 * mode jumps out of the test, leaves nothing to report as a leak. */
#ifndef LHV1_TESTS_CLI_RUN_H
#define LHV1_TESTS_CLI_RUN_H

#include "lhv1/bytes.h"

typedef struct run_result {
    int code; /* exit status, or 128 + signal */
    lhv1_buf out, err; /* NUL-terminated past len */
    long maxrss_kb; /* the child's peak resident set */
} run_result;

/* Runs `cli args...` (args NULL-terminated, at most 62) with its output
 * files in `dir`; fails the test when the tool dies of a signal. */
run_result *cli_run(const char *cli, const char *dir, const char *const *args);
void cli_run_reset(void);
/* A memory ceiling for the children started from now on (0: none), so that
 * a CLI reading without bound dies instead of exhausting the machine:
 * RLIMIT_AS, or under ASan (asan != 0), which reserves far more address
 * space than it uses, its hard_rss_limit_mb. */
void cli_run_limit_memory(long mb, int asan);
/* Appends everything in `fd` from its start to `b`, NUL-terminated past len. */
void cli_slurp(int fd, lhv1_buf *b);

#endif
