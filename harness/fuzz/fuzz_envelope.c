/* envelope: the strict JSON decoder. On success, encode, decode again:
 * equal fields, and the encoding is a fixed point (encode(decode(encode(x)))
 * == encode(x)). On failure, a decode-error reason with an offset inside
 * the input. Either way, in front of a graph Go loads, the Go prediction
 * agrees with what the verdict implies (go_implications.h): an envelope
 * liblhv1 accepts is one Go decodes. */
#include <string.h>

#include "fuzz_helpers.h"
#include "go_implications.h"
#include "internal.h"

/* The input as an envelope before an empty graph (version 1, M 16, Ml
 * 0.25, EfSearch 20, cosine, no layer), so Go's behaviour is the
 * envelope's; its prediction must fit (verdict, reason). */
static void check_go(const uint8_t *data, size_t size, lhv1_verdict v, lhv1_reason r)
{
    static const uint8_t empty_graph[] = {0x02, 0x20, 0, 0, 0, 0, 0, 0, 0xd0, 0x3f, 0x28,
                                          0x0c, 'c', 'o', 's', 'i', 'n', 'e', 0x00};
    /* Kept across inputs (reset, not freed): one allocation less per input. */
    static lhv1_buf obj;
    lhv1_buf_reset(&obj);
    lhv1_status st;
    if (lhv1_frame((lhv1_bytes){data, size}, (lhv1_bytes){empty_graph, sizeof empty_graph}, &obj,
                   &st) == 0) {
        char why[256];
        lhv1_go go = lhv1_predict_go(obj.data, obj.len, why, sizeof why);
        const char *broken = lhv1_go_implication_broken(v, r, go);
        FUZZ_ASSERT_MSG(!broken, "%s, Go predicted %s (%s): %s", lhv1_reason_code(r),
                        lhv1_go_name(go), why, broken);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lhv1_envelope env;
    lhv1_status st;
    memset(&env, 0, sizeof env);
    if (lhv1_envelope_decode(data, size, &env, &st) != 0) {
        fuzz_check_status(LHV1_DECODE_ERROR, &st, size);
        check_go(data, size, LHV1_DECODE_ERROR, st.reason);
        return 0;
    }
    fuzz_check_status(LHV1_OK, &st, size);
    check_go(data, size, LHV1_OK, LHV1_R_NONE);
    FUZZ_ASSERT(env.version == LHV1_ENVELOPE_VERSION);
    FUZZ_ASSERT(env.name && env.name[0] != '\0');
    FUZZ_ASSERT(env.dimension >= 1 && env.m >= 1 && env.ef_search >= 1 && env.count >= 0);
    FUZZ_ASSERT(lhv1_distance_known(lhv1_bytes_str(env.distance)));

    lhv1_buf e1, e2;
    lhv1_buf_init(&e1);
    lhv1_buf_init(&e2);
    FUZZ_ASSERT(lhv1_envelope_encode(&env, &e1) == 0 && !e1.failed);
    lhv1_envelope back;
    memset(&back, 0, sizeof back);
    int rc = lhv1_envelope_decode(e1.data, e1.len, &back, &st);
    FUZZ_ASSERT_MSG(rc == 0, "re-decode of the encoding failed: %s: %s",
                    lhv1_reason_code(st.reason), st.message);
    FUZZ_ASSERT_MSG(fuzz_envelope_equal(&env, &back), "envelope changed by encode/decode");
    FUZZ_ASSERT(lhv1_envelope_encode(&back, &e2) == 0 && !e2.failed);
    FUZZ_ASSERT_MSG(e1.len == e2.len && memcmp(e1.data, e2.data, e1.len) == 0,
                    "envelope encoding is not a fixed point");

    lhv1_envelope_free(&back);
    lhv1_envelope_free(&env);
    lhv1_buf_free(&e1);
    lhv1_buf_free(&e2);
    return 0;
}
