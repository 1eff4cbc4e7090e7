/* lhv1 verify [--name NAME] [--json] FILE... */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "lhv1/index.h"

static const char help[] =
    "usage: lhv1 verify [--name NAME] [--json] FILE...\n"
    "Prints one line per file: '<path>: <verdict>' and, when not ok,\n"
    "': <reason-code>: <message>'. With --json, one JSON object per line\n"
    "(file, verdict, reason, go, offset, message). --name checks params.name.\n"
    "Exit: 0 every file ok, 1 any file not ok, 2 usage or I/O error.\n";

static void print_json(const char *path, const lhv1_status *st, lhv1_go go)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", path);
    cJSON_AddStringToObject(o, "verdict", lhv1_verdict_name(st->verdict));
    cJSON_AddStringToObject(o, "reason", lhv1_reason_code(st->reason));
    cJSON_AddStringToObject(o, "go", lhv1_go_name(go));
    cJSON_AddNumberToObject(o, "offset", (double)st->offset);
    cJSON_AddStringToObject(o, "message", st->message);
    char *txt = cJSON_PrintUnformatted(o);
    if (txt)
        puts(txt);
    cJSON_free(txt);
    cJSON_Delete(o);
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *name = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'n': name = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(help, stdout); return EXIT_ALL_OK;
        default: fputs(help, stderr); return EXIT_USAGE;
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
        if (cli_read_file(argv[i], &data, &len) != 0) {
            io_error = 1;
            continue;
        }
        lhv1_index idx;
        lhv1_status st;
        lhv1_index_load(data, len, name, &idx, &st);
        lhv1_go go = lhv1_predict_go(data, len, NULL, 0);
        lhv1_index_free(&idx);
        free(data);
        if (st.verdict != LHV1_OK)
            rc = EXIT_NOT_OK;
        if (json)
            print_json(argv[i], &st, go);
        else if (st.verdict == LHV1_OK)
            printf("%s: ok\n", argv[i]);
        else
            printf("%s: %s: %s: %s\n", argv[i], lhv1_verdict_name(st.verdict),
                   lhv1_reason_code(st.reason), st.message);
    }
    return io_error ? EXIT_USAGE : rc;
}
