#include "lhv1testing/golden_manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int read_file(const char *path, lhv1_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        lhv1_buf_append(out, chunk, n);
    int bad = ferror(f) || out->failed;
    fclose(f);
    return bad ? -1 : 0;
}

static char *slurp_text(const char *path)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    if (read_file(path, &b) != 0 || lhv1_buf_putc(&b, '\0') != 0) {
        lhv1_buf_free(&b);
        return NULL;
    }
    return (char *)b.data; /* ownership moves to the caller */
}

int manifest_read(const char *path, manifest *m, char *err, size_t err_len)
{
    memset(m, 0, sizeof *m);
    m->text = slurp_text(path);
    if (!m->text) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    int lineno = 0;
    for (char *line = m->text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *f[8];
        int k = 0;
        for (char *p = line; k < 8; k++) {
            f[k] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                k++;
                break;
            }
            *tab = '\0';
            p = tab + 1;
        }
        if (k != 8) {
            snprintf(err, err_len, "%s:%d: %d fields, want 8", path, lineno, k);
            return -1;
        }
        if (m->n == cap) {
            cap = cap ? cap * 2 : 64;
            golden_row *grown = realloc(m->rows, cap * sizeof *grown);
            if (!grown) {
                snprintf(err, err_len, "out of memory");
                return -1;
            }
            m->rows = grown;
        }
        golden_row *r = &m->rows[m->n++];
        *r = (golden_row){f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], ""};
        size_t len = strlen(r->file);
        if (len < 8 || r->file[1] != '_' || (strcmp(r->file + len - 5, ".lhv1") != 0 && strcmp(r->file + len - 5, ".lhv2") != 0) ||
            len - 7 >= sizeof r->name) {
            snprintf(err, err_len, "%s:%d: bad golden file name \"%s\"", path, lineno, r->file);
            return -1;
        }
        memcpy(r->name, r->file + 2, len - 7);
        r->name[len - 7] = '\0';
    }
    return 0;
}

void manifest_free(manifest *m)
{
    free(m->rows);
    free(m->text);
    memset(m, 0, sizeof *m);
}

int known_read(const char *path, known_list *k, char *err, size_t err_len)
{
    memset(k, 0, sizeof *k);
    k->text = slurp_text(path);
    if (!k->text) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
    for (char *line = k->text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *id = line + strspn(line, " \t");
        id[strcspn(id, " \t\r")] = '\0';
        if (*id == '\0')
            continue;
        if (k->n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(k->ids, cap * sizeof *grown);
            if (!grown) {
                snprintf(err, err_len, "out of memory");
                return -1;
            }
            k->ids = grown;
        }
        k->ids[k->n++] = id;
    }
    return 0;
}

int known_has(const known_list *k, const char *id)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->ids[i], id) == 0)
            return 1;
    return 0;
}

void known_free(known_list *k)
{
    free(k->ids);
    free(k->text);
    memset(k, 0, sizeof *k);
}
