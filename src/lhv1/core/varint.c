/* Go's binary.PutVarint / binary.ReadVarint, bit for bit. */
#include <string.h>

#include "lhv1/graph.h"

int lhv1_varint_read(const uint8_t *p, size_t n, int64_t *out)
{
    uint64_t x = 0;
    unsigned s = 0;
    for (size_t i = 0; i < LHV1_VARINT_MAX; i++) {
        if (i >= n)
            return 0;
        uint8_t b = p[i];
        if (i == LHV1_VARINT_MAX - 1 && b > 1)
            return -1; /* Go: "varint overflows a 64-bit integer" */
        if (b < 0x80) {
            x |= (uint64_t)b << s;
            int64_t v = (int64_t)(x >> 1);
            if (x & 1)
                v = ~v;
            *out = v;
            return (int)i + 1;
        }
        x |= (uint64_t)(b & 0x7f) << s;
        s += 7;
    }
    return -1; /* an 11th byte would be needed */
}

int lhv1_varint_put(uint8_t out[LHV1_VARINT_MAX], int64_t v)
{
    uint64_t ux = (uint64_t)v << 1;
    if (v < 0)
        ux = ~ux;
    int i = 0;
    while (ux >= 0x80) {
        out[i++] = (uint8_t)(ux | 0x80);
        ux >>= 7;
    }
    out[i++] = (uint8_t)ux;
    return i;
}

float lhv1_vector_get(const lhv1_node *node, uint64_t i)
{
    const uint8_t *p = node->vector + i * 4;
    uint32_t bits = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                    (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}
