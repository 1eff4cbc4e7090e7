/* Key index of a layer's nodes: node indexes sorted by key (stable), then
 * binary search. Sorting instead of hashing keeps the worst case at
 * O(n log n) whatever keys an attacker picks (an unkeyed hash table went
 * quadratic on crafted keys). */
#include <stdlib.h>

#include "alloc.h"
#include "internal.h"

int lhv1_keyset_init(lhv1_keyset *s, const lhv1_node *nodes, uint64_t n)
{
    lhv1_layer view = {(lhv1_node *)nodes, n, 0};
    s->nodes = nodes;
    s->n = n;
    s->order = lhv1_sorted_node_order(&view);
    return s->order ? 0 : -1;
}

int64_t lhv1_keyset_find(const lhv1_keyset *s, lhv1_bytes key)
{
    uint64_t lo = 0, hi = s->n; /* first position whose key is >= key */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (lhv1_bytes_cmp(s->nodes[s->order[mid]].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->n && lhv1_bytes_eq(s->nodes[s->order[lo]].key, key))
        return (int64_t)s->order[lo];
    return -1;
}

int64_t lhv1_keyset_first_duplicate(const lhv1_keyset *s)
{
    int64_t first = -1;
    for (uint64_t k = 1; k < s->n; k++) {
        uint64_t later = s->order[k]; /* stable sort: the later one in file order */
        if (lhv1_bytes_eq(s->nodes[s->order[k - 1]].key, s->nodes[later].key) &&
            (first < 0 || later < (uint64_t)first))
            first = (int64_t)later;
    }
    return first;
}

void lhv1_keyset_free(lhv1_keyset *s)
{
    lhv1_free(s->order);
    s->order = NULL;
}
