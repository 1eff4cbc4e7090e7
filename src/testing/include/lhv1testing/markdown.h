/* Text in the Markdown the reports and lhv1 scan write (GitHub-flavoured:
 * CI summaries render it). A cell may hold anything a testee, a bucket or
 * a file gave, so nothing in it may end the row, open another cell, or
 * become HTML, a link, emphasis or code when rendered. */
#ifndef LHV1TESTING_MARKDOWN_H
#define LHV1TESTING_MARKDOWN_H

#include <stddef.h>

#include "lhv1/bytes.h"

/* Text that renders as exactly its characters: the ASCII punctuation
 * Markdown or HTML acts on inline (\ ` * _ [ ] < > & | ~ $) behind a
 * backslash; every control byte (line ends included) as a space, since a
 * row is one line. Bytes from 0x80 up as they are: text that must show
 * them safely is escaped for the terminal first (lhv1 scan). */
void lhv1_md_text(lhv1_buf *out, const void *s, size_t n);
/* The same for a C string; NULL writes nothing. */
void lhv1_md_text_str(lhv1_buf *out, const char *s);
/* The inside of a code span (`...`) in a table cell, where backslashes
 * show as they are: '|' as \| (the table's own escape), '`' as ', control
 * bytes as spaces. NULL writes nothing. */
void lhv1_md_code_str(lhv1_buf *out, const char *s);

#endif
