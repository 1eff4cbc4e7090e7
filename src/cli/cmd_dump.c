/* lhv1 dump FILE: the canonical dump (FORMAT.md section 6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lhv1/index.h"

static const char help[] =
    "usage: lhv1 dump [--name NAME] [--endpoint URL] [--max-object-size BYTES] FILE\n"
    "Prints the canonical JSON dump of FILE (defined for ok and inconsistent\n"
    "objects). Exit 0 when the verdict is ok, 1 when it is not (the dump is\n"
    "still printed for inconsistent objects), 2 on usage or I/O error or out of\n"
    "memory.\n"
    "FILE s3://BUCKET/KEY is read from the S3 endpoint --endpoint URL.\n"
    "No more than BYTES (default 1073741824) is read, as lhv1 verify.\n";

int cmd_dump(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return EXIT_ALL_OK;
    }
    const char *name = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--endpoint") == 0 && i + 1 < argc)
            cli_endpoint = argv[++i];
        else if (strcmp(argv[i], "--max-object-size") == 0 && i + 1 < argc) {
            if (cli_parse_count("--max-object-size", argv[++i], &cli_max_object) < 0)
                return EXIT_USAGE;
        }
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else {
            fputs(help, stderr);
            return EXIT_USAGE;
        }
    }
    if (!path) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    uint8_t *data;
    size_t len;
    if (cli_read_input(path, &data, &len) != 0)
        return EXIT_USAGE;
    lhv1_index idx;
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load_any(data, len, name, &idx, NULL, &st);
    if (v == LHV1_OUT_OF_MEMORY) {
        free(data);
        return cli_out_of_memory(path);
    }
    int rc = v == LHV1_OK ? EXIT_ALL_OK : EXIT_NOT_OK;
    if (v != LHV1_OK)
        cli_status_line(stderr, path, &st);
    if (idx.decoded) {
        lhv1_buf out;
        lhv1_buf_init(&out);
        if (lhv1_index_dump(&idx, &out) != 0)
            rc = cli_out_of_memory(path); /* a decoded index's dump fails only so */
        else if (cli_write_file("-", out.data, out.len) != 0)
            rc = EXIT_USAGE;
        lhv1_buf_free(&out);
    }
    lhv1_index_free(&idx);
    free(data);
    return rc;
}
