/* lhv1, the command-line tool: runs the cmd_*() of the command named
 * (src/cli/cmd_*.c). The table below is the one list of commands and the
 * summaries `lhv1 --help` prints; exit codes are in cli.h. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lhv1/version.h"

static const struct {
    const char *name;
    lhv1_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"verify", cmd_verify, "verdict of each file (exit 0 all ok, 1 any not ok, 2 error)"},
    {"dump", cmd_dump, "canonical JSON dump of a file"},
    {"inspect", cmd_inspect, "human summary: sizes, params, layers, vectors, verdict"},
    {"frame", cmd_frame, "frame an envelope and a graph section into an object"},
    {"unframe", cmd_unframe, "split an object into its envelope and graph section"},
    {"campaign", cmd_campaign, "fault-injection campaign over the persistor (docs/FAULTS.md)"},
    {"scan", cmd_scan, "verify every object under _vectors/ of an S3 bucket"},
    {"serve", cmd_serve, "S3-compatible HTTP server that injects faults (docs/FAULTS.md)"},
    {"conform", cmd_conform, "run a reader under test over every golden (docs/CONFORMANCE.md)"},
    {"testee", cmd_testee, "liblhv1 as a testee of lhv1 conform (docs/CONFORMANCE.md)"},
};

static void usage(FILE *to)
{
    fprintf(to, "usage: lhv1 COMMAND [OPTIONS] ...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(to, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(to, "\n'lhv1 COMMAND --help' describes a command; 'lhv1 --version' prints\n"
                "liblhv1's version.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_ALL_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("lhv1 %s\n", lhv1_version());
        return EXIT_ALL_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fputs("lhv1: unknown command \"", stderr);
    cli_text_str(stderr, argv[1], "\"");
    fputs("\"\n", stderr);
    usage(stderr);
    return EXIT_USAGE;
}
