/* `lhv1 serve`: its options and the plan file; the server itself is
 * src/serve/ (serve_main). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve_main.h"
#include "serve_options.h"

static const char usage_text[] =
    "usage: lhv1 serve [--listen HOST:PORT] [--root DIR | --upstream URL] [--plan FILE]\n"
    "                  [--seed N] [--allow-remote] [--auth KEY:SECRET] [--max-body BYTES]\n"
    "                  [--idle-timeout SECONDS]\n"
    SERVE_LIMITS_SYNOPSIS
    "\n"
    "An S3-compatible HTTP server (path-style) that injects faults on purpose.\n"
    "  --listen HOST:PORT   default 127.0.0.1:0 (port 0 picks a free port; the\n"
    "                       address is printed as 'listening on http://HOST:PORT')\n"
    "  --root DIR           keep objects in DIR (durable file store); default memory\n"
    "  --upstream URL       proxy mode: keep buckets and objects on the S3 server at\n"
    "                       URL (credentials from AWS_ACCESS_KEY_ID and\n"
    "                       AWS_SECRET_ACCESS_KEY); admin reset deletes what the\n"
    "                       proxy created there, nothing else\n"
    "  --plan FILE          fault rules, JSON (docs/FAULTS.md)\n"
    "  --seed N             seed of the probabilistic rules (default 1)\n"
    "  --allow-remote       allow a non-loopback listen address and peers (the\n"
    "                       admin API stays loopback-only: --admin-remote)\n"
    "  --auth KEY:SECRET    every request, admin ones too, SigV4-signed with these\n"
    "                       (checked before the body; 403 otherwise)\n"
    "  --max-body BYTES     largest request body (default 67108864); more is 413\n"
    "  --idle-timeout S     close a connection silent for S seconds (default 30)\n"
    SERVE_LIMITS_USAGE
    "Admin API under /_lhv1/: health, rules, log, reset (docs/FAULTS.md).\n";

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return EXIT_ALL_OK;
    }
    struct {
        serve_config cfg; /* the options, where the server's struct keeps them */
    } s;
    memset(&s, 0, sizeof s);
    snprintf(s.cfg.host, sizeof s.cfg.host, "127.0.0.1");
    s.cfg.seed = 1;
    s.cfg.max_body = 64u << 20;
    s.cfg.idle_timeout = 30;
    serve_limits_default(&s.cfg.lim);
    char auth[512] = "";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        int used, lim = serve_limits_option(&s.cfg.lim, a, v, &used);
        if (lim != 0) {
            if (lim < 0) {
                cli_error_in("lhv1 serve", a, "bad or missing value");
                fputs(usage_text, stderr);
                return EXIT_USAGE;
            }
            i += used - 1;
            continue;
        }
        if (!strcmp(a, "--allow-remote")) {
            s.cfg.allow_remote = 1;
            continue;
        }
        if (!v) {
            cli_error_in("lhv1 serve", a, "needs a value");
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
        i++;
        if (!strcmp(a, "--listen")) {
            const char *colon = strrchr(v, ':');
            if (!colon || (size_t)(colon - v) >= sizeof s.cfg.host || parse_u64(colon + 1, &n) ||
                n > 65535) {
                fprintf(stderr, "lhv1 serve: --listen wants HOST:PORT\n");
                return EXIT_USAGE;
            }
            memcpy(s.cfg.host, v, (size_t)(colon - v));
            s.cfg.host[colon - v] = 0;
            s.cfg.port = (unsigned)n;
        } else if (!strcmp(a, "--root")) {
            s.cfg.root = v;
        } else if (!strcmp(a, "--upstream")) {
            s.cfg.upstream = v;
        } else if (!strcmp(a, "--plan")) {
            s.cfg.plan = v;
        } else if (!strcmp(a, "--seed") && !parse_u64(v, &n)) {
            s.cfg.seed = n;
        } else if (!strcmp(a, "--max-body") && !parse_u64(v, &n) && n > 0) {
            s.cfg.max_body = n;
        } else if (!strcmp(a, "--idle-timeout") && !parse_u64(v, &n) && n > 0 && n < 86400) {
            s.cfg.idle_timeout = (unsigned)n;
        } else if (!strcmp(a, "--auth") && strchr(v, ':') && strlen(v) < sizeof auth) {
            snprintf(auth, sizeof auth, "%s", v);
            char *colon = strchr(auth, ':');
            *colon = 0;
            s.cfg.auth_key = auth;
            s.cfg.auth_secret = colon + 1;
        } else {
            cli_error_in("lhv1 serve", a, "bad option or value");
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (s.cfg.lim.max_inflight < s.cfg.max_body) {
        fprintf(stderr, "lhv1 serve: --max-inflight is below --max-body: no such body fits\n");
        return EXIT_USAGE;
    }
    if (s.cfg.root && s.cfg.upstream) {
        fprintf(stderr, "lhv1 serve: --root and --upstream exclude each other\n");
        return EXIT_USAGE;
    }
    uint8_t *plan = NULL;
    size_t plan_len = 0;
    if (s.cfg.plan && cli_read_file(s.cfg.plan, &plan, &plan_len) < 0)
        return EXIT_USAGE;
    int rc = serve_main(&s.cfg, plan, plan_len, cli_error_in);
    free(plan);
    return rc;
}
