/* Byte views and growable buffers shared by every liblhv1 concern. */
#ifndef LHV1_BYTES_H
#define LHV1_BYTES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A borrowed view: never owns its memory. */
typedef struct lhv1_bytes {
    const uint8_t *data;
    size_t len;
} lhv1_bytes;

/* A growable output buffer. `failed` latches on allocation failure so
 * writers can append without checking each call; check it once at the end. */
typedef struct lhv1_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    int failed;
} lhv1_buf;

void lhv1_buf_init(lhv1_buf *b);
void lhv1_buf_free(lhv1_buf *b);
void lhv1_buf_reset(lhv1_buf *b);
int lhv1_buf_append(lhv1_buf *b, const void *p, size_t n);
/* Makes room for `extra` more bytes at once (one allocation instead of
 * doublings when the final size is known). 0, or -1 and b->failed set. */
int lhv1_buf_reserve(lhv1_buf *b, size_t extra);
int lhv1_buf_putc(lhv1_buf *b, uint8_t c);
int lhv1_buf_puts(lhv1_buf *b, const char *s);
int lhv1_buf_printf(lhv1_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Bytewise comparison (memcmp order, shorter prefix first), as Go's
 * bytes.Compare and sort.Strings order them. */
int lhv1_bytes_cmp(lhv1_bytes a, lhv1_bytes b);
int lhv1_bytes_eq(lhv1_bytes a, lhv1_bytes b);
lhv1_bytes lhv1_bytes_str(const char *s);

#ifdef __cplusplus
}
#endif
#endif
