/* Shared pieces of the lhv1 command-line tool. Exit codes: 0 success (all
 * ok), 1 a verdict other than ok, 2 usage or I/O error, or out of memory. */
#ifndef LHV1_CLI_H
#define LHV1_CLI_H

#include <stddef.h>
#include <stdint.h>

enum { EXIT_ALL_OK = 0, EXIT_NOT_OK = 1, EXIT_USAGE = 2 };

/* Out-of-memory is no verdict on the file: says so on stderr and returns
 * EXIT_USAGE (2), the exit of every error that is not the file's fault. */
int cli_out_of_memory(const char *path);

typedef int (*lhv1_cmd_fn)(int argc, char **argv);

/* Reads a whole file. Returns 0, or -1 after printing the error to stderr. */
int cli_read_file(const char *path, uint8_t **data, size_t *len);
/* Writes a whole file (or stdout for "-"). Returns 0 or -1 with a message. */
int cli_write_file(const char *path, const uint8_t *data, size_t len);
/* True when argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);

int cmd_verify(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_frame(int argc, char **argv);
int cmd_unframe(int argc, char **argv);
int cmd_campaign(int argc, char **argv);

#endif
