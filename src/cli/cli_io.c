/* File I/O for the CLI: whole files in (bounded), whole files out, errors
 * named. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cli.h"
#include "s3_store.h"
#include "lhv1/frame.h"
#include "lhv1/lhv2.h"
#include "lhv1/verdict.h"

void cli_error_in(const char *who, const char *subject, const char *what)
{
    fprintf(stderr, "%s: ", who);
    cli_path(stderr, subject);
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

static void status_rest(FILE *f, const lhv1_status *st)
{
    if (st->verdict == LHV1_OK) {
        fputs(": ok\n", f);
        return;
    }
    fprintf(f, ": %s: %s: ", lhv1_verdict_name(st->verdict), lhv1_reason_code(st->reason));
    cli_text_str(f, st->message, NULL);
    fputc('\n', f);
}

void cli_status_line(FILE *f, const char *path, const lhv1_status *st)
{
    cli_path(f, path);
    status_rest(f, st);
}

void cli_status_line_n(FILE *f, const void *path, size_t n, const lhv1_status *st)
{
    cli_text(f, path, n, ":");
    status_rest(f, st);
}

uint64_t cli_max_object = LHV1_S3_MAX_OBJECT_DEFAULT;

int cli_parse_count(const char *opt, const char *value, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = value[0] >= '0' && value[0] <= '9' ? strtoull(value, &end, 10) : 0;
    if (v == 0 || errno || *end) {
        fprintf(stderr, "lhv1: %s takes a whole number above 0, not \"", opt);
        cli_text_str(stderr, value, "\"");
        fputs("\"\n", stderr);
        return -1;
    }
    *out = v;
    return 0;
}

/* A file being read into one growing buffer. */
typedef struct reader {
    int fd;
    uint8_t *buf;
    size_t n, cap;
} reader;

/* More room: the capacity doubles (from 64 KiB), never past max_cap. */
static int reader_more(reader *r, size_t max_cap)
{
    size_t cap = r->cap < (1 << 16) ? (1 << 16) : r->cap > SIZE_MAX / 2 ? SIZE_MAX : r->cap * 2;
    if (cap > max_cap)
        cap = max_cap;
    uint8_t *b = cap > r->cap ? lhv1_realloc(r->buf, cap) : NULL;
    if (!b)
        return -1;
    r->buf = b;
    r->cap = cap;
    return 0;
}

/* Room for exactly `want` bytes in all, in one allocation. */
static int reader_reserve(reader *r, size_t want)
{
    if (r->cap >= want)
        return 0;
    uint8_t *b = lhv1_realloc(r->buf, want);
    if (!b)
        return -1;
    r->buf = b;
    r->cap = want;
    return 0;
}

/* Reads until `upto` bytes are held or the file ends. 0, or -1 with errno
 * (ENOMEM when memory ran out). */
static int reader_fill(reader *r, size_t upto)
{
    while (r->n < upto) {
        if (r->n == r->cap && reader_more(r, upto) < 0) {
            errno = ENOMEM;
            return -1;
        }
        ssize_t k = read(r->fd, r->buf + r->n, r->cap - r->n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            return 0;
        r->n += (size_t)k;
    }
    return 0;
}

static int too_large(const char *path, const char *how)
{
    char what[200];
    snprintf(what, sizeof what,
             "%s %llu bytes, the largest object read (--max-object-size): not judged", how,
             (unsigned long long)cli_max_object);
    cli_error(path, what);
    return -1;
}

static uint64_t be_bytes(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* A stream (FIFO, pipe, device: no size known before its end) that holds
 * an LHV2 header: the bytes its verdict depends on, at most. Fewer than
 * 24 (lhv2-too-short), the header's own CRC wrong (lhv2-header-checksum):
 * no further byte changes the verdict; else the length it declares and one
 * byte more (a longer stream is lhv2-length-mismatch, whatever follows).
 * 0 with *upto set; -1 (errno) on a read error; 1 when the declared length
 * is over limit (*upto the declared length). */
static int lhv2_stream_upto(reader *r, size_t limit, uint64_t *upto)
{
    if (reader_fill(r, LHV2_OVERHEAD) < 0)
        return -1;
    *upto = r->n;
    if (r->n < LHV2_OVERHEAD || lhv1_crc32c(r->buf, 16) != (uint32_t)be_bytes(r->buf + 16, 4))
        return 0;
    uint64_t graph_len = be_bytes(r->buf + 8, 8);
    if (graph_len > limit) {
        *upto = graph_len;
        return 1;
    }
    *upto = LHV2_OVERHEAD + be_bytes(r->buf + 4, 4) + graph_len;
    if (*upto > limit)
        return 1;
    *upto += 1;
    return 0;
}

/* A whole file of at most cli_max_object bytes. by_frame: an object, read
 * by its frame's own lengths: its first 8 bytes decide whether it is an
 * LHV1 or LHV2 object at all; if they do not (too short, another magic) no
 * more is read, since no further byte changes the verdict (bad-format); a
 * stream holding an LHV2 header is read no further than that header
 * declares (lhv2_stream_upto). LHV1 declares no length for its graph: an
 * LHV1 stream is read to its end or the bound. */
static int read_bounded(const char *path, int by_frame, uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    reader r = {.fd = open(path, O_RDONLY | O_CLOEXEC)};
    if (r.fd < 0) {
        cli_error(path, strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(r.fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        cli_error(path, "is a directory");
        close(r.fd);
        return -1;
    }
    size_t limit = cli_max_object < SIZE_MAX ? (size_t)cli_max_object : SIZE_MAX - 1;
    int regular = S_ISREG(sb.st_mode) && sb.st_size >= 0;
    int rc = 0;
    if (by_frame)
        rc = reader_fill(&r, LHV1_HEADER_LEN);
    int decided = by_frame && rc == 0 &&
                  (r.n < LHV1_HEADER_LEN ||
                   (memcmp(r.buf, LHV1_MAGIC, 4) && memcmp(r.buf, LHV2_MAGIC, 4)));
    uint64_t upto = (uint64_t)limit + 1;
    if (rc == 0 && !decided && by_frame && !regular && !memcmp(r.buf, LHV2_MAGIC, 4)) {
        rc = lhv2_stream_upto(&r, limit, &upto);
        if (rc == 1) {
            char how[96];
            snprintf(how, sizeof how, "its LHV2 header declares %llu bytes, more than",
                     (unsigned long long)upto);
            close(r.fd);
            free(r.buf);
            return too_large(path, how);
        }
    }
    if (rc == 0 && !decided) {
        if (regular && (uint64_t)sb.st_size > limit) {
            char how[64];
            snprintf(how, sizeof how, "%lld bytes, more than", (long long)sb.st_size);
            close(r.fd);
            lhv1_free(r.buf);
            return too_large(path, how);
        }
        /* A regular file in one allocation; anything else grows. */
        if (regular && reader_reserve(&r, (size_t)sb.st_size + 1) < 0) {
            errno = ENOMEM;
            rc = -1;
        }
        if (rc == 0)
            rc = reader_fill(&r, (size_t)upto);
    }
    int err = errno;
    close(r.fd);
    if (rc == 0 && r.n > limit) {
        lhv1_free(r.buf);
        return too_large(path, "more than");
    }
    if (rc < 0) {
        cli_error(path, err == ENOMEM ? "out of memory: no verdict (the file was not judged)"
                                      : strerror(err));
        lhv1_free(r.buf);
        return -1;
    }
    /* the caller frees with lhv1_free(); an empty file still needs a block */
    *data = r.buf ? r.buf : lhv1_malloc(1);
    if (!*data) {
        cli_error(path, "out of memory: no verdict (the file was not judged)");
        return -1;
    }
    *len = r.n;
    return 0;
}

int cli_read_file(const char *path, uint8_t **data, size_t *len)
{
    return read_bounded(path, 0, data, len);
}

int cli_read_object(const char *path, uint8_t **data, size_t *len)
{
    return read_bounded(path, 1, data, len);
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

int cli_out_of_memory(const char *path)
{
    cli_error(path, "out of memory: no verdict (the file was not judged)");
    return EXIT_USAGE;
}
