/* LHV2, the checksummed successor of the LHV1 frame (docs/LHV2.md):
 *
 *   offset 0   4 bytes  magic "LHV2"
 *   offset 4   4 bytes  envelope_len, uint32 big-endian
 *   offset 8   8 bytes  graph_len, uint64 big-endian
 *   offset 16  4 bytes  header_crc: CRC-32C of bytes 0..15, uint32 big-endian
 *   offset 20  envelope_len bytes  JSON envelope (the LHV1 envelope schema)
 *   then       graph_len bytes     coder/hnsw Graph.Export bytes
 *   then       4 bytes  body_crc: CRC-32C of envelope || graph, uint32 BE
 *
 * The object is exactly 24 + envelope_len + graph_len bytes. Both sections
 * keep their LHV1 meaning; only the container changes. */
#ifndef LHV1_LHV2_H
#define LHV1_LHV2_H

#include "lhv1/bytes.h"
#include "lhv1/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LHV2_MAGIC "LHV2"
#define LHV2_HEADER_LEN 20
#define LHV2_TRAILER_LEN 4
#define LHV2_OVERHEAD (LHV2_HEADER_LEN + LHV2_TRAILER_LEN)

/* Which container an object is in. */
typedef enum lhv1_format {
    LHV1_FORMAT_LHV1 = 1,
    LHV1_FORMAT_LHV2 = 2
} lhv1_format;

const char *lhv1_format_name(lhv1_format f); /* "LHV1" | "LHV2" */

/* CRC-32C (Castagnoli) of `len` bytes, as Go's crc32.Checksum with the
 * Castagnoli table computes it. */
uint32_t lhv1_crc32c(const uint8_t *data, size_t len);

/* Checks an LHV2 container, in this order: size (lhv2-too-short), magic
 * (frame-bad-magic), header CRC (lhv2-header-checksum), total length
 * (lhv2-length-mismatch), body CRC (lhv2-body-checksum). On success `env`
 * and `graph` point into `body`. Returns 0, or -1 with a bad-format status. */
int lhv1_lhv2_unframe(const uint8_t *body, size_t len, lhv1_bytes *env, lhv1_bytes *graph,
                 lhv1_status *st);

/* Appends the LHV2 container of (env, graph) to `out`. Returns 0, or -1
 * (envelope of 2^32 bytes or more, or out of memory). */
int lhv1_lhv2_frame(lhv1_bytes env, lhv1_bytes graph, lhv1_buf *out, lhv1_status *st);

/* Either container, by magic: LHV1 (lhv1_unframe) or LHV2 (lhv1_lhv2_unframe).
 * `format` (may be NULL) receives which one was read. */
int lhv1_unframe_any(const uint8_t *body, size_t len, lhv1_bytes *env, lhv1_bytes *graph,
                     lhv1_format *format, lhv1_status *st);

#ifdef __cplusplus
}
#endif
#endif
