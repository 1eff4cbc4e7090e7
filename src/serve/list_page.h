/* Listing the memory backend by its key order (lhv1_memory_store_seek):
 * a page costs O((page + 1) log n) and a bucket's emptiness O(log n),
 * not a copy and sort of every key of the bucket. Lock held. */
#ifndef LHV1_SERVE_LIST_PAGE_H
#define LHV1_SERVE_LIST_PAGE_H

#include "lhv1/store.h"

/* The keys a listing page shows, into out in order: each object key under
 * `prefix` ("<bucket>/<prefix>") sorting after bucket/`after` (keys under
 * `after` itself skipped when it ends with the delimiter: a common prefix
 * already shown), one key per common prefix, until max_keys + 1 entries
 * (the one past the page says it is truncated). `blen` is the length of
 * "<bucket>/". 0, or -1 with err filled (out of memory). */
int list_page_memory(lhv1_store *mem, lhv1_bytes prefix, size_t blen, lhv1_bytes after,
                     lhv1_bytes delim, long max_keys, lhv1_key_list *out, lhv1_store_err *err);

/* 1 when no key starts with prefix. */
int list_page_memory_empty(lhv1_store *mem, lhv1_bytes prefix);

#endif
