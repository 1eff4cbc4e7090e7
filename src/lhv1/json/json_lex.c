/* Lexical checks of JSON text that cJSON leaves out, and exact integer
 * literals. What cJSON accepts is judged first (json_scan.c); this only
 * refuses what it would accept although JSON (and Go's encoding/json)
 * does not. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "json_lex.h"

size_t lhv1_json_number_len(const uint8_t *p, size_t n)
{
    size_t i = 0;
#define DIGITS() while (i < n && p[i] >= '0' && p[i] <= '9') i++
    if (i < n && p[i] == '-')
        i++;
    if (i < n && p[i] == '0')
        i++;
    else if (i < n && p[i] >= '1' && p[i] <= '9')
        DIGITS();
    else
        return 0;
    if (i < n && p[i] == '.') {
        size_t d = ++i;
        DIGITS();
        if (i == d)
            return 0;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        size_t d = i;
        DIGITS();
        if (i == d)
            return 0;
    }
#undef DIGITS
    return i;
}

static int is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int lhv1_json_find_nul_escape(const uint8_t *p, size_t n, lhv1_status *st)
{
    int in_str = 0;
    for (size_t i = 0; i < n; i++) {
        if (!in_str) {
            in_str = p[i] == '"';
        } else if (p[i] == '"') {
            in_str = 0;
        } else if (p[i] == '\\' && i + 1 < n) {
            if (p[i + 1] == 'u' && i + 5 < n && memcmp(p + i + 2, "0000", 4) == 0)
                return lhv1_fail(st, LHV1_R_ENV_NUL_ESCAPE, (int64_t)i,
                                 "string contains \\u0000");
            i++; /* the escaped character */
        }
    }
    return 0;
}

static int push_offset(lhv1_json_offsets *nums, size_t at)
{
    if (lhv1_array_grow(&nums->at, nums->n, &nums->cap, sizeof *nums->at, 16) != 0)
        return -1;
    nums->at[nums->n++] = (uint32_t)at;
    return 0;
}

/* Checks the escape at p[i] == '\\'; returns its length or 0. */
static size_t escape_len(const uint8_t *p, size_t n, size_t i)
{
    if (i + 1 >= n)
        return 0;
    if (strchr("\"\\/bfnrt", p[i + 1]) && p[i + 1] != '\0')
        return 2;
    if (p[i + 1] == 'u' && i + 5 < n && is_hex(p[i + 2]) && is_hex(p[i + 3]) &&
        is_hex(p[i + 4]) && is_hex(p[i + 5]))
        return 6;
    return 0;
}

int lhv1_json_lex(const uint8_t *p, size_t n, lhv1_json_offsets *numbers,
                  lhv1_json_offsets *keys, lhv1_status *st)
{
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return lhv1_fail(st, LHV1_R_ENV_SYNTAX, 0, "byte order mark before the JSON value");
    int in_str = 0;
    size_t str_start = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (in_str) {
            if (c < 0x20)
                return lhv1_fail(st, LHV1_R_ENV_SYNTAX, (int64_t)i,
                                 "unescaped control character 0x%02x in a string", c);
            if (c == '"') {
                in_str = 0;
                size_t j = i + 1; /* a string followed by ':' is a member's key */
                while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\n' || p[j] == '\r'))
                    j++;
                if (keys && j < n && p[j] == ':' && push_offset(keys, str_start) != 0)
                    return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
            } else if (c == '\\') {
                size_t k = escape_len(p, n, i);
                if (k == 0)
                    return lhv1_fail(st, LHV1_R_ENV_SYNTAX, (int64_t)i,
                                     "invalid escape in a string");
                i += k - 1;
            }
        } else if (c == '"') {
            in_str = 1;
            str_start = i;
        } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            return lhv1_fail(st, LHV1_R_ENV_SYNTAX, (int64_t)i,
                             "control character 0x%02x outside a string", c);
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t end = i;
            while (end < n && p[end] && strchr("+-.eE0123456789", p[end]))
                end++;
            if (lhv1_json_number_len(p + i, end - i) != end - i)
                return lhv1_fail(st, LHV1_R_ENV_SYNTAX, (int64_t)i, "malformed number \"%.*s\"",
                                 (int)(end - i > 32 ? 32 : end - i), (const char *)p + i);
            if (numbers && push_offset(numbers, i) != 0)
                return lhv1_fail(st, LHV1_R_OUT_OF_MEMORY, -1, "out of memory");
            i = end - 1;
        }
    }
    return 0;
}

int lhv1_json_literal_int(const uint8_t *p, size_t n, int64_t *out)
{
    static const char max_digits[] = "9007199254740992"; /* 2^53 */
    size_t i = 0;
    int neg = p[0] == '-';
    i += (size_t)neg;
    const uint8_t *ip = p + i; /* integer digits */
    size_t ni = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9')
        i++, ni++;
    const uint8_t *fp = p + i; /* fraction digits */
    size_t nf = 0;
    if (i < n && p[i] == '.') {
        fp = p + ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++, nf++;
    }
    long long exp = 0;
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        int eneg = i < n && p[i] == '-';
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        for (; i < n; i++)
            if (exp < 100000)
                exp = exp * 10 + (p[i] - '0'); /* beyond that, only zero stays in range */
        exp = eneg ? -exp : exp;
    }
    /* The digits d = ip ++ fp with the decimal point after `point` of them. */
    size_t nd = ni + nf;
    long long point = (long long)ni + exp;
#define DIGIT(k) ((size_t)(k) < ni ? ip[(k)] : fp[(k) - ni])
    size_t first = 0; /* first non-zero digit */
    while (first < nd && DIGIT(first) == '0')
        first++;
    if (first == nd) {
        *out = 0;
        return LHV1_INT_OK;
    }
    for (size_t k = nd; k-- > first;) /* a non-zero digit after the point */
        if ((long long)k >= point && DIGIT(k) != '0')
            return LHV1_INT_FRACTION;
    long long int_len = point - (long long)first; /* digits of the integer value */
    if (int_len > (long long)(sizeof max_digits - 1))
        return LHV1_INT_RANGE;
    char buf[sizeof max_digits];
    for (long long k = 0; k < int_len; k++) {
        size_t at = first + (size_t)k;
        buf[k] = at < nd ? (char)DIGIT(at) : '0';
    }
    buf[int_len] = '\0';
#undef DIGIT
    if (int_len == (long long)(sizeof max_digits - 1) && strcmp(buf, max_digits) > 0)
        return LHV1_INT_RANGE;
    long long v = strtoll(buf, NULL, 10);
    *out = neg ? -v : v;
    return LHV1_INT_OK;
}
