/* graph: the bounded decoder and the invariant checker. On success,
 * encode, decode again: equal graphs, byte-identical re-encoding, and the
 * same invariant verdict (the encoder only drops trailing bytes, so a
 * graph-trailing-bytes graph comes back clean). */
#include <string.h>

#include "fuzz_helpers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lhv1_graph g;
    lhv1_status st;
    memset(&g, 0, sizeof g);
    if (lhv1_graph_decode(data, size, &g, &st) != 0) {
        fuzz_check_status(LHV1_DECODE_ERROR, &st, size);
        return 0;
    }
    fuzz_check_status(LHV1_OK, &st, size);
    FUZZ_ASSERT(g.version == LHV1_GRAPH_VERSION);
    FUZZ_ASSERT(g.end + g.trailing == size);
    lhv1_status check;
    int bad = lhv1_graph_check(&g, &check) != 0;
    fuzz_check_status(bad ? LHV1_INCONSISTENT : LHV1_OK, &check, size);

    lhv1_buf e1, e2;
    lhv1_buf_init(&e1);
    lhv1_buf_init(&e2);
    FUZZ_ASSERT(lhv1_graph_encode(&g, &e1) == 0 && !e1.failed);
    lhv1_graph back;
    memset(&back, 0, sizeof back);
    int rc = lhv1_graph_decode(e1.data, e1.len, &back, &st);
    FUZZ_ASSERT_MSG(rc == 0, "re-decode of the encoding failed: %s: %s",
                    lhv1_reason_code(st.reason), st.message);
    FUZZ_ASSERT(back.trailing == 0);
    FUZZ_ASSERT_MSG(lhv1_graph_equal(&g, &back), "graph changed by encode/decode");
    FUZZ_ASSERT_MSG(lhv1_graph_count(&g) == lhv1_graph_count(&back), "count changed");

    lhv1_status check2;
    int bad2 = lhv1_graph_check(&back, &check2) != 0;
    lhv1_reason want = (bad && check.reason == LHV1_R_GRAPH_TRAILING_BYTES) ? LHV1_R_NONE
                                                                              : check.reason;
    FUZZ_ASSERT_MSG(check2.reason == want && bad2 == (want != LHV1_R_NONE),
                    "invariant verdict %s before encode, %s after",
                    lhv1_reason_code(check.reason), lhv1_reason_code(check2.reason));

    FUZZ_ASSERT(lhv1_graph_encode(&back, &e2) == 0 && !e2.failed);
    FUZZ_ASSERT_MSG(e1.len == e2.len && memcmp(e1.data, e2.data, e1.len) == 0,
                    "graph encoding is not deterministic");

    lhv1_graph_free(&back);
    lhv1_graph_free(&g);
    lhv1_buf_free(&e1);
    lhv1_buf_free(&e2);
    return 0;
}
