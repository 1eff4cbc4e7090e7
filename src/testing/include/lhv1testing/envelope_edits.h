/* One envelope value edited inside a valid frame: a number, a string or a
 * key of the envelope's JSON text replaced (an interesting literal,
 * another spelling of a key, longer, shorter, or the byte mutator's
 * change) and the object framed again around the untouched graph bytes.
 * The fuzz target load_structured's custom mutator uses it beside
 * lhv1_edit_object, whose envelope edits re-encode a decoded envelope and
 * so never write a number, string or key the encoder would not. */
#ifndef LHV1_ENVELOPE_EDITS_H
#define LHV1_ENVELOPE_EDITS_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"
#include "lhv1testing/object_edits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends the edited object to `out`; returns 0, or -1 when the object does
 * not unframe, its envelope has no token, or memory runs out. */
int lhv1_edit_envelope_value(const uint8_t *obj, size_t len, uint64_t seed,
                             lhv1_bytes_mutator mutate, void *mutate_ctx, lhv1_buf *out);

#ifdef __cplusplus
}
#endif
#endif
