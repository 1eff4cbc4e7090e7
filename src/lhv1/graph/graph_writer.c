/* Low-level writer of the graph section: the one place that knows the
 * field layout on the way out. Used by the encoder, tests, fuzzers. */
#include <string.h>

#include "lhv1/graph.h"

void lhv1_gw_varint(lhv1_buf *out, int64_t v)
{
    uint8_t tmp[LHV1_VARINT_MAX];
    lhv1_buf_append(out, tmp, (size_t)lhv1_varint_put(tmp, v));
}

void lhv1_gw_string(lhv1_buf *out, lhv1_bytes s)
{
    lhv1_gw_varint(out, (int64_t)s.len);
    lhv1_buf_append(out, s.data, s.len);
}

static void put_f64(lhv1_buf *out, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(bits >> (8 * i));
    lhv1_buf_append(out, le, sizeof le);
}

void lhv1_gw_header(lhv1_buf *out, int64_t version, int64_t m, double ml, int64_t ef_search,
                    lhv1_bytes distance, int64_t n_layers)
{
    lhv1_gw_varint(out, version);
    lhv1_gw_varint(out, m);
    put_f64(out, ml);
    lhv1_gw_varint(out, ef_search);
    lhv1_gw_string(out, distance);
    lhv1_gw_varint(out, n_layers);
}

void lhv1_gw_node(lhv1_buf *out, lhv1_bytes key, const float *vec, uint64_t dim,
                  int64_t n_neighbors)
{
    lhv1_gw_string(out, key);
    lhv1_gw_varint(out, (int64_t)dim);
    for (uint64_t i = 0; i < dim; i++) {
        uint32_t bits;
        memcpy(&bits, &vec[i], sizeof bits);
        uint8_t le[4] = {(uint8_t)bits, (uint8_t)(bits >> 8), (uint8_t)(bits >> 16),
                         (uint8_t)(bits >> 24)};
        lhv1_buf_append(out, le, sizeof le);
    }
    lhv1_gw_varint(out, n_neighbors);
}
