/* Markdown cells (lhv1testing/markdown.h). */
#include "lhv1testing/markdown.h"

#include <string.h>

/* CommonMark lets a backslash escape any ASCII punctuation; these are the
 * ones that start something inline in GitHub's renderer. */
static const char active[] = "\\`*_[]<>&|~$";

void lhv1_md_text(lhv1_buf *out, const void *s, size_t n)
{
    const uint8_t *p = s;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F) {
            lhv1_buf_putc(out, ' ');
            continue;
        }
        if (p[i] && strchr(active, p[i]))
            lhv1_buf_putc(out, '\\');
        lhv1_buf_putc(out, p[i]);
    }
}

void lhv1_md_text_str(lhv1_buf *out, const char *s)
{
    if (s)
        lhv1_md_text(out, s, strlen(s));
}

void lhv1_md_code_str(lhv1_buf *out, const char *s)
{
    for (; s && *s; s++) {
        uint8_t c = (uint8_t)*s;
        if (c == '|')
            lhv1_buf_puts(out, "\\|");
        else if (c == '`')
            lhv1_buf_putc(out, '\'');
        else
            lhv1_buf_putc(out, c < 0x20 || c == 0x7F ? ' ' : c);
    }
}
