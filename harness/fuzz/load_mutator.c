/* Structure-aware mutator for the load target (built as load_structured):
 * the edits of lhv1testing/object_edits.h (the same ones `lhv1 conform` runs
 * through a testee), with libFuzzer's own byte mutation for the parts
 * that do not decode and for keys, and one envelope value (a number, string
 * or key) edited inside a valid frame (lhv1testing/envelope_edits.h). An
 * input that does not unframe, and half of all calls, are left entirely to
 * LLVMFuzzerMutate. */
#include <string.h>

#include "fuzz_helpers.h"
#include "lhv1testing/envelope_edits.h"
#include "lhv1testing/object_edits.h"
#include "lhv1testing/prng.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static size_t engine_mutate(uint8_t *data, size_t size, size_t max_size, void *ctx)
{
    (void)ctx;
    return LLVMFuzzerMutate(data, size, max_size);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    uint64_t s = seed;
    /* Half the calls are plain byte mutation: decoding and re-encoding
     * cost executions, and bytes reach what edits cannot (framing, JSON
     * syntax, varints). Measured: 1 in 2 beats 1 in 8 on both coverage
     * and features (docs/FUZZING.md, "Measurements"). */
    if (lhv1_prng_below(&s, 2) == 0)
        return LLVMFuzzerMutate(data, size, max_size);
    lhv1_buf out;
    lhv1_buf_init(&out);
    size_t out_len = 0;
    /* A third of the structured calls edit one envelope value: the object
     * edits re-encode the envelope, so they never write a literal, string
     * or key its encoder would not (docs/FUZZING.md, "Planted bugs"). */
    int edited = lhv1_prng_below(&s, 3) == 0
                     ? lhv1_edit_envelope_value(data, size, lhv1_prng_next(&s), engine_mutate, NULL,
                                                &out)
                     : lhv1_edit_object(data, size, lhv1_prng_next(&s), engine_mutate, NULL, &out,
                                        NULL, 0);
    if (edited == 0 && out.len <= max_size) {
        memcpy(data, out.data, out.len);
        out_len = out.len;
    }
    lhv1_buf_free(&out);
    return out_len ? out_len : LLVMFuzzerMutate(data, size, max_size);
}
