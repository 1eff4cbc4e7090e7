/* Shared pieces of the lhv1 command-line tool. Exit codes: 0 success (all
 * ok), 1 a verdict other than ok, 2 usage or I/O error, or out of memory. */
#ifndef LHV1_CLI_H
#define LHV1_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lhv1/bytes.h"
#include "lhv1/verdict.h"

enum { EXIT_ALL_OK = 0, EXIT_NOT_OK = 1, EXIT_USAGE = 2 };

/* Out-of-memory is no verdict on the file: says so on stderr and returns
 * EXIT_USAGE (2), the exit of every error that is not the file's fault. */
int cli_out_of_memory(const char *path);

typedef int (*lhv1_cmd_fn)(int argc, char **argv);

/* The most bytes the CLI reads as one object or file, local or s3://
 * (--max-object-size; default LHV1_S3_MAX_OBJECT_DEFAULT, s3_store.h). */
extern uint64_t cli_max_object;
/* A count option's value (--max-object-size, --max-keys): decimal, above 0.
 * 0, or -1 after naming the option and value on stderr. */
int cli_parse_count(const char *opt, const char *value, uint64_t *out);
/* Reads a whole file of at most cli_max_object bytes (more is an error:
 * not judged) into *data, which the caller frees with lhv1_free (liblhv1's
 * allocator, core/alloc.h, so that a test can fail it). Returns 0, or -1
 * after printing the error to stderr. */
int cli_read_file(const char *path, uint8_t **data, size_t *len);
/* An object: cli_read_file, except that when its first 8 bytes are not an
 * LHV1 or LHV2 header (fewer bytes, another magic) only they are read: the
 * verdict is bad-format whatever follows (/dev/zero, an endless FIFO). */
int cli_read_object(const char *path, uint8_t **data, size_t *len);
/* cli_read_object, or for "s3://BUCKET/KEY" a GET through the S3 client
 * store from cli_endpoint (--endpoint; credentials from AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY when set), at most cli_max_object bytes. Returns 0
 * (read), 1 when there is no such object (st: the verdict missing, as
 * lhv1 scan reports it), or -1 after printing the error to stderr. */
int cli_read_input(const char *path, uint8_t **data, size_t *len, lhv1_status *st);
#define CLI_S3_SCHEME "s3://"
extern const char *cli_endpoint;
/* Writes a whole file (or stdout for "-"). Returns 0 or -1 with a message. */
int cli_write_file(const char *path, const uint8_t *data, size_t len);
/* "<who>: <subject>: <what>" on stderr, subject and what escaped (':' too
 * in the subject, as cli_path); cli_error is who = "lhv1". */
void cli_error_in(const char *who, const char *subject, const char *what);
void cli_error(const char *path, const char *what);
/* '<path>: ok' or '<path>: <verdict>: <reason-code>: <message>', a line of
 * verify's text grammar: the path as cli_path, the message escaped. */
void cli_status_line(FILE *f, const char *path, const lhv1_status *st);
/* The same for a path of n bytes (a listed key may hold NUL). */
void cli_status_line_n(FILE *f, const void *path, size_t n, const lhv1_status *st);
/* After getopt_long returned '?' (with opterr = 0, since getopt would print
 * the argument raw): names the bad option, escaped. */
void cli_bad_option(const char *cmd, char **argv, int argc);

/* Output escaping (README "Output escaping"); every byte taken from an
 * input or a file name is printed through one of these.
 * Text: printable ASCII and printable UTF-8 as is; `\` `\n` `\r` `\t`; any
 * other byte (controls, DEL, not UTF-8, C1/bidi/line-separator characters)
 * and the ASCII characters in `also` (a field's separators) as `\xHH`. */
void cli_text(FILE *f, const void *data, size_t n, const char *also);
void cli_text_str(FILE *f, const char *s, const char *also);
/* A file argument as the first field of a line: escaped text with ':' as
 * \x3a, except that an s3:// URL keeps its "s3://" as it is. */
void cli_path(FILE *f, const char *path);
/* JSON: a string when the bytes are valid UTF-8, else {"hex":"..."}: the
 * dump's KEY (FORMAT.md section 6). */
void cli_json(lhv1_buf *out, const void *data, size_t n);
/* The text escaping appended to a buffer. */
void cli_text_buf(lhv1_buf *out, const void *data, size_t n, const char *also);

int cmd_verify(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_frame(int argc, char **argv);
int cmd_unframe(int argc, char **argv);
int cmd_campaign(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_testee(int argc, char **argv);
int cmd_conform(int argc, char **argv);

#endif
