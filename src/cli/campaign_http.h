/* `lhv1 campaign --http`: the campaign's cases run against a `lhv1 serve`
 * child through the S3 client store (docs/FAULTS.md). Linked into the CLI
 * only, next to the client store and the server. */
#ifndef LHV1_CAMPAIGN_HTTP_H
#define LHV1_CAMPAIGN_HTTP_H

#include "lhv1testing/campaign.h"

typedef struct campaign_http campaign_http;

/* Starts `exe serve --listen 127.0.0.1:0` and fills `hook` for
 * lhv1_campaign_opts.store_hook. NULL with a message in `why` on failure. */
campaign_http *campaign_http_start(const char *exe, lhv1_campaign_store_hook *hook, char *why,
                                   size_t why_len);
/* The server's base URL, "http://127.0.0.1:PORT" (its bucket: "campaign"). */
const char *campaign_http_url(const campaign_http *h);
/* Stops the server (SIGTERM, then waits). Returns 0 when it exited cleanly. */
int campaign_http_stop(campaign_http *h);

#endif
