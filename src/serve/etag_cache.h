/* The MD5 (ETag) of each object as last written through `lhv1 serve`, so a
 * GET that returns the stored body untouched need not hash it again. The
 * server keeps it under its lock, next to the store operation it mirrors:
 * set after a PUT that stored the request body as sent, forgotten on any
 * other mutation of the key, cleared with the store. */
#ifndef LHV1_SERVE_ETAG_CACHE_H
#define LHV1_SERVE_ETAG_CACHE_H

#include <stdint.h>

#include "lhv1/bytes.h"

typedef struct etag_cache etag_cache;

/* NULL on allocation failure. */
etag_cache *etag_cache_new(void);
void etag_cache_free(etag_cache *c);
/* A failed allocation leaves the key unknown (GET hashes the body then). */
void etag_cache_set(etag_cache *c, lhv1_bytes key, const uint8_t md5[16]);
void etag_cache_forget(etag_cache *c, lhv1_bytes key);
void etag_cache_clear(etag_cache *c);
/* 1 with md5 filled when the key's ETag is known, else 0. */
int etag_cache_get(const etag_cache *c, lhv1_bytes key, uint8_t md5[16]);

#endif
