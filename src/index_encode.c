/* Whole-object encoder: frame(envelope, deterministic graph). The graph is
 * written straight after the framed envelope in `out`, not built apart
 * and copied in. */
#include "lhv1/index.h"

int lhv1_index_encode(const lhv1_index *idx, lhv1_buf *out)
{
    lhv1_buf env;
    lhv1_buf_init(&env);
    lhv1_status st;
    int rc = -1;
    if (lhv1_envelope_encode(&idx->env, &env) == 0) {
        lhv1_bytes e = {env.data, env.len}, none = {NULL, 0};
        if (lhv1_frame(e, none, out, &st) == 0 && lhv1_graph_encode(&idx->graph, out) == 0)
            rc = 0;
    }
    lhv1_buf_free(&env);
    return rc;
}
