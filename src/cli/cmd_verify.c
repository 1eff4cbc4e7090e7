/* lhv1 verify [--name NAME] [--json] [--lhv1-only] FILE... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "lhv1/index.h"

static const char help[] =
    "usage: lhv1 verify [--name NAME] [--json] [--lhv1-only] [--endpoint URL]\n"
    "                   [--max-object-size BYTES] FILE...\n"
    "Prints one line per file: '<path>: <verdict>' and, when not ok,\n"
    "': <reason-code>: <message>'. With --json, one JSON object per line\n"
    "(file, format, verdict, reason, go, offset, message). --name checks\n"
    "params.name. Reads LHV1 and LHV2 objects (docs/LHV2.md: its lengths and\n"
    "checksums verified first); --lhv1-only reads as an LHV1-only reader\n"
    "does (an LHV2 object is bad-format, frame-newer-format).\n"
    "Paths and messages are escaped (README, Output escaping): in text, '\\'\n"
    "as '\\\\', LF CR TAB as \\n \\r \\t, other control, non-UTF-8 or\n"
    "terminal-active bytes and ':' in a path as \\xHH; in JSON, a path or\n"
    "message that is not UTF-8 is {\"hex\":\"...\"}.\n"
    "A FILE s3://BUCKET/KEY is read from the S3 endpoint --endpoint URL\n"
    "(credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); no such\n"
    "object is the verdict missing (key-missing), any other S3 failure an I/O\n"
    "error. Its line keeps 's3://' as it is.\n"
    "No more than BYTES (default 1073741824; S3 objects reach 5368709120) is read\n"
    "of a file or object: a larger one is an error, not judged. A FILE whose\n"
    "first 8 bytes are no LHV1 or LHV2 header is bad-format without reading on.\n"
    "Exit: 0 every file ok, 1 any file not ok, 2 usage, I/O error or out of memory\n"
    "('out of memory: no verdict' on stderr).\n";

/* One JSON object per line; file and message as the dump's KEY. */
static int print_json(const char *path, lhv1_format format, const lhv1_status *st,
                      lhv1_go go)
{
    lhv1_buf o;
    lhv1_buf_init(&o);
    lhv1_buf_puts(&o, "{\"file\":");
    cli_json(&o, path, strlen(path));
    lhv1_buf_printf(&o, ",\"format\":\"%s\"", lhv1_format_name(format));
    lhv1_buf_printf(&o, ",\"verdict\":\"%s\",\"reason\":\"%s\",\"go\":\"%s\",\"offset\":%lld,"
                        "\"message\":",
                    lhv1_verdict_name(st->verdict), lhv1_reason_code(st->reason), lhv1_go_name(go),
                    (long long)st->offset);
    cli_json(&o, st->message, strlen(st->message));
    lhv1_buf_puts(&o, "}\n");
    int failed = o.failed;
    if (!failed)
        fwrite(o.data, 1, o.len, stdout);
    lhv1_buf_free(&o);
    return failed ? -1 : 0;
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},
        {"lhv1-only", no_argument, NULL, '1'},
        {"endpoint", required_argument, NULL, 'e'},
        {"max-object-size", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL;
    int json = 0, lhv1_only = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "n:j1he:", opts, NULL)) != -1) {
        switch (c) {
        case 'n': name = optarg; break;
        case 'j': json = 1; break;
        case '1': lhv1_only = 1; break;
        case 'e': cli_endpoint = optarg; break;
        case 'm':
            if (cli_parse_count("--max-object-size", optarg, &cli_max_object) < 0)
                return EXIT_USAGE;
            break;
        case 'h': fputs(help, stdout); return EXIT_ALL_OK;
        default: cli_bad_option("verify", argv, argc); fputs(help, stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    int rc = EXIT_ALL_OK, io_error = 0;
    for (int i = optind; i < argc; i++) {
        uint8_t *data;
        size_t len;
        lhv1_status st;
        lhv1_format format = LHV1_FORMAT_LHV1;
        lhv1_go go = LHV1_GO_ERROR; /* Go's Load of a missing object: its error */
        int read = cli_read_input(argv[i], &data, &len, &st);
        if (read < 0) {
            io_error = 1;
            continue;
        }
        if (read == 0) {
            lhv1_index idx;
            if (lhv1_only)
                lhv1_index_load(data, len, name, &idx, &st);
            else
                lhv1_index_load_any(data, len, name, &idx, &format, &st);
            go = lhv1_predict_go(data, len, NULL, 0);
            lhv1_index_free(&idx);
            lhv1_free(data);
        }
        if (st.verdict == LHV1_OUT_OF_MEMORY)
            io_error = cli_out_of_memory(argv[i]);
        else if (st.verdict != LHV1_OK)
            rc = EXIT_NOT_OK;
        if (json ? print_json(argv[i], format, &st, go) < 0
                 : (cli_status_line(stdout, argv[i], &st), 0))
            io_error = cli_out_of_memory(argv[i]);
    }
    return io_error ? EXIT_USAGE : rc;
}
