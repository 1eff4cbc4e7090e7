/* Reading small JSON documents exactly (the testee protocol's messages,
 * canonical dumps): strings are decoded to their bytes, NULs included,
 * which cJSON cannot give (it cuts a string at \u0000, and a dump's keys
 * may hold one). Built on liblhv1's tree-free scanner (src/lhv1/json/json_scan.h):
 * a text is checked once, then values are read in place. Testing library
 * only. */
#ifndef LHV1_JSON_WALK_H
#define LHV1_JSON_WALK_H

#include <stddef.h>
#include <stdint.h>

typedef enum jw_type {
    JW_INVALID,
    JW_NULL,
    JW_BOOL,
    JW_NUMBER,
    JW_STRING,
    JW_ARRAY,
    JW_OBJECT
} jw_type;

/* A value inside a checked text: p[at] is its first byte. */
typedef struct jw_val {
    const uint8_t *p;
    size_t n;
    size_t at;
} jw_val;

/* Checks that p[0..n) is one JSON value (RFC 8259, valid UTF-8, nesting at
 * most 1,000, whitespace around it only) and gives the value. Returns 0,
 * or -1 with the reason in err. Allocates nothing. */
int jw_parse(const uint8_t *p, size_t n, jw_val *root, char *err, size_t err_len);

jw_type jw_type_of(jw_val v);
/* Offset just past the value. */
size_t jw_end(jw_val v);
/* The member of an object named exactly key[0..len) (the first one); 1
 * found, 0 not (or v is not an object). */
int jw_member(jw_val obj, const char *key, jw_val *out);
/* Walks an array: *pos = 0 to start; 1 with the next element, 0 at the end. */
int jw_next(jw_val arr, size_t *pos, jw_val *elem);
/* Members of an object in order: *pos = 0 to start; 1 with key and value. */
int jw_next_member(jw_val obj, size_t *pos, jw_val *key, jw_val *value);
size_t jw_count(jw_val arr);
/* A string's decoded bytes into a new buffer (NUL-terminated beyond len,
 * free()). -1 when v is not a string or on allocation failure. */
int jw_string(jw_val v, uint8_t **out, size_t *len);
/* 1 when v is a string whose decoded bytes are s[0..len). */
int jw_string_is(jw_val v, const char *s);
/* An integer written with digits only (optional minus), |x| <= 2^53. 0/-1. */
int jw_int(jw_val v, int64_t *out);
/* 1 for true, 0 for false, -1 when v is not a boolean. */
int jw_bool(jw_val v);

#endif
