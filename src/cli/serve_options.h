/* The security flags of `lhv1 serve` (docs/SECURITY.md): their defaults,
 * their parsing and their help text, into the server's serve_limits. */
#ifndef LHV1_SERVE_OPTIONS_H
#define LHV1_SERVE_OPTIONS_H

#include <getopt.h>

#include "serve_limits.h"

/* The defaults below (and in SERVE_LIMITS_USAGE). */
void serve_limits_default(serve_limits *l);

/* The options, as getopt_long's table: each one's val is its code below
 * (above any character, so the command's own table can hold them too). */
enum {
    SERVE_OPT_ADMIN_AUTH = 0x100,
    SERVE_OPT_ADMIN_REMOTE,
    SERVE_OPT_REGION,
    SERVE_OPT_MAX_SKEW,
    SERVE_OPT_HEADER_TIMEOUT,
    SERVE_OPT_MIN_BODY_RATE,
    SERVE_OPT_MAX_CONNECTIONS,
    SERVE_OPT_MAX_PEER_CONNECTIONS,
    SERVE_OPT_MAX_INFLIGHT,
    SERVE_LIMITS_END
};
#define SERVE_LIMITS_N (SERVE_LIMITS_END - SERVE_OPT_ADMIN_AUTH)
extern const struct option serve_limits_options[SERVE_LIMITS_N + 1];

/* The option getopt_long returned as `code`, with its value (NULL for the
 * flag): 1 when set, 0 when the code is none of these, -1 when the value
 * is bad. */
int serve_limits_set(serve_limits *l, int code, const char *val);

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
