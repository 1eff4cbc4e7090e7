/* File I/O for the CLI: whole files in, whole files out, errors named. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "lhv1/verdict.h"

void cli_error_in(const char *who, const char *subject, const char *what)
{
    fprintf(stderr, "%s: ", who);
    cli_text_str(stderr, subject, ":");
    fputs(": ", stderr);
    cli_text_str(stderr, what, NULL);
    fputc('\n', stderr);
}

void cli_error(const char *path, const char *what)
{
    cli_error_in("lhv1", path, what);
}

void cli_bad_option(const char *cmd, char **argv, int argc)
{
    fprintf(stderr, "lhv1 %s: bad option or missing value: \"", cmd);
    if (optopt > 0x20 && optopt < 0x7F)
        fprintf(stderr, "-%c", optopt);
    else if (optind > 1 && optind - 1 < argc)
        cli_text_str(stderr, argv[optind - 1], "\"");
    fputs("\"\n", stderr);
}

void cli_status_line(FILE *f, const char *path, const lhv1_status *st)
{
    cli_text_str(f, path, ":");
    if (st->verdict == LHV1_OK) {
        fputs(": ok\n", f);
        return;
    }
    fprintf(f, ": %s: %s: ", lhv1_verdict_name(st->verdict), lhv1_reason_code(st->reason));
    cli_text_str(f, st->message, NULL);
    fputc('\n', f);
}

int cli_read_file(const char *path, uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error(path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        cli_error(path, "is a directory");
        fclose(f);
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *bigger = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        cli_error(path, buf ? "read error" : "out of memory");
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

int cli_write_file(const char *path, const uint8_t *data, size_t len)
{
    int to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "wb");
    if (!f) {
        cli_error(path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    ok = (to_stdout ? fflush(f) : fclose(f)) == 0 && ok;
    if (!ok) {
        cli_error(path, "write error");
        return -1;
    }
    return 0;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

int cli_out_of_memory(const char *path)
{
    cli_error(path, "out of memory: no verdict (the file was not judged)");
    return EXIT_USAGE;
}
