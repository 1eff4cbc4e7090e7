/* lhv1 campaign [--format lhv1|lhv2] [--seed N] [--sample K] [--mix R] [--json FILE]
 *               [--markdown FILE] [--stride N] [--http]
 * lhv1 campaign --two-writers PLANS [--expect GO.json] [--json FILE] [--markdown FILE]
 * lhv1 campaign --replay FILE */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include <string.h>

#include "campaign_http.h"
#include "campaign_two_writers.h"
#include "lhv1testing/campaign.h"
#include "lhv1testing/campaign_replay.h"

static const char help[] =
    "usage: lhv1 campaign [--format lhv1|lhv2] [--seed N] [--sample K] [--mix R]\n"
    "                     [--json FILE] [--markdown FILE] [--junit FILE] [--quiet]\n"
    "                     [--no-inject] [--stride N] [--http]\n"
    "       lhv1 campaign [--quiet] --replay FILE [FILE...]\n"
    "       lhv1 campaign [--quiet] --two-writers PLANS [--expect GO.json]\n"
    "                     [--json FILE] [--markdown FILE]\n"
    "Runs the workload of saves, overwrites and deletes once per fault (every\n"
    "operation x every fault kind x, for torn writes and bit flips, every offset\n"
    "class plus K seeded offsets, default 16), then R runs (default 200) with\n"
    "seeded random faults of every kind, loads every index and prints the\n"
    "table fault x outcome as Markdown (also to --markdown FILE) and as JSON to\n"
    "--json FILE; --junit FILE writes one test case per fault row.\n"
    "--format lhv2 saves every object in the checksummed successor (docs/LHV2.md):\n"
    "damaged bytes must then be caught (bad-format), never load.\n"
    "See docs/FAULTS.md.\n"
    "--no-inject builds the same plan but injects nothing: a self-test; the\n"
    "campaign must then fail.\n"
    "--stride N runs every N-th offset class of torn writes and bit flips (the\n"
    "same classes and bits are drawn): a reduced plan.\n"
    "--http runs every case against a `lhv1 serve` it starts on 127.0.0.1 (the\n"
    "fault added as a rule over its admin API) through the S3 client store,\n"
    "plus rows for the faults only HTTP has; the seeded mix is skipped.\n"
    "--replay FILE runs the case of a replay file (written by the Go campaign,\n"
    "docs/FAULTS.md) again, and of each FILE after it: the fault reapplied to the\n"
    "recorded bytes, its place resolved, the bytes loaded by liblhv1 and judged\n"
    "against the recorded states (--quiet: print only what failed); exit 0 when\n"
    "the bytes come out as recorded (and, for a case liblhv1 judged, the outcome\n"
    "too), 1 when not, 2 when a file is unusable.\n"
    "--two-writers PLANS plays the two-writer workload (docs/S3.md, \"Two\n"
    "writers\"): two persistors save index `shared` as each plan of the table\n"
    "PLANS (examples/vectord/twowriters/plans.tsv) interleaves them, plain,\n"
    "conditional (If-Match / If-None-Match) and conditional with a retry, over\n"
    "the memory store and over a `lhv1 serve` it starts (S3 client store); the\n"
    "table as Markdown to stdout and --markdown FILE, as the Go workload's JSON\n"
    "to --json FILE. It fails when a conditional persistor loses an update, the\n"
    "plain one loses none in a racy plan, the two stores' tables differ, or\n"
    "the table differs from --expect GO.json (the Go workload's two-writers.json).\n"
    "Exit: 0 every check holds (SILENT-WRONG, stale and missing outcomes only in\n"
    "the documented expected classes, every fault fired and had its effect),\n"
    "1 a check failed, 2 usage or I/O error or out of memory ('out of memory' on\n"
    "stderr).\n";

static int write_buf(const char *path, const lhv1_buf *b)
{
    return cli_write_file(path, b->data, b->len);
}

/* An option's value is the user's bytes: escaped like every other output. */
static void bad_arg(const char *opt, const char *value, const char *hint)
{
    fprintf(stderr, "lhv1 campaign: bad --%s \"", opt);
    cli_text_str(stderr, value, "\"");
    fprintf(stderr, "\"%s\n", hint);
}

/* A field of the file, escaped, on a line of its own. */
static void line(const char *label, const char *value)
{
    printf("  %s", label);
    cli_text_str(stdout, value, "");
    putchar('\n');
}

/* lhv1 campaign --two-writers PLANS [--expect GO.json]: the table to
 * stdout and the files. */
static int run_two_writers(const char *plans, const char *expect, const char *json,
                           const char *markdown, FILE *progress)
{
    uint8_t *text, *want_text = NULL;
    size_t len, want_len = 0;
    if (cli_read_file(plans, &text, &len) < 0)
        return EXIT_USAGE;
    if (expect && cli_read_file(expect, &want_text, &want_len) < 0) {
        free(text);
        return EXIT_USAGE;
    }
    cJSON *want = expect ? cJSON_ParseWithLength((const char *)want_text, want_len) : NULL;
    free(want_text);
    if (expect && !cJSON_IsArray(want)) {
        fprintf(stderr, "lhv1 campaign: --expect: not the JSON array of a two-writer table: ");
        cli_text_str(stderr, expect, "");
        fputc('\n', stderr);
        cJSON_Delete(want);
        free(text);
        return EXIT_USAGE;
    }
    lhv1_buf md, js;
    lhv1_buf_init(&md);
    lhv1_buf_init(&js);
    int rc = campaign_two_writers((const char *)text, len, want, progress, &md, &js);
    free(text);
    cJSON_Delete(want);
    if (rc >= 0) {
        fwrite(md.data, 1, md.len, stdout);
        if ((markdown && write_buf(markdown, &md) < 0) || (json && write_buf(json, &js) < 0))
            rc = -1;
    }
    lhv1_buf_free(&md);
    lhv1_buf_free(&js);
    return rc < 0 ? EXIT_USAGE : rc ? EXIT_NOT_OK : EXIT_ALL_OK;
}

/* lhv1 campaign --replay FILE: what liblhv1 makes of the case (nothing
 * when quiet and it replayed). */
static int replay_file(const char *path, int quiet)
{
    uint8_t *data;
    size_t len;
    if (cli_read_file(path, &data, &len) < 0)
        return EXIT_USAGE;
    lhv1_replay_result r;
    char why[512];
    int rc = lhv1_replay_run(data, len, &r, why, sizeof why);
    free(data);
    if (rc != 0) {
        cli_error_in("lhv1 campaign --replay", path, why);
        return rc > 0 ? EXIT_NOT_OK : EXIT_USAGE;
    }
    /* A case liblhv1 itself judged must come out the same. */
    int same = strcmp(r.persistor, "C model") || !strcmp(r.recorded_outcome, lhv1_outcome_name(r.outcome));
    if (quiet && same)
        return EXIT_ALL_OK;
    printf("replay ");
    cli_text_str(stdout, path, "");
    printf("\n");
    line("index: ", r.index);
    line("plan: ", r.plan);
    line("where: ", r.where);
    if (r.reproduced)
        line("reproduced: the recorded bytes, with ", r.resolved);
    else
        printf("  reproduced: nothing to reproduce; the recorded bytes are loaded\n");
    if (r.ended_absent)
        printf("  object: none\n");
    else
        printf("  object: %zu B\n", r.ended_len);
    printf("  liblhv1: %s: ", lhv1_outcome_name(r.outcome));
    cli_text_str(stdout, r.detail, "");
    printf("\n  Go (predicted by liblhv1): %s\n", r.ended_absent ? "-" : lhv1_go_name(r.go));
    printf("  recorded (");
    cli_text_str(stdout, r.persistor, "");
    printf("): ");
    cli_text_str(stdout, r.recorded_outcome, "");
    printf(": ");
    cli_text_str(stdout, r.recorded_detail, "");
    printf("\n");
    return same ? EXIT_ALL_OK : EXIT_NOT_OK;
}

int cmd_campaign(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"sample", required_argument, NULL, 'k'},
        {"mix", required_argument, NULL, 'x'},
        {"json", required_argument, NULL, 'j'},
        {"markdown", required_argument, NULL, 'm'},
        {"junit", required_argument, NULL, 'u'},
        {"quiet", no_argument, NULL, 'q'},
        {"no-inject", no_argument, NULL, 'n'},
        {"stride", required_argument, NULL, 't'},
        {"http", no_argument, NULL, 'H'},
        {"replay", required_argument, NULL, 'r'},
        {"two-writers", required_argument, NULL, 'W'},
        {"expect", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lhv1_campaign_opts o = {0};
    o.seed = 1;
    o.progress = stderr;
    const char *json = NULL, *markdown = NULL, *junit = NULL, *replay = NULL;
    const char *two_writers = NULL, *expect = NULL;
    int inject = 1, http = 0;
    int c;
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "s:f:k:x:j:m:u:qnt:Hr:W:e:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            o.seed = strtoull(optarg, &end, 0);
            if (*end || !*optarg) {
                bad_arg("seed", optarg, "");
                return EXIT_USAGE;
            }
            break;
        case 'f':
            if (!strcmp(optarg, "lhv1") || !strcmp(optarg, "lhv2")) {
                o.format = optarg[3] == '2' ? LHV1_FORMAT_LHV2 : LHV1_FORMAT_LHV1;
                break;
            }
            bad_arg("format", optarg, " (lhv1 or lhv2)");
            return EXIT_USAGE;
        case 'k': {
            unsigned long k = strtoul(optarg, &end, 0);
            if (*end || !*optarg || k > 100000) {
                bad_arg("sample", optarg, "");
                return EXIT_USAGE;
            }
            o.sample = (unsigned)k;
            break;
        }
        case 'x': {
            unsigned long r = strtoul(optarg, &end, 0);
            if (*end || !*optarg || r == 0 || r > 1000000) {
                bad_arg("mix", optarg, " (1..1000000)");
                return EXIT_USAGE;
            }
            o.mix_runs = (unsigned)r;
            break;
        }
        case 't': {
            unsigned long k = strtoul(optarg, &end, 0);
            if (*end || !*optarg || k == 0 || k > 100000) {
                bad_arg("stride", optarg, " (1..100000)");
                return EXIT_USAGE;
            }
            o.stride = (unsigned)k;
            break;
        }
        case 'H': http = 1; break;
        case 'r': replay = optarg; break;
        case 'W': two_writers = optarg; break;
        case 'e': expect = optarg; break;
        case 'j': json = optarg; break;
        case 'm': markdown = optarg; break;
        case 'u': junit = optarg; break;
        case 'q': o.progress = NULL; break;
        case 'n': inject = 0; break;
        case 'h': fputs(help, stdout); return EXIT_ALL_OK;
        default: cli_bad_option("campaign", argv, argc); fputs(help, stderr); return EXIT_USAGE;
        }
    }
    if (replay) {
        int worst = replay_file(replay, o.progress == NULL);
        for (int i = optind; i < argc; i++) {
            int rc = replay_file(argv[i], o.progress == NULL);
            worst = rc > worst ? rc : worst;
        }
        return worst;
    }
    if (optind != argc || (expect && !two_writers)) {
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    if (two_writers)
        return run_two_writers(two_writers, expect, json, markdown, o.progress);
    lhv1_campaign_store_hook hook;
    campaign_http *server = NULL;
    if (http) {
        char why[256];
        /* The server is this very program's `serve`. */
        server = campaign_http_start("/proc/self/exe", &hook, why, sizeof why);
        if (!server) {
            fprintf(stderr, "lhv1 campaign: --http: %s\n", why);
            return EXIT_USAGE;
        }
        o.store_hook = &hook;
    }
    lhv1_campaign_result res;
    int rc = inject ? lhv1_campaign_run(&o, &res) : lhv1_campaign_run_uninjected(&o, &res);
    if (server && campaign_http_stop(server) < 0) {
        fprintf(stderr, "lhv1 campaign: --http: the server did not exit cleanly\n");
        if (rc == 0)
            rc = 1;
    }
    if (rc < 0) {
        fprintf(stderr, "lhv1 campaign: could not run: %.*s", (int)res.failures.len,
                res.failures.data ? (const char *)res.failures.data : "out of memory\n");
        lhv1_campaign_result_free(&res);
        return EXIT_USAGE;
    }
    lhv1_buf md, js, ju;
    lhv1_buf_init(&md);
    lhv1_buf_init(&js);
    lhv1_buf_init(&ju);
    int io = lhv1_campaign_markdown(&res, &md) < 0 || lhv1_campaign_json(&res, &js) < 0 ||
             lhv1_campaign_junit(&res, &ju) < 0;
    if (!io && http)
        io = lhv1_buf_puts(&md, "\nOver HTTP (`--http`): the seeded mix is not run; the "
                                "http-* rows are the faults only HTTP has.\n") < 0;
    if (io)
        fputs("lhv1 campaign: out of memory: no report\n", stderr);
    if (!io) {
        fwrite(md.data, 1, md.len, stdout);
        if (markdown && write_buf(markdown, &md) < 0)
            io = 1;
        if (json && write_buf(json, &js) < 0)
            io = 1;
        if (junit && write_buf(junit, &ju) < 0)
            io = 1;
    }
    lhv1_buf_free(&md);
    lhv1_buf_free(&js);
    lhv1_buf_free(&ju);
    lhv1_campaign_result_free(&res);
    if (io)
        return EXIT_USAGE;
    return rc == 0 ? EXIT_ALL_OK : EXIT_NOT_OK;
}
