/* The JSON envelope (docs/FORMAT.md "Envelope"). */
#ifndef LHV1_ENVELOPE_H
#define LHV1_ENVELOPE_H

#include "lhv1/bytes.h"
#include "lhv1/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LHV1_ENVELOPE_VERSION 1
/* Largest integer a JSON number may carry here: 2^53. */
#define LHV1_JSON_INT_MAX 9007199254740992LL

/* The metadata object (an object of objects), as parsed. Opaque: read it
 * with lhv1_metadata_count and lhv1_metadata_json. */
typedef struct lhv1_metadata lhv1_metadata;

typedef struct lhv1_envelope {
    int64_t version;
    char *name;        /* owned, NUL-terminated, valid UTF-8 */
    int64_t dimension; /* >= 1 */
    char *distance;    /* owned: "cosine" | "euclidean" */
    int64_t m;         /* >= 1 */
    int64_t ef_search; /* >= 1 */
    int64_t count;     /* >= 0 */
    lhv1_metadata *metadata; /* owned; NULL when absent or null */
} lhv1_envelope;

/* Strict decode: UTF-8, no "\u0000", one JSON object and nothing after it
 * but whitespace, no duplicate key at any depth, required fields present,
 * typed and in range, unknown fields ignored. Offsets in `st` are
 * relative to `p`. At most UINT32_MAX bytes (what a frame's length field
 * holds): longer input is refused as frame-envelope-overrun. Returns 0 or -1 (decode-error). */
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

/* Members of the metadata object (0 for NULL). */
size_t lhv1_metadata_count(const lhv1_metadata *m);
/* Appends the metadata as canonical JSON (FORMAT.md section 6: sorted
 * members, shortest round-trip numbers), "null" for NULL. 0 or -1. */
int lhv1_metadata_json(const lhv1_metadata *m, lhv1_buf *out);

#ifdef __cplusplus
}
#endif
#endif
