/* aws_chunked: the aws-chunked decoder of `lhv1 serve` (src/serve/
 * aws_chunked.c) on any body. ASan watches every read; the oracles: a
 * decoded body's chunks tile its payload in order and end with an empty
 * one, trailer names are non-empty lowercase without ':', and encoding the
 * chunks, their signatures and trailers again decodes to the same. */
#include <stdio.h>
#include <string.h>

#include "aws_chunked.h"
#include "fuzz_helpers.h"

static void encode(const aws_chunked *c, lhv1_buf *b)
{
    for (size_t i = 0; i < c->n_sigs; i++) {
        const aws_chunk_sig *s = &c->sigs[i];
        lhv1_buf_printf(b, "%zx", s->len);
        if (s->sig[0])
            lhv1_buf_printf(b, ";chunk-signature=%s", s->sig);
        lhv1_buf_puts(b, "\r\n");
        if (s->len) {
            lhv1_buf_append(b, c->payload.data + s->off, s->len);
            lhv1_buf_puts(b, "\r\n");
        }
    }
    for (size_t i = 0; i < c->n_trailers; i++)
        lhv1_buf_printf(b, "%s:%s\r\n", c->trailer_name[i], c->trailer_value[i]);
    lhv1_buf_puts(b, "\r\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aws_chunked c, d;
    aws_chunked_init(&c);
    aws_chunked_init(&d);
    char why[160];
    if (aws_chunked_decode(&c, data, size, why, sizeof why) < 0) {
        FUZZ_ASSERT(why[0] != 0);
        aws_chunked_free(&c);
        return 0;
    }
    FUZZ_ASSERT(c.n_sigs >= 1 && c.sigs[c.n_sigs - 1].len == 0);
    size_t off = 0;
    for (size_t i = 0; i < c.n_sigs; i++) {
        FUZZ_ASSERT(c.sigs[i].off == off);
        FUZZ_ASSERT(i + 1 == c.n_sigs || c.sigs[i].len > 0);
        off += c.sigs[i].len;
    }
    FUZZ_ASSERT(off == c.payload.len && off <= size);
    for (size_t i = 0; i < c.n_trailers; i++) {
        const char *n = c.trailer_name[i];
        FUZZ_ASSERT(n[0] && !strchr(n, ':'));
        for (const char *p = n; *p; p++)
            FUZZ_ASSERT(!(*p >= 'A' && *p <= 'Z'));
        FUZZ_ASSERT(aws_chunked_trailer(&c, n) != NULL);
    }
    lhv1_buf b;
    lhv1_buf_init(&b);
    encode(&c, &b);
    FUZZ_ASSERT(!b.failed);
    FUZZ_ASSERT_MSG(aws_chunked_decode(&d, b.data, b.len, why, sizeof why) == 0, "%s", why);
    FUZZ_ASSERT(d.payload.len == c.payload.len &&
                (c.payload.len == 0 || !memcmp(d.payload.data, c.payload.data, c.payload.len)));
    FUZZ_ASSERT(d.n_sigs == c.n_sigs && d.n_trailers == c.n_trailers);
    for (size_t i = 0; i < c.n_sigs; i++)
        FUZZ_ASSERT(d.sigs[i].len == c.sigs[i].len && !strcmp(d.sigs[i].sig, c.sigs[i].sig));
    for (size_t i = 0; i < c.n_trailers; i++)
        FUZZ_ASSERT(!strcmp(d.trailer_name[i], c.trailer_name[i]) &&
                    !strcmp(d.trailer_value[i], c.trailer_value[i]));
    lhv1_buf_free(&b);
    aws_chunked_free(&c);
    aws_chunked_free(&d);
    return 0;
}
