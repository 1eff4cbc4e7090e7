/* A replay file (docs/FAULTS.md, "Replay files"): one case of a fault
 * campaign, kept so that it runs again exactly, whatever order the writer
 * chose: the bytes the key held before the fault, the planned fault (its
 * cut or bit as a place, plan_offset.h) and the numbers it resolved to, a
 * torn write's body, the bytes the faulted load got, the states of the
 * index the client was told about, the outcome. The Go campaign writes
 * them (go/lhv1campaign); lhv1test.Replay reruns one through a Go
 * Persistor, lhv1_replay_run through liblhv1. */
#ifndef LHV1_CAMPAIGN_REPLAY_H
#define LHV1_CAMPAIGN_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1testing/campaign.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LHV1_REPLAY_FORMAT "lhv1-replay/1"

typedef struct lhv1_replay_result {
    /* 1: the planned fault, applied by the fault store to the recorded
     * bytes, resolved its place to the recorded numbers and left the
     * recorded bytes; 0: the file has nothing to reproduce (no resolved
     * plan: a seeded mix, a fault other than a torn write or a bit flip). */
    int reproduced;
    char index[64];
    char persistor[64];  /* whose Load gave the recorded outcome */
    char plan[192];
    char resolved[192];
    char where[64];
    size_t ended_len;
    int ended_absent;
    char recorded_outcome[32];
    char recorded_detail[256];
    lhv1_outcome outcome; /* liblhv1's, judged against the recorded states */
    char detail[256];
    lhv1_go go;           /* what liblhv1 predicts Go's loader does */
} lhv1_replay_result;

/* Replays the file's case. Returns 0 (replayed: `r` says what liblhv1
 * made of it), 1 with a message in `why` when the bytes do not come out
 * of the plan as recorded, -1 with a message when the file is not a
 * usable replay file. */
int lhv1_replay_run(const uint8_t *json, size_t len, lhv1_replay_result *r, char *why,
                    size_t why_len);

#ifdef __cplusplus
}
#endif
#endif
