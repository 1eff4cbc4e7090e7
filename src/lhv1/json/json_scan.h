/* Tree-free JSON for the envelope: what cJSON 1.7's parser accepts and
 * where it stops, judged without building its tree (a tree costs about 64
 * bytes a value, 32 times a number array's bytes), and the decoded
 * strings of a text that has passed it and the lexical rules. */
#ifndef LHV1_JSON_SCAN_H
#define LHV1_JSON_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"

/* Not exported from the shared liblhv1. */
#pragma GCC visibility push(hidden)

/* As cJSON_ParseWithLengthOpts(p, n, &end, 0): 1 when it would return a
 * value, with *end just past the value; 0 when it would fail, with *end
 * at the offset cJSON_GetErrorPtr() would name. Allocates nothing. */
int lhv1_cjson_accepts(const uint8_t *p, size_t n, size_t *end);

/* A JSON string literal p[0..] (opening quote at p[0]) of a text that
 * cJSON and the lexical rules accept: its length in the text (quotes
 * included), and its decoded length. */
size_t lhv1_json_string_span(const uint8_t *p, size_t *decoded_len);
/* Decodes it into out (room for decoded_len bytes); returns decoded_len. */
size_t lhv1_json_string_decode(const uint8_t *p, uint8_t *out);
/* The first (at most) cap decoded bytes into out; *full gets the whole
 * decoded length. Returns the bytes written. */
size_t lhv1_json_string_prefix(const uint8_t *p, uint8_t *out, size_t cap, size_t *full);
/* The length in the text of the string literal at p[0] (quotes included),
 * without decoding it; `left` bytes are readable. */
size_t lhv1_json_string_len(const uint8_t *p, size_t left);
/* Bytewise order of two such literals' decoded contents (strcmp's). */
int lhv1_json_string_cmp(const uint8_t *a, const uint8_t *b);

/* The members of a JSON object text (valid JSON, as above): *pos at its
 * '{' to start; each call gives the offset of the next member's key
 * literal and of its value, and returns 0 past the last (with *pos just
 * past the object). */
int lhv1_json_next_member(const uint8_t *p, size_t n, size_t *pos, size_t *key, size_t *value);
/* Offset just past the JSON value at p[at] (valid JSON). */
size_t lhv1_json_skip_value(const uint8_t *p, size_t n, size_t at);

#pragma GCC visibility pop

#endif
