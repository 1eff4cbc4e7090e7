/* An exact nearest-neighbour search over a decoded index's layer 0, and
 * adds: what the liblhv1 testee answers to `use` (docs/CONFORMANCE.md).
 * liblhv1 has no HNSW search; this checks that the keys and vectors it
 * decoded can be searched and extended, not that the graph's links lead
 * anywhere. Testing library only. */
#ifndef LHV1_EXACT_SEARCH_H
#define LHV1_EXACT_SEARCH_H

#include "lhv1/index.h"
#include "lhv1testing/testee_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lhv1_exact_index lhv1_exact_index;

/* Copies layer 0's keys and vectors of a decoded index; the distance is
 * the graph's ("euclidean", else cosine as coder/hnsw computes it). NULL
 * on allocation failure. */
lhv1_exact_index *lhv1_exact_from_index(const lhv1_index *idx);
/* Adds a node, or replaces the vector of a node with that key (as
 * coder/hnsw's Add does). 0, or -1 on a vector whose length is not the
 * index's (once it has one) or on allocation failure. */
int lhv1_exact_add(lhv1_exact_index *x, lhv1_bytes key, const uint8_t *vec, size_t vec_len);
size_t lhv1_exact_count(const lhv1_exact_index *x);
/* The k nearest keys (copies) to the query, nearest first; ties by
 * euclidean distance, then by key. 0, or -1 on a query of another length
 * or on allocation failure. */
int lhv1_exact_search(const lhv1_exact_index *x, const uint8_t *q, size_t q_len, int k,
                      lhv1_key_list *out);
void lhv1_exact_free(lhv1_exact_index *x);

#ifdef __cplusplus
}
#endif
#endif
