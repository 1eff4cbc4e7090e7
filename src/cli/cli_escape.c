/* The one escaping of the lhv1 tool's output (README "Output escaping"):
 * every byte that comes from an input or a file name goes through here, so
 * no name, key or message can forge a line, move the terminal or break a
 * JSON consumer. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "internal.h"

/* Length of the valid UTF-8 sequence at p (Go's rules), or 0. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    size_t len = p[0] < 0x80 ? 1 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
    if (len > n || lhv1_utf8_invalid_at(p, len) != len)
        return 0;
    return len;
}

/* Where escaped text goes: a stream or a buffer. */
typedef struct sink {
    FILE *f;
    lhv1_buf *b;
} sink;

static void put(sink *s, const void *p, size_t n)
{
    if (s->f)
        fwrite(p, 1, n, s->f);
    else
        lhv1_buf_append(s->b, p, n);
}

static void put_hex(sink *s, uint8_t c)
{
    char x[5];
    snprintf(x, sizeof x, "\\x%02x", c);
    put(s, x, 4);
}

static void text(sink *s, const void *data, size_t n, const char *also)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        size_t len = utf8_seq(p + i, n - i);
        if (c == '\\') {
            put(s, "\\\\", 2);
        } else if (c == '\n') {
            put(s, "\\n", 2);
        } else if (c == '\r') {
            put(s, "\\r", 2);
        } else if (c == '\t') {
            put(s, "\\t", 2);
        } else if (c < 0x20 || c == 0x7F || (c < 0x80 && also && strchr(also, c))) {
            put_hex(s, c);
        } else if (c < 0x80 || (len && !lhv1_utf8_invisible(p + i, len, &(uint32_t){0}))) {
            put(s, p + i, len);
            i += len;
            continue;
        } else { /* not UTF-8, or a terminal-active character: every byte as \xHH */
            for (size_t k = 0; k < (len ? len : 1); k++)
                put_hex(s, p[i + k]);
            i += len ? len : 1;
            continue;
        }
        i++;
    }
}

void cli_text(FILE *f, const void *data, size_t n, const char *also)
{
    sink s = {f, NULL};
    text(&s, data, n, also);
}

void cli_text_buf(lhv1_buf *out, const void *data, size_t n, const char *also)
{
    sink s = {NULL, out};
    text(&s, data, n, also);
}

void cli_text_str(FILE *f, const char *s, const char *also)
{
    cli_text(f, s, strlen(s), also);
}

void cli_json(lhv1_buf *out, const void *data, size_t n)
{
    lhv1_json_key_append(out, (lhv1_bytes){data, n});
}

void cli_path(FILE *f, const char *path)
{
    /* "s3://" names no local file (cli_read_input), so a line's path that
     * begins with it is an S3 object's, and its ':' is no separator. */
    if (!strncmp(path, CLI_S3_SCHEME, strlen(CLI_S3_SCHEME))) {
        fputs(CLI_S3_SCHEME, f);
        path += strlen(CLI_S3_SCHEME);
    }
    cli_text_str(f, path, ":");
}
