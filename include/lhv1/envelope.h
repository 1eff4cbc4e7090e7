/* The JSON envelope (docs/FORMAT.md "Envelope"), decoded with cJSON. */
#ifndef LHV1_ENVELOPE_H
#define LHV1_ENVELOPE_H

#include <cjson/cJSON.h>

#include "lhv1/bytes.h"
#include "lhv1/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LHV1_ENVELOPE_VERSION 1
/* Largest integer a JSON number may carry here: 2^53. */
#define LHV1_JSON_INT_MAX 9007199254740992LL

typedef struct lhv1_envelope {
    int64_t version;
    char *name;        /* owned, NUL-terminated, valid UTF-8 */
    int64_t dimension; /* >= 1 */
    char *distance;    /* owned: "cosine" | "euclidean" */
    int64_t m;         /* >= 1 */
    int64_t ef_search; /* >= 1 */
    int64_t count;     /* >= 0 */
    cJSON *metadata;   /* owned; NULL when absent. Object of objects. */
} lhv1_envelope;

/* Strict decode: UTF-8, no "\u0000", one JSON object and nothing after it
 * but whitespace, no duplicate key at any depth, required fields present,
 * typed and in range, unknown fields ignored. Offsets in `st` are
 * relative to `p`. Returns 0 or -1 (decode-error). */
int lhv1_envelope_decode(const uint8_t *p, size_t n, lhv1_envelope *env,
                         lhv1_status *st);

/* Compact JSON with fields in schema order; metadata as canonical JSON.
 * Returns 0 or -1 (allocation). */
int lhv1_envelope_encode(const lhv1_envelope *env, lhv1_buf *out);

/* Takes copies of name and distance; metadata stays NULL. */
int lhv1_envelope_init(lhv1_envelope *env, const char *name, int64_t dimension,
                       const char *distance, int64_t m, int64_t ef_search,
                       int64_t count);
void lhv1_envelope_free(lhv1_envelope *env);

#ifdef __cplusplus
}
#endif
#endif
