/* Byte-string keys in order (lhv1_bytes_cmp, the order of
 * lhv1_key_list_sort), for the memory store's listings: a skip list over
 * bytes the caller keeps, so a listing page starts at its token in
 * O(log n) instead of copying and sorting every key. Node heights come
 * from the list's own random stream, never from the keys, seeded per list
 * from the OS (getrandom), so no choice of keys unbalances it. Not part of
 * the public API. */
#ifndef LHV1_KEY_ORDER_H
#define LHV1_KEY_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "lhv1/bytes.h"

#pragma GCC visibility push(hidden)

typedef struct lhv1_key_order_node lhv1_key_order_node;

typedef struct lhv1_key_order {
    lhv1_key_order_node *head;
    unsigned height; /* levels in use */
    uint64_t rng;
} lhv1_key_order;

/* 0, or -1 out of memory. */
int lhv1_key_order_init(lhv1_key_order *o);
void lhv1_key_order_free(lhv1_key_order *o);
/* A node for one more key, allocated before anything changes: NULL when
 * out of memory. Freed by lhv1_key_order_node_free unless added. */
lhv1_key_order_node *lhv1_key_order_node_new(lhv1_key_order *o);
void lhv1_key_order_node_free(lhv1_key_order_node *n);
/* Adds an absent key with a node from lhv1_key_order_node_new. Its bytes
 * are borrowed: they must stay where they are until it is removed. */
void lhv1_key_order_add(lhv1_key_order *o, lhv1_key_order_node *n, lhv1_bytes key);
/* Removes a present key (frees its node). */
void lhv1_key_order_remove(lhv1_key_order *o, lhv1_bytes key);
/* The first key >= from (after = 0) or > from (after = 1) into *key: 1,
 * or 0 when there is none. */
int lhv1_key_order_seek(const lhv1_key_order *o, lhv1_bytes from, int after, lhv1_bytes *key);
/* The keys a seek for `from` compares: what every add, remove and seek
 * costs, for the suite that checks it stays logarithmic (key_order). */
size_t lhv1_key_order_seek_cost(const lhv1_key_order *o, lhv1_bytes from);

#pragma GCC visibility pop

#endif
