/* Edits of one envelope value inside a valid frame
 * (lhv1testing/envelope_edits.h). The envelope's text is scanned for its
 * tokens (keys, strings, numbers) without being parsed, so a text that is
 * no longer JSON is still edited; one token is replaced, and the object is
 * framed again with the graph bytes untouched: the envelope may grow or
 * shrink, which byte mutation of a whole object cannot do without breaking
 * the frame's length. */
#include "lhv1testing/envelope_edits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1/frame.h"
#include "lhv1testing/prng.h"

enum { TOKEN_NUMBER, TOKEN_STRING, TOKEN_KEY };

typedef struct token {
    size_t at, len; /* a string's span includes its quotes */
    int kind;
} token;

static int is_number_byte(uint8_t c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* The n-th token of the text (n < 0: count them); returns the count seen. */
static size_t scan(const uint8_t *p, size_t n, size_t want, token *out)
{
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        token t = {i, 0, TOKEN_NUMBER};
        if (p[i] == '"') {
            size_t j = i + 1;
            while (j < n && p[j] != '"')
                j += p[j] == '\\' ? 2 : 1;
            t.len = (j < n ? j + 1 : n) - i;
            size_t k = i + t.len;
            while (k < n && (p[k] == ' ' || p[k] == '\n' || p[k] == '\t' || p[k] == '\r'))
                k++;
            t.kind = k < n && p[k] == ':' ? TOKEN_KEY : TOKEN_STRING;
        } else if (p[i] == '-' || (p[i] >= '0' && p[i] <= '9')) {
            size_t j = i;
            while (j < n && is_number_byte(p[j]))
                j++;
            t.len = j - i;
        } else {
            continue;
        }
        if (seen++ == want && out)
            *out = t;
        i += t.len - 1;
    }
    return seen;
}

static const char *const numbers[] = {
    "0", "-0", "1", "-1", "2", "1.0", "1e0", "1E2", "0.5", "-2147483649", "2147483648",
    "4294967296", "9007199254740992", "9007199254740993", "-9223372036854775808",
    "9223372036854775808", "18446744073709551616", "1e308", "1e309", "4.9e-324", "00", "1.",
};

static const char *const strings[] = {
    "", "cosine", "euclidean", "COSINE", "\\u0063osine", "x", " ", "\\u00e9", "\\ud83d\\ude00",
    "\\/", "\\\"", "\\\\", "\\t",
};

/* A replacement for the token's text `s` (len bytes, quotes included for
 * strings and keys) in `r` (at most cap bytes); returns its length. */
static size_t replace(const uint8_t *s, size_t len, int kind, uint64_t *seed,
                      lhv1_bytes_mutator mutate, void *ctx, uint8_t *r, size_t cap)
{
    /* A string's content, without its quotes (when it has both). */
    const uint8_t *body = s;
    size_t blen = len;
    if (kind != TOKEN_NUMBER && len >= 2) {
        body = s + 1;
        blen = len - 2;
    }
    size_t n = 0;
#define PUT(p, k)                                                                                  \
    do {                                                                                           \
        size_t k_ = (k);                                                                           \
        if (n + k_ > cap)                                                                          \
            k_ = cap - n;                                                                          \
        memcpy(r + n, (p), k_);                                                                    \
        n += k_;                                                                                   \
    } while (0)
    const char *q = kind == TOKEN_NUMBER ? "" : "\"";
    PUT(q, strlen(q));
    size_t how = (size_t)lhv1_prng_below(seed, 5);
    if (kind == TOKEN_NUMBER && how == 0) {
        const char *v = numbers[lhv1_prng_below(seed, sizeof numbers / sizeof *numbers)];
        PUT(v, strlen(v));
    } else if (kind == TOKEN_NUMBER && how == 1) { /* a fraction or an exponent */
        static const char *const tails[] = {".0", ".5", "e0", "E+1", "e-1", ".000000000000000000001"};
        PUT(body, blen);
        const char *t = tails[lhv1_prng_below(seed, sizeof tails / sizeof *tails)];
        PUT(t, strlen(t));
    } else if (kind != TOKEN_NUMBER && how == 0) {
        const char *v = strings[lhv1_prng_below(seed, sizeof strings / sizeof *strings)];
        PUT(v, strlen(v));
    } else if (kind != TOKEN_NUMBER && how == 1 && blen) {
        /* Another spelling Go's key folding or a decoder may treat alike:
         * one letter's case changed, or s/k as U+017F / U+212A. */
        size_t at = (size_t)lhv1_prng_below(seed, blen);
        PUT(body, at);
        uint8_t c = body[at];
        if ((c == 's' || c == 'S') && lhv1_prng_below(seed, 2))
            PUT("\xc5\xbf", 2);
        else if ((c == 'k' || c == 'K') && lhv1_prng_below(seed, 2))
            PUT("\xe2\x84\xaa", 3);
        else {
            uint8_t d = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ? c ^ 0x20 : c;
            PUT(&d, 1);
        }
        PUT(body + at + 1, blen - at - 1);
    } else if (how == 2 && blen) {
        /* Longer: one of its bytes repeated, 1 to 64 times, in place. */
        size_t at = (size_t)lhv1_prng_below(seed, blen);
        size_t times = 1 + (size_t)lhv1_prng_below(seed, 64);
        PUT(body, at + 1);
        for (size_t i = 0; i < times; i++)
            PUT(body + at, 1);
        PUT(body + at + 1, blen - at - 1);
    } else if (how == 3 && blen > 1) {
        /* Shorter: a run of it dropped. */
        size_t at = (size_t)lhv1_prng_below(seed, blen);
        size_t cut = 1 + (size_t)lhv1_prng_below(seed, blen - at);
        PUT(body, at);
        PUT(body + at + cut, blen - at - cut);
    } else {
        /* The engine's byte mutation, on this token alone. */
        size_t room = blen + 16 < cap - n - 1 ? blen + 16 : cap - n - 1;
        memcpy(r + n, body, blen < room ? blen : room);
        n += mutate(r + n, blen < room ? blen : room, room, ctx);
    }
    PUT(q, strlen(q));
#undef PUT
    return n;
}

int lhv1_edit_envelope_value(const uint8_t *obj, size_t len, uint64_t seed,
                             lhv1_bytes_mutator mutate, void *mutate_ctx, lhv1_buf *out)
{
    lhv1_bytes env, graph;
    lhv1_status st;
    if (lhv1_unframe(obj, len, &env, &graph, &st) != 0)
        return -1;
    size_t count = scan(env.data, env.len, SIZE_MAX, NULL);
    if (!count)
        return -1;
    uint64_t s = seed;
    token t;
    scan(env.data, env.len, (size_t)lhv1_prng_below(&s, count), &t);
    /* A token grows by at most 64 repeated bytes or 16 mutated ones, plus
     * a replacement of at most 32. */
    size_t cap = t.len + 96;
    uint8_t *r = malloc(cap);
    if (!r)
        return -1;
    size_t rlen = replace(env.data + t.at, t.len, t.kind, &s, mutate, mutate_ctx, r, cap);
    lhv1_buf text;
    lhv1_buf_init(&text);
    lhv1_buf_append(&text, env.data, t.at);
    lhv1_buf_append(&text, r, rlen);
    lhv1_buf_append(&text, env.data + t.at + t.len, env.len - t.at - t.len);
    free(r);
    int rc = text.failed ||
                     lhv1_frame((lhv1_bytes){text.data, text.len}, graph, out, &st) != 0 ||
                     out->failed
                 ? -1
                 : 0;
    lhv1_buf_free(&text);
    return rc;
}
