/* Failure lists of lhv1 conform (lhv1testing/conform.h): read, looked up. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1testing/conform.h"
#include "lhv1testing/golden_manifest.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static char *trim_end(char *s)
{
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

int lhv1_failure_list_parse(char *text, lhv1_failure_list *l, char *err, size_t err_len)
{
    memset(l, 0, sizeof *l);
    l->text = text;
    size_t cap = 0;
    int lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        char *name = line + strspn(line, " \t");
        if (*name == '#' || *trim_end(name) == '\0')
            continue;
        char *end = name;
        while (*end && !is_space(*end))
            end++;
        const char *message = NULL;
        if (*end) {
            *end++ = '\0';
            char *rest = end + strspn(end, " \t");
            if (*rest == '#') {
                rest += 1 + strspn(rest + 1, " \t");
                message = *trim_end(rest) ? rest : NULL;
            } else if (*rest) {
                snprintf(err, err_len, "line %d: text after the case name that is not '# message'",
                         lineno);
                goto fail;
            }
        }
        if (lhv1_failure_list_find(l, name)) {
            snprintf(err, err_len, "line %d: %s is listed twice", lineno, name);
            goto fail;
        }
        if (l->n == cap) {
            cap = cap ? cap * 2 : 32;
            lhv1_failure_entry *grown = realloc(l->e, cap * sizeof *grown);
            if (!grown) {
                snprintf(err, err_len, "out of memory");
                goto fail;
            }
            l->e = grown;
        }
        l->e[l->n++] = (lhv1_failure_entry){name, message, 0};
    }
    return 0;
fail:
    lhv1_failure_list_free(l);
    return -1;
}

int lhv1_failure_list_read(const char *path, lhv1_failure_list *l, char *err, size_t err_len)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    if (read_file(path, &b) != 0 || lhv1_buf_putc(&b, '\0') != 0) {
        snprintf(err, err_len, "%s: %s", path, errno ? strerror(errno) : "cannot read");
        lhv1_buf_free(&b);
        memset(l, 0, sizeof *l);
        return -1;
    }
    char inner[256];
    if (lhv1_failure_list_parse((char *)b.data, l, inner, sizeof inner) != 0) {
        snprintf(err, err_len, "%s: %s", path, inner);
        return -1;
    }
    return 0;
}

lhv1_failure_entry *lhv1_failure_list_find(const lhv1_failure_list *l, const char *name)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (strcmp(l->e[i].name, name) == 0)
            return &l->e[i];
    return NULL;
}

void lhv1_failure_list_free(lhv1_failure_list *l)
{
    free(l->e);
    free(l->text);
    memset(l, 0, sizeof *l);
}
