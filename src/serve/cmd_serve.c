/* `lhv1 serve`: options, the backend, the plan; then the HTTP server. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "checksums.h"
#include "http_faults.h"
#include "lhv1/fault_store.h"
#include "object_meta.h"
#include "serve.h"

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

static int load_plan(http_faults *f, const char *path)
{
    uint8_t *data;
    size_t len;
    if (cli_read_file(path, &data, &len) < 0)
        return -1;
    cJSON *j = http_faults_parse((const char *)data, len);
    free(data);
    if (!j) {
        cli_error_in("lhv1 serve", path, "not one JSON document");
        return -1;
    }
    char why[256];
    int n = http_faults_add_json(f, j, why, sizeof why);
    cJSON_Delete(j);
    if (n < 0) {
        cli_error_in("lhv1 serve", path, why);
        return -1;
    }
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(usage_text, stdout);
        return EXIT_ALL_OK;
    }
    serve_server s;
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
    /* Bodies are allocated and freed whole, a few MiB at a time: glibc
     * would serve each from a fresh mmap (or trim the heap after it) and
     * the server would page-fault every body in again. Keep them in the
     * heap and keep the heap. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    if (serve_crypto_init() < 0) {
        fprintf(stderr, "lhv1 serve: libsodium failed to initialise\n");
        return EXIT_USAGE;
    }
    lhv1_store_err err;
    if (s.cfg.lim.max_inflight < s.cfg.max_body) {
        fprintf(stderr, "lhv1 serve: --max-inflight is below --max-body: no such body fits\n");
        return EXIT_USAGE;
    }
    if (s.cfg.root && s.cfg.upstream) {
        fprintf(stderr, "lhv1 serve: --root and --upstream exclude each other\n");
        return EXIT_USAGE;
    }
    if (s.cfg.upstream) {
        s.store = serve_upstream_new(s.cfg.upstream, &err);
        /* One ListBuckets first, so an unreachable upstream is reported
         * with its reason. */
        lhv1_key_list l;
        lhv1_key_list_init(&l);
        if (s.store && lhv1_store_list(s.store, lhv1_bytes_str("_buckets/"), &l, &err) < 0) {
            lhv1_store_destroy(s.store);
            s.store = NULL;
        }
        lhv1_key_list_free(&l);
        if (!s.store) {
            cli_error_in("lhv1 serve: --upstream", s.cfg.upstream, err.body);
            return EXIT_USAGE;
        }
    } else if (s.cfg.root) {
        s.store = lhv1_file_store_new(s.cfg.root, &err);
        if (!s.store) {
            cli_error_in("lhv1 serve: --root", s.cfg.root, err.body);
            return EXIT_USAGE;
        }
        if (serve_root_claim(&s) < 0) {
            lhv1_store_destroy(s.store);
            return EXIT_USAGE;
        }
    } else {
        s.store = lhv1_memory_store_new();
    }
    s.meta = object_meta_new();
    lhv1_fault_config fcfg = {0};
    fcfg.history_max = 8;
    fcfg.no_log = 1; /* the rules' decision log is the server's log */
    s.faulty = s.store ? lhv1_fault_store_new(s.store, &fcfg) : NULL;
    s.faults = http_faults_new(s.cfg.seed);
    int rc = EXIT_USAGE;
    if (!s.faulty || !s.faults || !s.meta) {
        fprintf(stderr, "lhv1 serve: out of memory\n");
    } else if (s.cfg.plan && load_plan(s.faults, s.cfg.plan) < 0) {
        /* reported */
    } else if (serve_buckets_load(&s) < 0) {
        fprintf(stderr, "lhv1 serve: cannot list the buckets of the store\n");
    } else {
        pthread_mutex_init(&s.lock, NULL);
        s.started = time(NULL);
        http_time(s.started_http, sizeof s.started_http, s.started);
        rc = serve_run(&s);
        pthread_mutex_destroy(&s.lock);
    }
    serve_buckets_free(&s);
    http_faults_free(s.faults);
    object_meta_free(s.meta);
    lhv1_store_destroy(s.faulty);
    lhv1_store_destroy(s.store);
    return rc;
}
