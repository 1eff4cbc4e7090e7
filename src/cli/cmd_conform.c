/* lhv1 conform [options] -- TESTEE ARGS...: any reader under test
 * (docs/CONFORMANCE.md; the runner is lhv1testing/conform.h). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lhv1testing/conform.h"

static const char help[] =
    "usage: lhv1 conform [--failure-list FILE] [--write-failure-list FILE]\n"
    "                    [--junit FILE] [--markdown FILE] [--json FILE] [--timeout S]\n"
    "                    [--goldens DIR] [--edits N] [--seed N] [--memory-headroom MIB]\n"
    "                    -- TESTEE [ARGS...]\n"
    "       lhv1 conform --fuzz SECONDS [--jobs N] [--corpus DIR] [--out DIR] [--goldens DIR]\n"
    "                    [--seed N] [--timeout S] [--memory-headroom MIB] -- TESTEE [ARGS...]\n"
    "Starts TESTEE, a program serving the testee protocol (docs/CONFORMANCE.md) on its\n"
    "stdin and stdout, and runs every golden of DIR (default: golden) through it:\n"
    "golden/<file> (its load against the spec's verdict, Go's recorded behaviour and\n"
    "the expected dump), golden/<file>/use and golden/<file>/save when it has those\n"
    "capabilities, lhv2/<file>, archive/<id>/<file>, and N generated edits\n"
    "edit/<golden>/<n> (default 200, seed 1), judged against liblhv1.\n"
    "A testee that crashes or does not answer within S seconds (default 10) is\n"
    "recorded as crash or timeout for that request and restarted; its address space\n"
    "and that of every process of its group are capped at what each maps after hello\n"
    "plus MIB (default 1024; 0: no cap).\n"
    "--failure-list FILE: the failures the testee is known to have ('<case>  #\n"
    "<message>' lines); a listed failure is expected, a listed case that passes or\n"
    "fails with another message, and an unlisted failure, fail the run.\n"
    "--write-failure-list FILE writes this run's failures in that format.\n"
    "Reports: --junit (one testcase per case), --markdown, --json; a progress line on\n"
    "stderr every few seconds, then a summary.\n"
    "--fuzz SECONDS: differential fuzzing instead: edits and byte mutations of the\n"
    "goldens' objects and of DIR's files (inputs of a new class are added to DIR),\n"
    "each judged against liblhv1's verdict, prediction of Go and dump; every\n"
    "disagreement class is minimized and written as a candidate golden under\n"
    "--out DIR (default conform-fuzz): candidates/, fuzz.json, fuzz.md. --jobs N\n"
    "testee processes at once (default: the CPUs online, at most 8).\n"
    "Exit: 0 the run passes (--fuzz: no disagreement), 1 it fails, 2 usage error or\n"
    "the testee cannot be run.\n";

static int write_report(const char *path, int (*fn)(const lhv1_conform_result *, lhv1_buf *),
                        const lhv1_conform_result *res)
{
    if (!path)
        return 0;
    lhv1_buf b;
    lhv1_buf_init(&b);
    int rc = fn(res, &b) == 0 ? cli_write_file(path, b.data, b.len) : -1;
    if (b.failed)
        cli_error(path, "out of memory");
    lhv1_buf_free(&b);
    return rc;
}

static int write_fuzz_report(const char *path,
                             int (*fn)(const lhv1_conform_fuzz_result *, lhv1_buf *),
                             const lhv1_conform_fuzz_result *r)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    int rc = fn(r, &b) == 0 ? cli_write_file(path, b.data, b.len) : -1;
    lhv1_buf_free(&b);
    return rc;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        return -1;
    *out = v;
    return 0;
}

/* One line of the summary: "<tag>  <case>: <text>", the case's words escaped. */
static void line(const char *tag, const char *name, const char *text, const char *listed)
{
    fprintf(stderr, "%s  ", tag);
    cli_text_str(stderr, name, NULL);
    fputs(": ", stderr);
    cli_text_str(stderr, text, NULL);
    if (listed) {
        fputs(" (listed: ", stderr);
        cli_text_str(stderr, listed, NULL);
        fputc(')', stderr);
    }
    fputc('\n', stderr);
}

static void summary(const lhv1_conform_result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        const lhv1_conform_case *c = &res->cases[i];
        if (c->result == LHV1_CASE_FAIL)
            line("FAIL", c->name, c->failure, NULL);
        else if (c->result == LHV1_CASE_NOW_PASSES)
            line("NOW PASSES", c->name, "remove it from the failure list", NULL);
        else if (c->result == LHV1_CASE_MESSAGE_CHANGED)
            line("MESSAGE CHANGED", c->name, c->failure, c->listed_message);
    }
    for (size_t i = 0; i < res->n_stale; i++)
        line("NOT RUN", res->stale[i], "listed, but no case has that name", NULL);
    fputs("lhv1 conform: ", stderr);
    cli_text_str(stderr, res->testee ? res->testee : "?", NULL);
    fputs(" (", stderr);
    cli_text_str(stderr, res->version ? res->version : "?", NULL);
    fprintf(stderr,
            "): %s: %zu cases, %zu pass, %zu unexpected failures, %zu expected, %zu now pass, "
            "%zu with another message, %zu skipped; %zu restarts; %.1f s\n",
            res->failed ? "FAILED" : "passed", res->n, res->counts[LHV1_CASE_PASS],
            res->counts[LHV1_CASE_FAIL], res->counts[LHV1_CASE_EXPECTED],
            res->counts[LHV1_CASE_NOW_PASSES], res->counts[LHV1_CASE_MESSAGE_CHANGED],
            res->counts[LHV1_CASE_SKIPPED], res->restarts, res->seconds);
}

static int fuzz(const lhv1_conform_opts *o, double seconds, unsigned jobs, const char *corpus,
                const char *out)
{
    lhv1_conform_fuzz_opts fo = {.goldens = o->goldens, .corpus = corpus, .out = out,
                                 .argv = o->argv, .timeout_ms = o->timeout_ms,
                                 .headroom = o->headroom, .seconds = seconds, .seed = o->seed,
                                 .jobs = jobs, .progress = stderr};
    signal(SIGPIPE, SIG_IGN);
    lhv1_conform_fuzz_result r;
    char err[1024];
    if (lhv1_conform_fuzz(&fo, &r, err, sizeof err) != 0) {
        cli_error_in("lhv1 conform --fuzz", o->argv[0], err);
        lhv1_conform_fuzz_result_free(&r);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < r.n_candidates; i++) {
        const lhv1_fuzz_candidate *cd = &r.candidates[i];
        char n[64];
        snprintf(n, sizeof n, "%llu inputs, %zu -> %zu bytes", (unsigned long long)cd->count,
                 cd->original_len, cd->minimized_len);
        line("DISAGREES", cd->klass, cd->failure ? cd->failure : "", NULL);
        fputs("  ", stderr);
        cli_text_str(stderr, n, NULL);
        fputs(": ", stderr);
        cli_text_str(stderr, cd->dir ? cd->dir : "?", NULL);
        fputc('\n', stderr);
    }
    fputs("lhv1 conform --fuzz: ", stderr);
    cli_text_str(stderr, r.testee ? r.testee : "?", NULL);
    fprintf(stderr,
            ": %llu execs in %.1f s (%.0f exec/s, %u testees); minimizing %llu loads in %.1f s; "
            "corpus %zu seeds + %zu; %zu classes; %llu disagreeing inputs in %zu classes; %llu "
            "panics as Go; %zu restarts\n",
            (unsigned long long)r.execs, r.seconds, r.seconds > 0 ? (double)r.execs / r.seconds : 0.0,
            r.jobs,
            (unsigned long long)r.minimize_execs, r.minimize_seconds, r.corpus_seeds,
            r.corpus_added, r.classes, (unsigned long long)r.disagreements, r.n_candidates,
            (unsigned long long)r.as_go, r.restarts);
    int rc = r.n_candidates ? EXIT_NOT_OK : EXIT_ALL_OK;
    size_t n = strlen(out) + 16;
    char *jpath = malloc(n), *mpath = malloc(n);
    if (!jpath || !mpath) {
        rc = EXIT_USAGE;
    } else {
        snprintf(jpath, n, "%s/fuzz.json", out);
        snprintf(mpath, n, "%s/fuzz.md", out);
        if (write_fuzz_report(jpath, lhv1_conform_fuzz_json, &r) ||
            write_fuzz_report(mpath, lhv1_conform_fuzz_markdown, &r))
            rc = EXIT_USAGE;
    }
    free(jpath);
    free(mpath);
    lhv1_conform_fuzz_result_free(&r);
    return rc;
}

int cmd_conform(int argc, char **argv)
{
    static const struct option opts[] = {
        {"failure-list", required_argument, NULL, 'f'},
        {"write-failure-list", required_argument, NULL, 'w'},
        {"junit", required_argument, NULL, 'J'},
        {"markdown", required_argument, NULL, 'm'},
        {"json", required_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 't'},
        {"goldens", required_argument, NULL, 'g'},
        {"edits", required_argument, NULL, 'e'},
        {"seed", required_argument, NULL, 's'},
        {"memory-headroom", required_argument, NULL, 'M'},
        {"fuzz", required_argument, NULL, 'F'},
        {"corpus", required_argument, NULL, 'C'},
        {"out", required_argument, NULL, 'O'},
        {"jobs", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *list_path = NULL, *write_list = NULL, *junit = NULL, *markdown = NULL,
               *json = NULL;
    lhv1_conform_opts o = {.goldens = "golden", .timeout_ms = 10000, .headroom = 1024ull << 20,
                           .edits = 200, .seed = 1, .progress = stderr};
    unsigned long long v, fuzz_seconds = 0, jobs = 0;
    const char *corpus = NULL, *out = "conform-fuzz";
    int c;
    optind = 1;
    opterr = 0;
    /* "+": stop at the first non-option, so the testee's own arguments stay its own. */
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': list_path = optarg; break;
        case 'w': write_list = optarg; break;
        case 'J': junit = optarg; break;
        case 'm': markdown = optarg; break;
        case 'j': json = optarg; break;
        case 'g': o.goldens = optarg; break;
        case 't':
            if (parse_uint(optarg, 86400, &v) != 0 || v == 0)
                goto usage;
            o.timeout_ms = (unsigned)v * 1000u;
            break;
        case 'e':
            if (parse_uint(optarg, 1000000, &v) != 0)
                goto usage;
            o.edits = (unsigned)v;
            break;
        case 's':
            if (parse_uint(optarg, UINT64_MAX, &v) != 0)
                goto usage;
            o.seed = v;
            break;
        case 'M':
            if (parse_uint(optarg, 1ull << 30, &v) != 0)
                goto usage;
            o.headroom = (uint64_t)v << 20;
            break;
        case 'F':
            if (parse_uint(optarg, 30ull * 86400, &fuzz_seconds) != 0 || fuzz_seconds == 0)
                goto usage;
            break;
        case 'C': corpus = optarg; break;
        case 'n':
            if (parse_uint(optarg, 64, &jobs) != 0 || jobs == 0)
                goto usage;
            break;
        case 'O': out = optarg; break;
        case 'h': fputs(help, stdout); return EXIT_ALL_OK;
        default: cli_bad_option("conform", argv, argc); goto usage;
        }
    }
    if (optind >= argc)
        goto usage;
    o.argv = argv + optind;
    if (fuzz_seconds) {
        if (list_path || write_list || junit || markdown || json)
            goto usage;
        if (!jobs) {
            long cpus = sysconf(_SC_NPROCESSORS_ONLN);
            jobs = cpus > 0 ? (unsigned long long)(cpus < 8 ? cpus : 8) : 1;
        }
        return fuzz(&o, (double)fuzz_seconds, (unsigned)jobs, corpus, out);
    }
    if (corpus || jobs)
        goto usage;
    lhv1_failure_list list;
    char err[1024];
    if (list_path) {
        if (lhv1_failure_list_read(list_path, &list, err, sizeof err) != 0) {
            cli_error_in("lhv1 conform", list_path, err);
            return EXIT_USAGE;
        }
        o.expected = &list;
    }
    /* A testee that exits while it is written to must not take the runner along. */
    signal(SIGPIPE, SIG_IGN);
    lhv1_conform_result res;
    int rc;
    if (lhv1_conform_run(&o, &res, err, sizeof err) != 0) {
        cli_error_in("lhv1 conform", o.argv[0], err);
        rc = EXIT_USAGE;
    } else {
        summary(&res);
        rc = res.failed ? EXIT_NOT_OK : EXIT_ALL_OK;
        if (write_report(junit, lhv1_conform_junit, &res) ||
            write_report(markdown, lhv1_conform_markdown, &res) ||
            write_report(json, lhv1_conform_json, &res) ||
            write_report(write_list, lhv1_conform_failure_list, &res))
            rc = EXIT_USAGE;
    }
    lhv1_conform_result_free(&res);
    if (list_path)
        lhv1_failure_list_free(&list);
    return rc;
usage:
    fputs(help, stderr);
    return EXIT_USAGE;
}
