/* What the envelope's JSON bytes must satisfy beyond what cJSON checks,
 * and the exact value of number literals (cJSON keeps only a double). */
#ifndef LHV1_JSON_LEX_H
#define LHV1_JSON_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/verdict.h"

/* Not exported from the shared liblhv1. */
#pragma GCC visibility push(hidden)

/* Offsets of the number literals (or of the member keys' opening quotes)
 * of a JSON text, in document order: the order of a pre-order walk of
 * cJSON's tree. */
typedef struct lhv1_json_offsets {
    uint32_t *at;
    size_t n, cap;
} lhv1_json_offsets;

/* Fails with envelope-nul-escape at the first \u0000 escape in a string. */
int lhv1_json_find_nul_escape(const uint8_t *p, size_t n, lhv1_status *st);

/* The lexical rules cJSON does not enforce, over the bytes of one parsed
 * value: no byte order mark; no raw control character in a string, nor
 * outside one other than tab, LF, CR; escapes only \" \\ \/ \b \f \n \r \t
 * and \u with four hex digits; numbers by the JSON grammar. Collects the
 * numbers' offsets and the member keys' offsets when `numbers` and `keys`
 * are not NULL. Fails with envelope-syntax. */
int lhv1_json_lex(const uint8_t *p, size_t n, lhv1_json_offsets *numbers,
                  lhv1_json_offsets *keys, lhv1_status *st);

/* Length of the number literal at p by the JSON grammar, 0 if malformed. */
size_t lhv1_json_number_len(const uint8_t *p, size_t n);

enum { LHV1_INT_OK, LHV1_INT_FRACTION, LHV1_INT_RANGE };
/* The exact value of a number literal: LHV1_INT_OK and *out when it is an
 * integer of magnitude at most 2^53 (1.0 and 1e3 are integers),
 * LHV1_INT_FRACTION when its value is not integral, LHV1_INT_RANGE when its
 * magnitude is beyond 2^53. Decided on the digits, never on a double. */
int lhv1_json_literal_int(const uint8_t *p, size_t n, int64_t *out);

/* 1 when Go's encoding/json reads the object key key[0..len) (decoded, all
 * of it, NULs included) as the struct field named `field` (ASCII): the
 * exact name, or the same name under Go's case folding (go_fold.c). */
int lhv1_go_key_matches(const uint8_t *key, size_t len, const char *field);

#pragma GCC visibility pop

#endif
