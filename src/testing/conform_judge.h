/* How lhv1 conform judges one case (docs/CONFORMANCE.md, "Judging").
 * Private to the conformance runner. */
#ifndef LHV1_CONFORM_JUDGE_H
#define LHV1_CONFORM_JUDGE_H

#include "conform_session.h"
#include "lhv1testing/conform.h"
#include "lhv1testing/conform_reasons.h"

/* What a load should do. */
typedef struct judge_expect {
    int spec_ok;             /* the spec says ok (else: rejected) */
    char spec[64];           /* its words: "ok", "<verdict> <reason>" */
    char go[8];              /* ok error panic fatal */
    int go_predicted;
    lhv1_bytes dump;         /* the expected dump, or {NULL, 0} */
    lhv1_conform_reason dump_reason; /* LHV1_R_DUMP, or LHV1_R_DUMP_EDIT against liblhv1's */
} judge_expect;

/* The behaviour against the spec and Go, and the dump. A case passes when
 * the testee does what the spec says (ok, or an error), or, where the spec
 * rejects, loads it as Go does; a panic, crash or timeout never passes;
 * an ok load's dump must equal the expected one when the testee gives one. */
void judge_load(lhv1_conform_case *c, const judge_expect *w, const lhv1_testee_reply *rep);

/* The use of a golden the testee just loaded: searches for stored vectors
 * of `obj` (loaded by liblhv1 as `name`), adds a node, searches for it.
 * Sends its two requests itself. -1 only when the session cannot go on. */
int judge_use(lhv1_conform_case *c, conform_session *s, lhv1_buf *req, const char *name,
              lhv1_bytes obj);

/* A save of `dump`: the object must load ok in liblhv1 and dump to the
 * same bytes. */
void judge_save(lhv1_conform_case *c, const char *name, lhv1_bytes dump,
                const lhv1_testee_reply *rep);

#endif
