/* The runner's hold on its testee: started, greeted, limited, asked, and
 * restarted after a crash or a timeout (docs/CONFORMANCE.md). Private to
 * the conformance runner. */
#ifndef LHV1_CONFORM_SESSION_H
#define LHV1_CONFORM_SESSION_H

#include "lhv1testing/testee_proc.h"
#include "lhv1testing/testee_wire.h"

typedef struct conform_session {
    char *const *argv;
    unsigned timeout_ms;
    uint64_t headroom;
    lhv1_testee_proc *proc;
    lhv1_testee_hello hello; /* the first one */
    size_t restarts;
    char err[1024];          /* why the session cannot go on */
} conform_session;

/* Starts the testee and exchanges hello: -1 with s->err when it does not
 * start, does not answer, speaks another protocol or cannot load. */
int session_start(conform_session *s);
/* Sends `req` (an op request) and reads the answer into rep. A crash, a
 * timeout or a malformed answer is an outcome of its own (crash, timeout)
 * with the reason and the tail of stderr in rep->message, and the testee
 * is restarted. -1 (s->err) only when the restart fails. */
int session_call(conform_session *s, lhv1_testee_op op, const lhv1_buf *req,
                 lhv1_testee_reply *rep);
/* The same, calling while_waiting(ctx) while the testee works on the
 * request (lhv1_testee_proc_exchange_overlapped); when the request could
 * not be written whole, it is not called. */
int session_call_overlapped(conform_session *s, lhv1_testee_op op, const lhv1_buf *req,
                            lhv1_testee_reply *rep, void (*while_waiting)(void *), void *ctx);
void session_stop(conform_session *s);

/* A testee's text made safe for every report: printable UTF-8 kept, '\\'
 * and LF as \\ and \n, any other control, invalid or terminal-active byte
 * as \xHH; cut to about `max` bytes. malloc'd (NULL on allocation failure). */
char *conform_clean_text(const uint8_t *p, size_t n, size_t max);

#endif
