/* Placeholder until the Go-behaviour predictor lands: predicts nothing
 * beyond framing. Replaced by the golden work. */
#include <stdio.h>

#include "lhv1/index.h"

lhv1_go lhv1_predict_go(const uint8_t *body, size_t len, char *why, size_t why_len)
{
    lhv1_bytes env, graph;
    lhv1_status st;
    if (lhv1_unframe(body, len, &env, &graph, &st) != 0) {
        if (why && why_len)
            snprintf(why, why_len, "unframe: %s", st.message);
        return LHV1_GO_ERROR;
    }
    return LHV1_GO_OK;
}
