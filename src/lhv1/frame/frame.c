/* Frame and unframe, exactly as upstream except that frame refuses an
 * envelope whose length does not fit the uint32 field. */
#include <string.h>

#include "lhv1/frame.h"

int lhv1_unframe(const uint8_t *body, size_t len, lhv1_bytes *env, lhv1_bytes *graph,
                 lhv1_status *st)
{
    lhv1_status_ok(st);
    if (len < LHV1_HEADER_LEN)
        return lhv1_fail(st, LHV1_R_FRAME_TOO_SHORT, 0, "body too short (%zu bytes)", len);
    if (memcmp(body, "LHV2", 4) == 0) /* the successor (lhv2.h): name it */
        return lhv1_fail(st, LHV1_R_FRAME_NEWER_FORMAT, 0,
                         "magic LHV2: a newer format than this LHV1-only path reads");
    if (memcmp(body, LHV1_MAGIC, 4) != 0)
        return lhv1_fail(st, LHV1_R_FRAME_BAD_MAGIC, 0,
                         "bad magic %02x %02x %02x %02x", body[0], body[1], body[2], body[3]);
    uint32_t env_len = (uint32_t)body[4] << 24 | (uint32_t)body[5] << 16 |
                       (uint32_t)body[6] << 8 | (uint32_t)body[7];
    if ((uint64_t)env_len > (uint64_t)(len - LHV1_HEADER_LEN))
        return lhv1_fail(st, LHV1_R_FRAME_ENVELOPE_OVERRUN, 4,
                         "envelope_len=%u exceeds body=%zu", env_len, len);
    env->data = body + LHV1_HEADER_LEN;
    env->len = env_len;
    graph->data = body + LHV1_HEADER_LEN + env_len;
    graph->len = len - LHV1_HEADER_LEN - env_len;
    return 0;
}

int lhv1_frame(lhv1_bytes env, lhv1_bytes graph, lhv1_buf *out, lhv1_status *st)
{
    lhv1_status_ok(st);
    if ((uint64_t)env.len > UINT32_MAX)
        return lhv1_fail(st, LHV1_R_FRAME_ENVELOPE_OVERRUN, 4,
                         "envelope of %zu bytes does not fit the uint32 length", env.len);
    uint8_t hdr[LHV1_HEADER_LEN] = {'L', 'H', 'V', '1', (uint8_t)(env.len >> 24),
                                    (uint8_t)(env.len >> 16), (uint8_t)(env.len >> 8),
                                    (uint8_t)env.len};
    lhv1_buf_append(out, hdr, sizeof hdr);
    lhv1_buf_append(out, env.data, env.len);
    lhv1_buf_append(out, graph.data, graph.len);
    if (out->failed)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory framing %zu bytes",
                         env.len + graph.len);
    return 0;
}
