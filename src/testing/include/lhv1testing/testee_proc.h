/* A testee process for `lhv1 conform` (docs/CONFORMANCE.md): started once
 * with pipes on its stdin, stdout and stderr, in a process group of its
 * own, then asked one framed request at a time under a deadline. The
 * caller must ignore SIGPIPE (a testee may exit while it is written to). */
#ifndef LHV1_TESTEE_PROC_H
#define LHV1_TESTEE_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lhv1/bytes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How much of a testee's stderr is kept: the last 64 KiB. */
#define LHV1_TESTEE_STDERR_KEEP (64u << 10)

typedef struct lhv1_testee_proc lhv1_testee_proc;

/* Starts argv[0] (searched in PATH) with argv. NULL, with the reason in
 * err, when it cannot be started. */
lhv1_testee_proc *lhv1_testee_proc_start(char *const argv[], char *err, size_t err_len);
pid_t lhv1_testee_proc_pid(const lhv1_testee_proc *t);

/* Caps the process's address space at what it maps now plus `headroom`
 * bytes (RLIMIT_AS, set from outside with prlimit): an allocation bomb
 * then fails inside the testee instead of exhausting the machine. 0, or -1
 * with err. */
int lhv1_testee_proc_limit(lhv1_testee_proc *t, uint64_t headroom, char *err, size_t err_len);

typedef enum lhv1_xchg {
    LHV1_XCHG_OK,      /* `resp` holds one message */
    LHV1_XCHG_CRASH,   /* it exited, closed its stdout or sent a frame over the limit */
    LHV1_XCHG_TIMEOUT, /* no whole answer before the deadline: killed */
} lhv1_xchg;

/* Writes one request (the length prefix is added) and reads one answer
 * within timeout_ms milliseconds, draining stderr meanwhile. After CRASH
 * or TIMEOUT the process group is killed and the process reaped; `why`
 * says how it ended (exit status or signal). */
lhv1_xchg lhv1_testee_proc_exchange(lhv1_testee_proc *t, const uint8_t *req, size_t len,
                                    unsigned timeout_ms, lhv1_buf *resp, char *why,
                                    size_t why_len);

/* The same, calling while_waiting(ctx) once the whole request is written,
 * before the answer is read: work of the caller's that then overlaps the
 * testee's (it counts against the deadline). */
lhv1_xchg lhv1_testee_proc_exchange_overlapped(lhv1_testee_proc *t, const uint8_t *req,
                                               size_t len, unsigned timeout_ms, lhv1_buf *resp,
                                               char *why, size_t why_len,
                                               void (*while_waiting)(void *), void *ctx);

/* Kills the process group and reaps the process (for a malformed answer);
 * `why` gets how it ended. */
void lhv1_testee_proc_kill(lhv1_testee_proc *t, char *why, size_t why_len);

/* The last LHV1_TESTEE_STDERR_KEEP bytes (at most) of its stderr, oldest
 * first, into out[cap]; returns the count. */
size_t lhv1_testee_proc_stderr(const lhv1_testee_proc *t, uint8_t *out, size_t cap);

/* Closes its stdin (a testee exits at the end of its input), waits up to
 * grace_ms for it to exit, kills the group otherwise, and frees. */
void lhv1_testee_proc_stop(lhv1_testee_proc *t, unsigned grace_ms);

#ifdef __cplusplus
}
#endif
#endif
