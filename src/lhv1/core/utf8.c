/* UTF-8 validity with Go's rules (utf8.Valid), used for the envelope and
 * for choosing how the dump writes a key. */
#include "internal.h"

size_t lhv1_utf8_invalid_at(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0; /* no overlongs */
            if (c == 0xED)
                hi = 0x9F; /* no surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F; /* nothing above U+10FFFF */
        } else {
            return i;
        }
        if (n - i - 1 < need)
            return i;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= need; k++)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF)
                return i;
        i += need + 1;
    }
    return n;
}

/* The characters a terminal or a text renderer acts on instead of showing
 * (C1 controls, the Arabic letter mark, LRM/RLM, line and paragraph
 * separators, bidi embeddings/overrides/isolates): one table for the dump's
 * STR and the CLI's text escaping. */
size_t lhv1_utf8_invisible(const uint8_t *p, size_t n, uint32_t *cp)
{
    if (n >= 2 && p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
        *cp = p[1];
        return 2;
    }
    if (n >= 2 && p[0] == 0xD8 && p[1] == 0x9C) {
        *cp = 0x061C;
        return 2;
    }
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xA8 && p[2] <= 0xAE))) {
        *cp = 0x2000 + (p[2] & 0x3F);
        return 3;
    }
    if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9) {
        *cp = 0x2040 + (p[2] & 0x3F);
        return 3;
    }
    return 0;
}
