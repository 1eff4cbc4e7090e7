/* The halves of lhv1_predict_go (go_predict.c) that live in their own
 * files. Not exported from the shared liblhv1. */
#ifndef LHV1_GO_PREDICT_H
#define LHV1_GO_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/verdict.h"

#pragma GCC visibility push(hidden)

/* What encoding/json.Unmarshal and the version check do with the envelope
 * p[0..n): LHV1_GO_OK, or LHV1_GO_ERROR with Go's message in why (why_len
 * >= 1). Allocates nothing. */
lhv1_go lhv1_go_envelope(const uint8_t *p, size_t n, char *why, size_t why_len);

#pragma GCC visibility pop

#endif
