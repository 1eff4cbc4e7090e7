/* The C plan reader on the lines of stdin, one answer a line:
 * "ok <the fault as lhv1_fault_format writes it>" or "refused <reason>".
 * compare_refusals.py puts it beside Go's reader and lhv1 serve's rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1testing/fault_fields.h"

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = 0;
        lhv1_fault f;
        char why[512], text[512];
        if (lhv1_fault_parse(line, &f, why, sizeof why) == 0) {
            lhv1_fault_format(&f, text, sizeof text);
            printf("ok %s\n", text);
        } else {
            printf("refused %s\n", why);
        }
    }
    free(line);
    return ferror(stdin) ? 2 : 0;
}
