/* The C plan reader on the lines of stdin, one answer a line:
 * "ok <the fault as lhv1_fault_format writes it, a place as written>" or
 * "refused <reason>".
 * compare_refusals.py puts it beside Go's reader and lhv1 serve's rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1testing/fault_fields.h"

/* The fault's "cut=0" or "bit=0" (a place leaves the number 0) as the
 * place, the way Go's Fault.String writes it. */
static void put_place(char *text, size_t cap, const lhv1_plan_offset *at)
{
    char place[128], rest[512];
    lhv1_plan_offset_format(at, place, sizeof place);
    char *eq = strstr(text, " cut=0");
    if (!eq)
        eq = strstr(text, " bit=0");
    if (!eq)
        return;
    snprintf(rest, sizeof rest, "%s", eq + 6);
    snprintf(eq + 5, cap - (size_t)(eq + 5 - text), "%s%s", place, rest);
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = 0;
        lhv1_fault f;
        lhv1_plan_offset at;
        char why[512], text[512];
        if (lhv1_fault_parse(line, &f, &at, why, sizeof why) == 0) {
            lhv1_fault_format(&f, text, sizeof text);
            if (at.n_steps)
                put_place(text, sizeof text, &at);
            printf("ok %s\n", text);
        } else {
            printf("refused %s\n", why);
        }
    }
    free(line);
    return ferror(stdin) ? 2 : 0;
}
