/* unframe: the views stay inside the input, the reason matches an
 * independent reading of the header, and framing the views gives the input
 * back byte for byte. */
#include <string.h>

#include "fuzz_helpers.h"

static lhv1_reason expected_reason(const uint8_t *d, size_t n)
{
    if (n < LHV1_HEADER_LEN)
        return LHV1_R_FRAME_TOO_SHORT;
    if (memcmp(d, "LHV2", 4) == 0)
        return LHV1_R_FRAME_NEWER_FORMAT;
    if (memcmp(d, LHV1_MAGIC, 4) != 0)
        return LHV1_R_FRAME_BAD_MAGIC;
    uint64_t env_len = ((uint64_t)d[4] << 24) | ((uint64_t)d[5] << 16) | ((uint64_t)d[6] << 8) | d[7];
    if (env_len + LHV1_HEADER_LEN > n)
        return LHV1_R_FRAME_ENVELOPE_OVERRUN;
    return LHV1_R_NONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lhv1_bytes env = {0}, graph = {0};
    lhv1_status st;
    int rc = lhv1_unframe(data, size, &env, &graph, &st);
    lhv1_reason want = expected_reason(data, size);
    FUZZ_ASSERT_MSG(st.reason == want, "reason %s, expected %s", lhv1_reason_code(st.reason),
                    lhv1_reason_code(want));
    if (rc != 0) {
        FUZZ_ASSERT(rc == -1);
        fuzz_check_status(LHV1_BAD_FORMAT, &st, size);
        return 0;
    }
    fuzz_check_status(LHV1_OK, &st, size);
    FUZZ_ASSERT(env.data == data + LHV1_HEADER_LEN);
    FUZZ_ASSERT(env.len <= size - LHV1_HEADER_LEN);
    FUZZ_ASSERT(graph.data == env.data + env.len);
    FUZZ_ASSERT(env.len + graph.len + LHV1_HEADER_LEN == size);

    lhv1_buf out;
    lhv1_buf_init(&out);
    FUZZ_ASSERT(lhv1_frame(env, graph, &out, &st) == 0 && !out.failed);
    FUZZ_ASSERT_MSG(out.len == size && memcmp(out.data, data, size) == 0,
                    "frame(unframe(x)) != x");
    lhv1_buf_free(&out);
    return 0;
}
