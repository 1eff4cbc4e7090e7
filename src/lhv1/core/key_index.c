/* The stores' key index (key_index.h). */
#include "key_index.h"

#include <sodium.h>
#include <string.h>

#include "alloc.h"

int lhv1_key_index_init(lhv1_key_index *ix, lhv1_key_at at, const void *ctx)
{
    memset(ix, 0, sizeof *ix);
    if (sodium_init() < 0)
        return -1;
    crypto_shorthash_keygen(ix->hash_key);
    ix->at = at;
    ix->ctx = ctx;
    return 0;
}

void lhv1_key_index_free(lhv1_key_index *ix)
{
    lhv1_free(ix->slots);
    ix->slots = NULL;
    ix->cap = ix->live = ix->dead = 0;
}

static size_t home(const lhv1_key_index *ix, lhv1_bytes key, size_t cap)
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, key.data, key.len, ix->hash_key);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return (size_t)v & (cap - 1);
}

/* The slot holding key, or the cap when absent. */
static size_t slot_of(const lhv1_key_index *ix, lhv1_bytes key)
{
    if (!ix->cap)
        return 0;
    for (size_t i = home(ix, key, ix->cap);; i = (i + 1) & (ix->cap - 1)) {
        size_t s = ix->slots[i];
        if (s == 0)
            return ix->cap;
        if (s != SIZE_MAX && lhv1_bytes_eq(ix->at(ix->ctx, s - 1), key))
            return i;
    }
}

size_t lhv1_key_index_find(const lhv1_key_index *ix, lhv1_bytes key)
{
    size_t i = slot_of(ix, key);
    return i < ix->cap ? ix->slots[i] - 1 : LHV1_KEY_NONE;
}

static void place(size_t *slots, size_t cap, size_t i, size_t value)
{
    while (slots[i] != 0 && slots[i] != SIZE_MAX)
        i = (i + 1) & (cap - 1);
    slots[i] = value;
}

int lhv1_key_index_reserve(lhv1_key_index *ix)
{
    /* At most 3/4 of the slots used, removed entries counted. */
    if ((ix->live + ix->dead + 1) * 4 <= ix->cap * 3)
        return 0;
    size_t cap = ix->cap ? ix->cap : 16;
    while ((ix->live + 1) * 2 > cap) /* rebuilt at most half full */
        cap *= 2;
    size_t *slots = lhv1_calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < ix->cap; i++) {
        size_t s = ix->slots[i];
        if (s != 0 && s != SIZE_MAX)
            place(slots, cap, home(ix, ix->at(ix->ctx, s - 1), cap), s);
    }
    lhv1_free(ix->slots);
    ix->slots = slots;
    ix->cap = cap;
    ix->dead = 0;
    return 0;
}

void lhv1_key_index_add(lhv1_key_index *ix, lhv1_bytes key, size_t pos)
{
    size_t i = home(ix, key, ix->cap);
    while (ix->slots[i] != 0 && ix->slots[i] != SIZE_MAX)
        i = (i + 1) & (ix->cap - 1);
    if (ix->slots[i] == SIZE_MAX)
        ix->dead--;
    ix->slots[i] = pos + 1;
    ix->live++;
}

void lhv1_key_index_remove(lhv1_key_index *ix, lhv1_bytes key)
{
    size_t i = slot_of(ix, key);
    if (i < ix->cap) {
        ix->slots[i] = SIZE_MAX;
        ix->live--;
        ix->dead++;
    }
}

void lhv1_key_index_move(lhv1_key_index *ix, lhv1_bytes key, size_t new_pos)
{
    size_t i = slot_of(ix, key);
    if (i < ix->cap)
        ix->slots[i] = new_pos + 1;
}
