/* An index from byte-string keys to positions in a caller's array, for
 * the stores' lookups (the memory store's objects, the fault store's
 * histories): open addressing under a keyed hash (libsodium's SipHash,
 * one key per index) so crafted keys cannot pile onto one slot. The
 * caller keeps the keys; the index keeps positions and reads a position's
 * key through `at`. Not part of the public API. */
#ifndef LHV1_KEY_INDEX_H
#define LHV1_KEY_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"

#pragma GCC visibility push(hidden)

typedef lhv1_bytes (*lhv1_key_at)(const void *ctx, size_t pos);

typedef struct lhv1_key_index {
    size_t *slots; /* position + 1; 0 empty; SIZE_MAX a removed entry */
    size_t cap;    /* a power of two, or 0 */
    size_t live, dead;
    uint8_t hash_key[16];
    lhv1_key_at at;
    const void *ctx;
} lhv1_key_index;

#define LHV1_KEY_NONE SIZE_MAX

/* -1 when libsodium fails to start. Allocates nothing. `ctx` is what
 * `at` reads the keys from (the store itself, so its array may move). */
int lhv1_key_index_init(lhv1_key_index *ix, lhv1_key_at at, const void *ctx);
void lhv1_key_index_free(lhv1_key_index *ix);
/* The position of key, or LHV1_KEY_NONE. */
size_t lhv1_key_index_find(const lhv1_key_index *ix, lhv1_bytes key);
/* Room for one more key, so the add after it cannot fail: 0 or -1. */
int lhv1_key_index_reserve(lhv1_key_index *ix);
/* Records an absent key at pos (after a successful reserve). */
void lhv1_key_index_add(lhv1_key_index *ix, lhv1_bytes key, size_t pos);
/* Forgets a present key. */
void lhv1_key_index_remove(lhv1_key_index *ix, lhv1_bytes key);
/* A present key now lives at new_pos. */
void lhv1_key_index_move(lhv1_key_index *ix, lhv1_bytes key, size_t new_pos);

#pragma GCC visibility pop

#endif
