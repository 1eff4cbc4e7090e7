/* The LHV1 frame: "LHV1" | envelope_len (u32 BE) | envelope | graph. */
#ifndef LHV1_FRAME_H
#define LHV1_FRAME_H

#include "lhv1/bytes.h"
#include "lhv1/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LHV1_MAGIC "LHV1"
#define LHV1_HEADER_LEN 8
#define LHV1_KEY_PREFIX "_vectors/"
#define LHV1_KEY_SUFFIX ".lhv1"

/* Exactly upstream unframe: rejects body < 8 bytes, a magic mismatch and
 * envelope_len + 8 > len. Zero-copy: on success `env` and `graph` point
 * into `body`. Returns 0, or -1 with a bad-format status. */
int lhv1_unframe(const uint8_t *body, size_t len, lhv1_bytes *env,
                 lhv1_bytes *graph, lhv1_status *st);

/* Appends the frame of (env, graph) to `out`. Unlike upstream, refuses an
 * envelope of 2^32 bytes or more instead of truncating its length.
 * Returns 0, or -1 (status reason frame-envelope-overrun, or allocation). */
int lhv1_frame(lhv1_bytes env, lhv1_bytes graph, lhv1_buf *out, lhv1_status *st);

#ifdef __cplusplus
}
#endif
#endif
