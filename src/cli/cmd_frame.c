/* lhv1 frame / lhv1 unframe: build an object from its two sections, or
 * split one (the exact upstream framing; no decoding). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "lhv1/frame.h"
#include "lhv1/lhv2.h"

static const char frame_help[] =
    "usage: lhv1 frame [--format lhv1|lhv2] --envelope E --graph G -o OUT\n"
    "Writes magic, envelope length, E's bytes, G's bytes to OUT ('-' = stdout);\n"
    "with --format lhv2, the LHV2 container (lengths and CRC-32C checksums,\n"
    "docs/LHV2.md). Refuses an envelope of 2^32 bytes or more.\n";
static const char unframe_help[] =
    "usage: lhv1 unframe FILE --envelope E --graph G\n"
    "Writes FILE's envelope bytes to E and its graph section to G (an LHV1 or,\n"
    "checksums verified, an LHV2 object). Exit 1 when FILE does not unframe\n"
    "(bad-format), 2 on usage or I/O error.\n";

static int parse(int argc, char **argv, const char *help, const char **env,
                 const char **graph, const char **out, const char **in, const char **fmt)
{
    static const struct option opts[] = {
        {"envelope", required_argument, NULL, 'e'},
        {"graph", required_argument, NULL, 'g'},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "e:g:o:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'e': *env = optarg; break;
        case 'g': *graph = optarg; break;
        case 'o': *out = optarg; break;
        case 'f':
            if (!fmt) {
                fputs(help, stderr);
                return -1;
            }
            *fmt = optarg;
            break;
        case 'h': fputs(help, stdout); return 1;
        default: cli_bad_option(argv[0], argv, argc); fputs(help, stderr); return -1;
        }
    }
    if (in && optind < argc)
        *in = argv[optind++];
    if (optind != argc) {
        fputs(help, stderr);
        return -1;
    }
    return 0;
}

int cmd_frame(int argc, char **argv)
{
    const char *env = NULL, *graph = NULL, *out = NULL, *fmt = "lhv1";
    int p = parse(argc, argv, frame_help, &env, &graph, &out, NULL, &fmt);
    if (p != 0)
        return p > 0 ? EXIT_ALL_OK : EXIT_USAGE;
    int v2 = strcmp(fmt, "lhv2") == 0;
    if (!env || !graph || !out || (!v2 && strcmp(fmt, "lhv1") != 0)) {
        fputs(frame_help, stderr);
        return EXIT_USAGE;
    }
    uint8_t *e = NULL, *g = NULL;
    size_t el, gl;
    int rc = EXIT_USAGE;
    if (cli_read_file(env, &e, &el) == 0 && cli_read_file(graph, &g, &gl) == 0) {
        lhv1_buf buf;
        lhv1_buf_init(&buf);
        lhv1_status st;
        lhv1_bytes eb = {e, el}, gb = {g, gl};
        if ((v2 ? lhv1_lhv2_frame(eb, gb, &buf, &st) : lhv1_frame(eb, gb, &buf, &st)) != 0) {
            fputs("lhv1: frame: ", stderr);
            cli_text_str(stderr, st.message, NULL);
            fputc('\n', stderr);
        } else if (cli_write_file(out, buf.data, buf.len) == 0) {
            rc = EXIT_ALL_OK;
        }
        lhv1_buf_free(&buf);
    }
    lhv1_free(e);
    lhv1_free(g);
    return rc;
}

int cmd_unframe(int argc, char **argv)
{
    const char *env = NULL, *graph = NULL, *out = NULL, *in = NULL;
    int p = parse(argc, argv, unframe_help, &env, &graph, &out, &in, NULL);
    if (p != 0)
        return p > 0 ? EXIT_ALL_OK : EXIT_USAGE;
    if (!in || !env || !graph || out) {
        fputs(unframe_help, stderr);
        return EXIT_USAGE;
    }
    uint8_t *data;
    size_t len;
    if (cli_read_file(in, &data, &len) != 0)
        return EXIT_USAGE;
    lhv1_bytes eb, gb;
    lhv1_status st;
    int rc;
    if (lhv1_unframe_any(data, len, &eb, &gb, NULL, &st) != 0) {
        cli_status_line(stderr, in, &st);
        rc = EXIT_NOT_OK;
    } else {
        rc = cli_write_file(env, eb.data, eb.len) == 0 &&
                     cli_write_file(graph, gb.data, gb.len) == 0
                 ? EXIT_ALL_OK
                 : EXIT_USAGE;
    }
    lhv1_free(data);
    return rc;
}
