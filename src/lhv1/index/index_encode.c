/* Whole-object encoder: frame(envelope, deterministic graph), in either
 * container. In LHV1 the graph is written straight after the framed
 * envelope in `out`, not built apart and copied in; LHV2 frames the
 * finished sections. */
#include "lhv1/index.h"

int lhv1_index_encode(const lhv1_index *idx, lhv1_buf *out)
{
    return lhv1_index_encode_as(idx, LHV1_FORMAT_LHV1, out);
}

int lhv1_index_encode_as(const lhv1_index *idx, lhv1_format format, lhv1_buf *out)
{
    lhv1_buf env, graph;
    lhv1_buf_init(&env);
    lhv1_buf_init(&graph);
    lhv1_status st;
    int rc = -1;
    if (lhv1_envelope_encode(&idx->env, &env) == 0) {
        lhv1_bytes e = {env.data, env.len}, none = {NULL, 0};
        if (format == LHV1_FORMAT_LHV2) {
            if (lhv1_graph_encode(&idx->graph, &graph) == 0) {
                lhv1_bytes g = {graph.data, graph.len};
                rc = lhv1_lhv2_frame(e, g, out, &st);
            }
        } else if (lhv1_frame(e, none, out, &st) == 0 &&
                   lhv1_graph_encode(&idx->graph, out) == 0) {
            rc = 0;
        }
    }
    if (env.failed || graph.failed)
        out->failed = 1; /* an allocation failed: say so the way a buffer does */
    lhv1_buf_free(&env);
    lhv1_buf_free(&graph);
    return rc;
}
