/* The security flags of `lhv1 serve` (docs/SECURITY.md): who may call the
 * admin API, what a signature must satisfy, and the limits a hostile
 * client meets. Parsed here so cmd_serve.c only hands its options over. */
#ifndef LHV1_SERVE_LIMITS_H
#define LHV1_SERVE_LIMITS_H

#include <stdint.h>

typedef struct serve_limits {
    const char *admin_key;     /* --admin-auth KEY:SECRET, else --auth's */
    const char *admin_secret;
    int admin_remote;          /* --admin-remote: admin calls from other hosts */
    char region[64];           /* --region: the only region a scope may name */
    unsigned max_skew;         /* --max-skew: seconds between x-amz-date and now */
    unsigned header_timeout;   /* --header-timeout: seconds to a complete header */
    uint64_t min_body_rate;    /* --min-body-rate: bytes per second, averaged */
    unsigned max_conns;        /* --max-connections: open at once */
    unsigned max_peer_conns;   /* --max-peer-connections: open at once per address */
    uint64_t max_inflight;     /* --max-inflight: request and reply body bytes held */
    char admin_auth[512];      /* storage of --admin-auth */
} serve_limits;

/* The defaults below (and in SERVE_LIMITS_USAGE). */
void serve_limits_default(serve_limits *l);

/* One option of argv: 1 when it is one of these (a flag takes no value:
 * *used = 1; else *used = 2), 0 when it is not, -1 when its value is bad
 * or missing. */
int serve_limits_option(serve_limits *l, const char *opt, const char *val, int *used);

#define SERVE_LIMITS_SYNOPSIS                                                          \
    "                  [--admin-auth KEY:SECRET] [--admin-remote] [--region R]\n"     \
    "                  [--max-skew S] [--header-timeout S] [--min-body-rate B]\n"     \
    "                  [--max-connections N] [--max-peer-connections N]\n"            \
    "                  [--max-inflight BYTES]\n"

#define SERVE_LIMITS_USAGE                                                              \
    "Security (docs/SECURITY.md):\n"                                                    \
    "  --admin-auth KEY:SECRET  the admin API (/_lhv1/) wants SigV4 with these\n"      \
    "                       credentials (default: --auth's, when given)\n"            \
    "  --admin-remote       with --allow-remote, admin calls from other hosts too\n"    \
    "                       (default: loopback peers only)\n"                           \
    "  --region R           the region signatures must name (default us-east-1)\n"    \
    "  --max-skew S         x-amz-date within S seconds of the clock (default 900)\n" \
    "  --header-timeout S   a request's header complete within S seconds of the\n"     \
    "                       connection or the previous reply (default 20)\n"          \
    "  --min-body-rate B    a body arrives at B bytes/s or faster, averaged once\n"   \
    "                       --header-timeout has passed (default 4096)\n"             \
    "  --max-connections N  connections open at once (default 1000); when full,\n"   \
    "                       a new one displaces the longest waiting for a header\n"   \
    "  --max-peer-connections N  per client address (default 64); more displace\n"   \
    "                       that address's own longest waiting for a header\n"         \
    "  --max-inflight BYTES request and reply body bytes held at once over all\n"   \
    "                       requests (default 268435456); more is 503 SlowDown\n"

#endif
