/* lhv1 dump FILE: the canonical dump (FORMAT.md section 6). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "lhv1/index.h"

static const char help[] =
    "usage: lhv1 dump [--name NAME] [--endpoint URL] [--max-object-size BYTES] FILE\n"
    "Prints the canonical JSON dump of FILE (defined for ok and inconsistent\n"
    "objects). Exit 0 when the verdict is ok, 1 when it is not (the dump is\n"
    "still printed for inconsistent objects), 2 on usage or I/O error or out of\n"
    "memory.\n"
    "FILE s3://BUCKET/KEY is read from the S3 endpoint --endpoint URL; no such\n"
    "object is the verdict missing (exit 1, its line on stderr).\n"
    "No more than BYTES (default 1073741824) is read, as lhv1 verify.\n";

int cmd_dump(int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {"endpoint", required_argument, NULL, 'e'},
        {"max-object-size", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': name = optarg; break;
        case 'e': cli_endpoint = optarg; break;
        case 'm':
            if (cli_parse_count("--max-object-size", optarg, &cli_max_object) < 0)
                return EXIT_USAGE;
            break;
        case 'h': fputs(help, stdout); return EXIT_ALL_OK;
        default: cli_bad_option("dump", argv, argc); fputs(help, stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    uint8_t *data;
    size_t len;
    lhv1_status st;
    int read = cli_read_input(path, &data, &len, &st);
    if (read != 0) {
        if (read > 0) /* no such S3 object: a verdict, no dump */
            cli_status_line(stderr, path, &st);
        return read > 0 ? EXIT_NOT_OK : EXIT_USAGE;
    }
    lhv1_index idx;
    lhv1_verdict v = lhv1_index_load_any(data, len, name, &idx, NULL, &st);
    if (v == LHV1_OUT_OF_MEMORY) {
        lhv1_free(data);
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
    lhv1_free(data);
    return rc;
}
