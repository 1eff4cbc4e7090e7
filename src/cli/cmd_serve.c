/* `lhv1 serve`: its options and the plan file; the server itself is
 * src/serve/ (serve_main). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
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

enum { OPT_LISTEN = 'l', OPT_ROOT = 'r', OPT_UPSTREAM = 'u', OPT_PLAN = 'p', OPT_SEED = 's',
       OPT_ALLOW_REMOTE = 'R', OPT_AUTH = 'a', OPT_MAX_BODY = 'b', OPT_IDLE_TIMEOUT = 'i' };

static const struct option own_options[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"root", required_argument, NULL, OPT_ROOT},
    {"upstream", required_argument, NULL, OPT_UPSTREAM},
    {"plan", required_argument, NULL, OPT_PLAN},
    {"seed", required_argument, NULL, OPT_SEED},
    {"allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE},
    {"auth", required_argument, NULL, OPT_AUTH},
    {"max-body", required_argument, NULL, OPT_MAX_BODY},
    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
};
#define N_OWN (sizeof own_options / sizeof own_options[0])

/* One of serve's own options: 0, or -1 when its value is bad. */
static int set_option(serve_config *cfg, char *auth, size_t auth_size, int c, const char *v)
{
    uint64_t n;
    switch (c) {
    case OPT_LISTEN: {
        const char *colon = strrchr(v, ':');
        if (!colon || (size_t)(colon - v) >= sizeof cfg->host || parse_u64(colon + 1, &n) ||
            n > 65535)
            return -1;
        memcpy(cfg->host, v, (size_t)(colon - v));
        cfg->host[colon - v] = 0;
        cfg->port = (unsigned)n;
        return 0;
    }
    case OPT_ROOT: cfg->root = v; return 0;
    case OPT_UPSTREAM: cfg->upstream = v; return 0;
    case OPT_PLAN: cfg->plan = v; return 0;
    case OPT_ALLOW_REMOTE: cfg->allow_remote = 1; return 0;
    case OPT_SEED:
        if (parse_u64(v, &n))
            return -1;
        cfg->seed = n;
        return 0;
    case OPT_MAX_BODY:
        if (parse_u64(v, &n) || n == 0)
            return -1;
        cfg->max_body = n;
        return 0;
    case OPT_IDLE_TIMEOUT:
        if (parse_u64(v, &n) || n == 0 || n >= 86400)
            return -1;
        cfg->idle_timeout = (unsigned)n;
        return 0;
    case OPT_AUTH: {
        if (!strchr(v, ':') || strlen(v) >= auth_size)
            return -1;
        snprintf(auth, auth_size, "%s", v);
        char *colon = strchr(auth, ':');
        *colon = 0;
        cfg->auth_key = auth;
        cfg->auth_secret = colon + 1;
        return 0;
    }
    default: return serve_limits_set(&cfg->lim, c, v) == 1 ? 0 : -1;
    }
}

int cmd_serve(int argc, char **argv)
{
    struct option opts[N_OWN + SERVE_LIMITS_N + 1];
    memcpy(opts, own_options, sizeof own_options);
    memcpy(opts + N_OWN, serve_limits_options, sizeof serve_limits_options);
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
    int c, at;
    optind = 1;
    opterr = 0;
    /* ':' first: a missing value is told apart from an unknown option. */
    while ((c = getopt_long(argc, argv, ":h", opts, &at)) != -1) {
        if (c == 'h') {
            fputs(usage_text, stdout);
            return EXIT_ALL_OK;
        }
        if (c == ':') {
            cli_error_in("lhv1 serve", argv[optind - 1], "needs a value");
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
        if (c == '?') {
            cli_bad_option("serve", argv, argc);
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
        if (set_option(&s.cfg, auth, sizeof auth, c, optarg) < 0) {
            char name[64];
            snprintf(name, sizeof name, "--%s", opts[at].name);
            cli_error_in("lhv1 serve", name,
                         c == OPT_LISTEN ? "wants HOST:PORT" : "bad value");
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error_in("lhv1 serve", argv[optind], "unexpected argument (serve takes options only)");
        fputs(usage_text, stderr);
        return EXIT_USAGE;
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
    lhv1_free(plan);
    return rc;
}
