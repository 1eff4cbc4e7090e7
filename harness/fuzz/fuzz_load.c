/* load: the full verdict path. Every verdict carries a reason of its class;
 * the Go prediction agrees with what the verdict implies about Go
 * (go_implications.h) and gives a reason exactly when Go does not load.
 * An ok index dumps deterministically, survives encode/decode unchanged,
 * and loads under its own name but not under another. */
#include <string.h>

#include "fuzz_helpers.h"
#include "go_implications.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[256];
    memset(why, 'x', sizeof why);
    lhv1_go go = lhv1_predict_go(data, size, why, sizeof why);
    FUZZ_ASSERT_MSG((go == LHV1_GO_OK) == (why[0] == '\0'), "Go predicted %s, why \"%.40s\"",
                    lhv1_go_name(go), why);

    lhv1_index idx;
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load(data, size, NULL, &idx, &st);
    fuzz_check_status(v, &st, size);
    FUZZ_ASSERT_MSG(v != LHV1_MISSING && v != LHV1_STORE_ERROR, "no store here, verdict %s",
                    lhv1_verdict_name(v));
    const char *broken = lhv1_go_implication_broken(v, st.reason, go);
    FUZZ_ASSERT_MSG(!broken, "%s %s, Go predicted %s (%s): %s", lhv1_verdict_name(v),
                    lhv1_reason_code(st.reason), lhv1_go_name(go), why, broken);
    FUZZ_ASSERT_MSG((v == LHV1_OK || v == LHV1_INCONSISTENT) == (idx.decoded == 1),
                    "verdict %s with decoded=%d", lhv1_verdict_name(v), idx.decoded);
    if (v == LHV1_INCONSISTENT) {
        /* Decoded content must still dump (FORMAT.md 6). */
        lhv1_buf d;
        lhv1_buf_init(&d);
        FUZZ_ASSERT(lhv1_index_dump(&idx, &d) == 0 && !d.failed);
        lhv1_buf_free(&d);
    }
    if (v == LHV1_OK) {
        fuzz_check_index_roundtrip(&idx, idx.env.name, NULL);

        lhv1_index again;
        lhv1_verdict v2 = lhv1_index_load(data, size, idx.env.name, &again, &st);
        FUZZ_ASSERT_MSG(v2 == LHV1_OK, "ok without a name, %s under its own", lhv1_verdict_name(v2));
        lhv1_index_free(&again);

        /* A name that differs from params.name (non-empty by the envelope
         * rules, so the empty string always differs). */
        v2 = lhv1_index_load(data, size, "", &again, &st);
        FUZZ_ASSERT_MSG(v2 == LHV1_INCONSISTENT && st.reason == LHV1_R_CROSS_NAME,
                        "loaded under a wrong name: %s", lhv1_reason_code(st.reason));
        lhv1_index_free(&again);
    }
    if (idx.decoded)
        lhv1_index_free(&idx);
    return 0;
}
