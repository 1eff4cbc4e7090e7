/* The security flags of `lhv1 serve` (serve_options.h). */
#include "serve_options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void serve_limits_default(serve_limits *l)
{
    memset(l, 0, sizeof *l);
    snprintf(l->region, sizeof l->region, "us-east-1");
    l->max_skew = 900;
    l->header_timeout = 20;
    l->min_body_rate = 4096;
    l->max_conns = 1000;
    l->max_peer_conns = 64;
    l->max_inflight = (uint64_t)256 << 20;
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int region_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof ((serve_limits *)0)->region)
        return 0;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

const struct option serve_limits_options[SERVE_LIMITS_N + 1] = {
    {"admin-auth", required_argument, NULL, SERVE_OPT_ADMIN_AUTH},
    {"admin-remote", no_argument, NULL, SERVE_OPT_ADMIN_REMOTE},
    {"region", required_argument, NULL, SERVE_OPT_REGION},
    {"max-skew", required_argument, NULL, SERVE_OPT_MAX_SKEW},
    {"header-timeout", required_argument, NULL, SERVE_OPT_HEADER_TIMEOUT},
    {"min-body-rate", required_argument, NULL, SERVE_OPT_MIN_BODY_RATE},
    {"max-connections", required_argument, NULL, SERVE_OPT_MAX_CONNECTIONS},
    {"max-peer-connections", required_argument, NULL, SERVE_OPT_MAX_PEER_CONNECTIONS},
    {"max-inflight", required_argument, NULL, SERVE_OPT_MAX_INFLIGHT},
    {NULL, 0, NULL, 0},
};

int serve_limits_set(serve_limits *l, int code, const char *val)
{
    uint64_t n;
    switch (code) {
    case SERVE_OPT_ADMIN_REMOTE:
        l->admin_remote = 1;
        return 1;
    case SERVE_OPT_ADMIN_AUTH: {
        const char *colon = strchr(val, ':');
        if (!colon || colon == val || !colon[1] || strlen(val) >= sizeof l->admin_auth)
            return -1;
        snprintf(l->admin_auth, sizeof l->admin_auth, "%s", val);
        l->admin_auth[colon - val] = 0;
        l->admin_key = l->admin_auth;
        l->admin_secret = l->admin_auth + (colon - val) + 1;
        return 1;
    }
    case SERVE_OPT_REGION:
        if (!region_ok(val))
            return -1;
        snprintf(l->region, sizeof l->region, "%s", val);
        return 1;
    case SERVE_OPT_MAX_SKEW:
        if (parse_u64(val, 1, 7 * 86400, &n) < 0)
            return -1;
        l->max_skew = (unsigned)n;
        return 1;
    case SERVE_OPT_HEADER_TIMEOUT:
        if (parse_u64(val, 1, 3600, &n) < 0)
            return -1;
        l->header_timeout = (unsigned)n;
        return 1;
    case SERVE_OPT_MIN_BODY_RATE:
        if (parse_u64(val, 0, UINT64_C(1) << 40, &n) < 0)
            return -1;
        l->min_body_rate = n;
        return 1;
    case SERVE_OPT_MAX_CONNECTIONS:
        if (parse_u64(val, 1, 100000, &n) < 0)
            return -1;
        l->max_conns = (unsigned)n;
        return 1;
    case SERVE_OPT_MAX_PEER_CONNECTIONS:
        if (parse_u64(val, 1, 100000, &n) < 0)
            return -1;
        l->max_peer_conns = (unsigned)n;
        return 1;
    case SERVE_OPT_MAX_INFLIGHT:
        if (parse_u64(val, 1, UINT64_MAX, &n) < 0)
            return -1;
        l->max_inflight = n;
        return 1;
    default:
        return 0;
    }
}
