/* The LHV2 container (include/lhv1/lhv2.h): frame, checked unframe, and the
 * dispatch on magic between LHV1 and LHV2. CRC-32C is ISA-L's. */
#include <isa-l/crc.h>
#include <limits.h>
#include <string.h>

#include "lhv1/frame.h"
#include "lhv1/lhv2.h"

const char *lhv1_format_name(lhv1_format f)
{
    return f == LHV1_FORMAT_LHV2 ? "LHV2" : "LHV1";
}

uint32_t lhv1_crc32c(const uint8_t *data, size_t len)
{
    /* crc32_iscsi takes an int length and no pre/post inversion: chain in
     * chunks and invert around, which gives the standard CRC-32C. */
    unsigned int crc = 0xFFFFFFFFu;
    while (len) {
        size_t n = len > (size_t)INT_MAX ? (size_t)1 << 30 : len;
        crc = crc32_iscsi((unsigned char *)data, (int)n, crc);
        data += n;
        len -= n;
    }
    return crc ^ 0xFFFFFFFFu;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

int lhv1_lhv2_unframe(const uint8_t *body, size_t len, lhv1_bytes *env, lhv1_bytes *graph,
                 lhv1_status *st)
{
    lhv1_status_ok(st);
    if (len < LHV2_OVERHEAD)
        return lhv1_fail(st, LHV1_R_LHV2_TOO_SHORT, 0,
                         "LHV2 object of %zu bytes, shorter than its %d-byte header and trailer",
                         len, LHV2_OVERHEAD);
    if (memcmp(body, LHV2_MAGIC, 4) != 0)
        return lhv1_fail(st, LHV1_R_FRAME_BAD_MAGIC, 0, "bad magic %02x %02x %02x %02x",
                         body[0], body[1], body[2], body[3]);
    uint32_t want = be32(body + 16), got = lhv1_crc32c(body, 16);
    if (want != got)
        return lhv1_fail(st, LHV1_R_LHV2_HEADER_CHECKSUM, 16,
                         "header CRC-32C %08x, stored %08x", got, want);
    uint64_t env_len = be32(body + 4), graph_len = be64(body + 8);
    /* No overflow: env_len < 2^32 and graph_len is bounded by len first. */
    if (graph_len > len || env_len + graph_len + LHV2_OVERHEAD != len)
        return lhv1_fail(st, LHV1_R_LHV2_LENGTH_MISMATCH, 4,
                         "header says %llu + %llu section bytes, object has %zu",
                         (unsigned long long)env_len, (unsigned long long)graph_len,
                         len - LHV2_OVERHEAD);
    const uint8_t *sections = body + LHV2_HEADER_LEN;
    size_t n = (size_t)(env_len + graph_len);
    want = be32(sections + n);
    got = lhv1_crc32c(sections, n);
    if (want != got)
        return lhv1_fail(st, LHV1_R_LHV2_BODY_CHECKSUM, (int64_t)(LHV2_HEADER_LEN + n),
                         "body CRC-32C %08x, stored %08x", got, want);
    env->data = sections;
    env->len = (size_t)env_len;
    graph->data = sections + env_len;
    graph->len = (size_t)graph_len;
    return 0;
}

int lhv1_lhv2_frame(lhv1_bytes env, lhv1_bytes graph, lhv1_buf *out, lhv1_status *st)
{
    lhv1_status_ok(st);
    if ((uint64_t)env.len > UINT32_MAX)
        return lhv1_fail(st, LHV1_R_FRAME_ENVELOPE_OVERRUN, 4,
                         "envelope of %zu bytes does not fit the uint32 length", env.len);
    uint8_t hdr[LHV2_HEADER_LEN] = {'L', 'H', 'V', '2'};
    put32(hdr + 4, (uint32_t)env.len);
    put32(hdr + 8, (uint32_t)((uint64_t)graph.len >> 32));
    put32(hdr + 12, (uint32_t)graph.len);
    put32(hdr + 16, lhv1_crc32c(hdr, 16));
    /* The body CRC chains over the two sections without copying them. */
    unsigned int crc = 0xFFFFFFFFu;
    const lhv1_bytes parts[2] = {env, graph};
    for (int i = 0; i < 2; i++)
        for (size_t off = 0; off < parts[i].len;) {
            size_t n = parts[i].len - off > (size_t)1 << 30 ? (size_t)1 << 30 : parts[i].len - off;
            crc = crc32_iscsi((unsigned char *)parts[i].data + off, (int)n, crc);
            off += n;
        }
    uint8_t trailer[LHV2_TRAILER_LEN];
    put32(trailer, crc ^ 0xFFFFFFFFu);
    lhv1_buf_append(out, hdr, sizeof hdr);
    lhv1_buf_append(out, env.data, env.len);
    lhv1_buf_append(out, graph.data, graph.len);
    lhv1_buf_append(out, trailer, sizeof trailer);
    if (out->failed)
        return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory framing %zu bytes",
                         env.len + graph.len);
    return 0;
}

int lhv1_unframe_any(const uint8_t *body, size_t len, lhv1_bytes *env, lhv1_bytes *graph,
                     lhv1_format *format, lhv1_status *st)
{
    int v2 = len >= 4 && memcmp(body, LHV2_MAGIC, 4) == 0;
    if (format)
        *format = v2 ? LHV1_FORMAT_LHV2 : LHV1_FORMAT_LHV1;
    return v2 ? lhv1_lhv2_unframe(body, len, env, graph, st) : lhv1_unframe(body, len, env, graph, st);
}
