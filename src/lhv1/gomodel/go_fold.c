/* How Go's encoding/json (Go 1.26, fold.go and decode.go) matches an object
 * key onto a struct field: the exact name first, else the name folded by
 * foldName: ASCII letters to upper case, every other rune to the smallest
 * rune of its unicode.SimpleFold orbit. The only non-ASCII runes whose
 * orbit holds an ASCII letter are U+017F (long s, folds to 'S') and U+212A
 * (Kelvin sign, folds to 'K'); U+0130 and U+0131 are orbits of their own.
 * The schema's field names are ASCII, so any other non-ASCII rune, and any
 * invalid byte (read as U+FFFD), cannot match. */
#include "json_lex.h"

static int upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

int lhv1_go_key_matches(const uint8_t *key, size_t len, const char *field)
{
    size_t i = 0;
    for (; *field; field++) {
        if (i == len)
            return 0;
        int got;
        if (key[i] < 0x80) {
            got = upper(key[i]);
            i++;
        } else if (len - i >= 2 && key[i] == 0xC5 && key[i + 1] == 0xBF) {
            got = 'S';
            i += 2;
        } else if (len - i >= 3 && key[i] == 0xE2 && key[i + 1] == 0x84 && key[i + 2] == 0xAA) {
            got = 'K';
            i += 3;
        } else {
            return 0;
        }
        if (got != upper((unsigned char)*field))
            return 0;
    }
    return i == len;
}
