/* The security settings of `lhv1 serve` (docs/SECURITY.md): who may call
 * the admin API, what a signature must satisfy, and the limits a hostile
 * client meets. The command's options set them (src/cli/serve_options.h). */
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

#endif
