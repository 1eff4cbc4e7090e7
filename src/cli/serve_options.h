/* The security flags of `lhv1 serve` (docs/SECURITY.md): their defaults,
 * their parsing and their help text, into the server's serve_limits. */
#ifndef LHV1_SERVE_OPTIONS_H
#define LHV1_SERVE_OPTIONS_H

#include "serve_limits.h"

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
