/* aws-chunked decoding (see aws_chunked.h). */
#include "aws_chunked.h"
#include "fail_why.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void aws_chunked_init(aws_chunked *c)
{
    memset(c, 0, sizeof *c);
    lhv1_buf_init(&c->payload);
}

void aws_chunked_free(aws_chunked *c)
{
    lhv1_buf_free(&c->payload);
    free(c->sigs);
    c->sigs = NULL;
    c->n_sigs = 0;
}

/* RFC 9110 token characters. */
static int is_tchar(uint8_t c)
{
    return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The line starting at *pos (without its CRLF); advances past the CRLF.
 * NULL when no CRLF follows within `max` bytes. */
static const uint8_t *take_line(const uint8_t *b, size_t len, size_t *pos, size_t max,
                                size_t *line_len)
{
    size_t start = *pos;
    for (size_t i = 0; i < max && start + i + 1 < len; i++) {
        if (b[start + i] == '\r' && b[start + i + 1] == '\n') {
            *line_len = i;
            *pos = start + i + 2;
            return b + start;
        }
    }
    return NULL;
}

static int add_sig(aws_chunked *c, size_t off, size_t n, const uint8_t *ext, size_t ext_len)
{
    if (c->n_sigs == AWS_CHUNKED_MAX_SIGS)
        return -1;
    if (!c->sigs) {
        c->sigs = calloc(16, sizeof *c->sigs);
        if (!c->sigs)
            return -1;
    } else if ((c->n_sigs & (c->n_sigs - 1)) == 0 && c->n_sigs >= 16) {
        aws_chunk_sig *p = realloc(c->sigs, 2 * c->n_sigs * sizeof *p);
        if (!p)
            return -1;
        c->sigs = p;
    }
    aws_chunk_sig *s = &c->sigs[c->n_sigs++];
    memset(s, 0, sizeof *s);
    s->off = off;
    s->len = n;
    static const char key[] = "chunk-signature=";
    if (ext_len > sizeof key - 1 && !memcmp(ext, key, sizeof key - 1)) {
        size_t sl = ext_len - (sizeof key - 1);
        if (sl >= sizeof s->sig)
            return -1;
        for (size_t i = 0; i < sl; i++)
            if (!isgraph(ext[sizeof key - 1 + i]))
                return -1; /* a NUL would cut it short */
        memcpy(s->sig, ext + sizeof key - 1, sl);
    }
    return 0;
}

int aws_chunked_decode(aws_chunked *c, const uint8_t *b, size_t len, char *why,
                       size_t why_len)
{
    size_t pos = 0;
    for (;;) {
        size_t ll;
        const uint8_t *line = take_line(b, len, &pos, 4096, &ll);
        if (!line)
            return lhv1_fail_why(why, why_len,
                                 "aws-chunked: chunk header without CRLF at byte %zu", pos);
        size_t i = 0;
        uint64_t n = 0;
        while (i < ll && isxdigit(line[i])) {
            if (n > (UINT64_C(1) << 40))
                return lhv1_fail_why(why, why_len, "aws-chunked: chunk size too large");
            int d = isdigit(line[i]) ? line[i] - '0' : (tolower(line[i]) - 'a' + 10);
            n = n * 16 + (uint64_t)d;
            i++;
        }
        if (i == 0)
            return lhv1_fail_why(why, why_len, "aws-chunked: chunk header has no hex size");
        const uint8_t *ext = NULL;
        size_t ext_len = 0;
        if (i < ll) {
            if (line[i] != ';')
                return lhv1_fail_why(why, why_len, "aws-chunked: junk after chunk size");
            ext = line + i + 1;
            ext_len = ll - i - 1;
        }
        if (n > len - pos)
            return lhv1_fail_why(why, why_len,
                                 "aws-chunked: chunk of %llu B but only %zu B left in the body",
                                 (unsigned long long)n, len - pos);
        if (add_sig(c, c->payload.len, (size_t)n, ext, ext_len) < 0)
            return lhv1_fail_why(why, why_len,
                                 "aws-chunked: bad chunk signature or too many chunks");
        if (n == 0)
            break;
        if (lhv1_buf_append(&c->payload, b + pos, (size_t)n) < 0)
            return lhv1_fail_why(why, why_len, "aws-chunked: out of memory");
        pos += (size_t)n;
        if (len - pos < 2 || b[pos] != '\r' || b[pos + 1] != '\n')
            return lhv1_fail_why(why, why_len, "aws-chunked: chunk data not followed by CRLF");
        pos += 2;
    }
    /* Trailers, then an empty line (tolerated missing at the very end). */
    while (pos < len) {
        size_t ll;
        const uint8_t *line = take_line(b, len, &pos, 512, &ll);
        if (!line)
            return lhv1_fail_why(why, why_len, "aws-chunked: trailer line without CRLF");
        if (ll == 0)
            break;
        const uint8_t *colon = memchr(line, ':', ll);
        if (!colon)
            return lhv1_fail_why(why, why_len, "aws-chunked: trailer without ':'");
        size_t nl = (size_t)(colon - line), vl = ll - nl - 1;
        const uint8_t *v = colon + 1;
        while (vl && (*v == ' ' || *v == '\t'))
            v++, vl--;
        while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            vl--;
        if (c->n_trailers == AWS_CHUNKED_MAX_TRAILERS || nl == 0 ||
            nl >= sizeof c->trailer_name[0] || vl >= sizeof c->trailer_value[0])
            return lhv1_fail_why(why, why_len, "aws-chunked: too many or too long trailers");
        /* Names are HTTP tokens, values visible text: a NUL would make a
         * name or value read shorter than it was sent. */
        for (size_t k = 0; k < nl; k++)
            if (!is_tchar(line[k]))
                return lhv1_fail_why(why, why_len, "aws-chunked: a trailer name is not a token");
        for (size_t k = 0; k < vl; k++)
            if (v[k] != '\t' && (v[k] < 0x20 || v[k] == 0x7f))
                return lhv1_fail_why(why, why_len,
                                     "aws-chunked: a trailer value holds a control byte");
        for (size_t k = 0; k < nl; k++)
            c->trailer_name[c->n_trailers][k] = (char)tolower(line[k]);
        c->trailer_name[c->n_trailers][nl] = 0;
        memcpy(c->trailer_value[c->n_trailers], v, vl);
        c->trailer_value[c->n_trailers][vl] = 0;
        c->n_trailers++;
    }
    if (pos != len)
        return lhv1_fail_why(why, why_len, "aws-chunked: %zu B after the final empty line",
                             len - pos);
    return 0;
}

const char *aws_chunked_trailer(const aws_chunked *c, const char *name)
{
    for (size_t i = 0; i < c->n_trailers; i++)
        if (!strcasecmp(c->trailer_name[i], name))
            return c->trailer_value[i];
    return NULL;
}
