/* Structure-aware edits of an LHV1 object: the fuzz target
 * load_structured's custom mutator and the edits `lhv1 conform` runs
 * through a testee (docs/CONFORMANCE.md) are the same edits, made here.
 * The object is decoded into an editable model of envelope and graph; a
 * few edits of the kind real corruption and real bugs produce are applied
 * (nodes, neighbours, layers, vector lengths and values, params, envelope
 * fields, metadata); the model is re-encoded with the graph writer and
 * the envelope encoder and framed. A part that does not decode stays raw
 * bytes and is edited by a byte mutator. Testing library only; allocation
 * failures abort (inputs are small). */
#ifndef LHV1_OBJECT_EDITS_H
#define LHV1_OBJECT_EDITS_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Mutates data[0..size) in place, growing it up to max_size; returns the
 * new size (libFuzzer's LLVMFuzzerMutate has this shape). */
typedef size_t (*lhv1_bytes_mutator)(uint8_t *data, size_t size, size_t max_size, void *ctx);

/* Applies 1 to 3 edits drawn from `seed` to the object and appends the
 * result to `out`. `about` (may be NULL) gets the edits' names, comma
 * separated. Returns 0, or -1 when the object does not unframe or neither
 * of its sections decodes (there is no structure to edit), or when the
 * result cannot be framed. */
int lhv1_edit_object(const uint8_t *obj, size_t len, uint64_t seed, lhv1_bytes_mutator mutate,
                     void *mutate_ctx, lhv1_buf *out, char *about, size_t about_len);

/* A byte mutator without a fuzzing engine: one seeded change (flip a bit,
 * set a byte to an interesting value, insert, erase or duplicate bytes).
 * ctx is a uint64_t * stream state (lhv1 prng). */
size_t lhv1_seeded_mutate(uint8_t *data, size_t size, size_t max_size, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
