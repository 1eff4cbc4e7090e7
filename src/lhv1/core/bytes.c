/* Byte views and the growable output buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "lhv1/bytes.h"

void lhv1_buf_init(lhv1_buf *b) { memset(b, 0, sizeof *b); }

void lhv1_buf_free(lhv1_buf *b)
{
    lhv1_free(b->data);
    lhv1_buf_init(b);
}

void lhv1_buf_reset(lhv1_buf *b)
{
    b->len = 0;
    b->failed = 0;
}

static int buf_reserve(lhv1_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra <= b->cap - b->len)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->failed = 1;
        return -1;
    }
    size_t want = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap *= 2;
    uint8_t *p = lhv1_realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int lhv1_buf_reserve(lhv1_buf *b, size_t extra) { return buf_reserve(b, extra); }

int lhv1_buf_append(lhv1_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return b->failed ? -1 : 0;
    if (buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int lhv1_buf_putc(lhv1_buf *b, uint8_t c) { return lhv1_buf_append(b, &c, 1); }

int lhv1_buf_puts(lhv1_buf *b, const char *s) { return lhv1_buf_append(b, s, strlen(s)); }

int lhv1_buf_printf(lhv1_buf *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return -1;
    }
    if ((size_t)n < sizeof small)
        return lhv1_buf_append(b, small, (size_t)n);
    if (buf_reserve(b, (size_t)n + 1) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

/* The order of 8 bytes at a and at b, compared as big-endian words: 0 when
 * equal, else -1 or 1. */
static inline int word_cmp(const uint8_t *a, const uint8_t *b)
{
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    if (x == y)
        return 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x);
    y = __builtin_bswap64(y);
#endif
    return x < y ? -1 : 1;
}

int lhv1_bytes_cmp(lhv1_bytes a, lhv1_bytes b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    /* Keys of a graph mostly differ in their first 8 bytes: compared as
     * one big-endian word, no call. */
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        int c = word_cmp(a.data + i, b.data + i);
        if (c != 0)
            return c;
    }
    if (n >= 8 && i < n) { /* the tail: the last 8 bytes, the overlap is equal */
        int c = word_cmp(a.data + n - 8, b.data + n - 8);
        if (c != 0)
            return c;
        i = n;
    }
    int c = n > i ? memcmp(a.data + i, b.data + i, n - i) : 0;
    if (c != 0)
        return c < 0 ? -1 : 1;
    return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

int lhv1_bytes_eq(lhv1_bytes a, lhv1_bytes b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

lhv1_bytes lhv1_bytes_str(const char *s)
{
    lhv1_bytes b = {(const uint8_t *)s, s ? strlen(s) : 0};
    return b;
}

int lhv1_array_grow(void *items, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return 0;
    size_t want = *cap ? *cap : first;
    if (*cap) {
        if (*cap > SIZE_MAX / 2 / size)
            return -1;
        want = *cap * 2;
    } else if (first > SIZE_MAX / size) {
        return -1;
    }
    void *old;
    memcpy(&old, items, sizeof old);
    void *p = lhv1_realloc(old, want * size);
    if (!p)
        return -1;
    memcpy(items, &p, sizeof p);
    *cap = want;
    return 0;
}
