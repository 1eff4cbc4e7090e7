/* Shared by every fuzz target: an assertion that always aborts, a reader
 * that takes fuzzer-chosen parameters from the input, and the oracles more
 * than one target checks. Targets hold only LLVMFuzzerTestOneInput. */
#ifndef LHV1_FUZZ_HELPERS_H
#define LHV1_FUZZ_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/index.h"
#include "metadata.h"

/* Never `assert`: NDEBUG must not turn an oracle into a no-op. */
#define FUZZ_ASSERT(cond)                                                      \
    ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond, "%s", ""))
#define FUZZ_ASSERT_MSG(cond, ...)                                             \
    ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__))

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* Fuzzer-chosen parameters, consumed from the END of the input so that the
 * front stays a real file (zstd's FUZZ_dataProducer idea). Reading past
 * the start yields zeros. */
typedef struct fuzz_reader {
    const uint8_t *data;
    size_t size; /* bytes not consumed yet: data[0 .. size) */
} fuzz_reader;

void fuzz_reader_init(fuzz_reader *r, const uint8_t *data, size_t size);
uint32_t fuzz_u32(fuzz_reader *r);
/* A value in [lo, hi] (inclusive). */
uint32_t fuzz_range(fuzz_reader *r, uint32_t lo, uint32_t hi);
int fuzz_bool(fuzz_reader *r);
/* Takes up to `max` bytes from the front (the file part). */
lhv1_bytes fuzz_take_front(fuzz_reader *r, size_t max);

/* The status is well formed for this verdict: the reason belongs to the
 * verdict's class, the message is terminated, the offset is -1 or inside
 * [0, limit]. */
void fuzz_check_status(lhv1_verdict v, const lhv1_status *st, size_t limit);

/* Exact JSON equality: numbers compared as doubles with ==, arrays in
 * order, object members as a set. Not cJSON_Compare, which accepts numbers
 * within a relative DBL_EPSILON and so hides precision lost by printing. */
int fuzz_json_equal(const cJSON *a, const cJSON *b);

/* The envelopes hold the same fields and exactly equal metadata. */
int fuzz_envelope_equal(const lhv1_envelope *a, const lhv1_envelope *b);

/* For a decoded index (ok): dump twice (identical), encode, load the
 * encoding back as `name` (ok, equal graph, equal envelope, identical
 * dump), and encode again (identical bytes). `dump`, when not NULL, is the
 * index's dump that the caller already made and checked as deterministic
 * (roundtrip compares it with the dump of the same content in another
 * order), so it is not made twice more. */
void fuzz_check_index_roundtrip(const lhv1_index *idx, const char *name, const lhv1_buf *dump);

/* Seed generation: when LHV1_FUZZ_EMIT_DIR is set, writes `len` bytes to
 * "<dir>/<tag>-<hash of the bytes>.lhv1" (ci/fuzz --make-seeds). A no-op
 * otherwise, so fuzzing never touches the disk. */
void fuzz_emit(const char *tag, const uint8_t *data, size_t len);

#endif
