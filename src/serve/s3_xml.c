/* XML and date text for S3 replies. */
#include <stdio.h>
#include <time.h>

#include "serve.h"

/* XML 1.0 cannot carry most control characters even as references; S3
 * itself asks clients to use encoding-type=url for such keys. They are
 * written as references here so that nothing is silently dropped. */
void xml_escape(lhv1_buf *b, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        switch (c) {
        case '<': lhv1_buf_puts(b, "&lt;"); break;
        case '>': lhv1_buf_puts(b, "&gt;"); break;
        case '&': lhv1_buf_puts(b, "&amp;"); break;
        case '"': lhv1_buf_puts(b, "&quot;"); break;
        case '\'': lhv1_buf_puts(b, "&apos;"); break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n')
                lhv1_buf_printf(b, "&#%u;", c);
            else
                lhv1_buf_putc(b, c);
        }
    }
}

/* encoding-type=url: every byte but the unreserved ones and '/' escaped. */
void xml_url_escape(lhv1_buf *b, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || c == '/')
            lhv1_buf_putc(b, c);
        else
            lhv1_buf_printf(b, "%%%02X", c);
    }
}

void xml_time(lhv1_buf *b, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    char s[64];
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    lhv1_buf_puts(b, s);
}

void http_time(char *out, size_t n, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void xml_element(lhv1_buf *b, const char *tag, int url, const uint8_t *s, size_t n)
{
    lhv1_buf_printf(b, "<%s>", tag);
    if (url)
        xml_url_escape(b, s, n);
    else
        xml_escape(b, s, n);
    lhv1_buf_printf(b, "</%s>", tag);
}
