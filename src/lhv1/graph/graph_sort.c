#define _GNU_SOURCE /* qsort_r */
/* Bytewise key order of nodes and neighbour lists, for the deterministic
 * encoder, the dump and semantic equality. Stable: file order among equal
 * keys, so inconsistent graphs still sort reproducibly. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"

/* A node's key copied next to the others: compares then read one small
 * arena instead of a cache line per key spread over the whole section. */
typedef struct {
    const uint8_t *key;
    size_t len;
    uint64_t idx;
} sort_entry;

static int cmp_entry(const void *a, const void *b)
{
    const sort_entry *x = a, *y = b;
    int c = lhv1_bytes_cmp((lhv1_bytes){x->key, x->len}, (lhv1_bytes){y->key, y->len});
    if (c != 0)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

uint64_t *lhv1_sorted_node_order(const lhv1_graph *g, const lhv1_layer *layer)
{
    uint64_t n = layer->n_nodes;
    size_t key_bytes = 0;
    for (uint64_t i = 0; i < n; i++)
        key_bytes += lhv1_node_key(g, layer->first + i).len; /* <= the section's size */
    uint64_t *order = lhv1_malloc((n ? n : 1) * sizeof *order);
    sort_entry *e = lhv1_malloc((n ? n : 1) * sizeof *e);
    uint8_t *arena = lhv1_malloc(key_bytes ? key_bytes : 1);
    if (!order || !e || !arena) {
        lhv1_free(order);
        lhv1_free(e);
        lhv1_free(arena);
        return NULL;
    }
    size_t at = 0;
    for (uint64_t i = 0; i < n; i++) {
        lhv1_bytes k = lhv1_node_key(g, layer->first + i);
        if (k.len)
            memcpy(arena + at, k.data, k.len);
        e[i] = (sort_entry){arena + at, k.len, i};
        at += k.len;
    }
    qsort(e, n, sizeof *e, cmp_entry);
    for (uint64_t i = 0; i < n; i++)
        order[i] = e[i].idx;
    lhv1_free(e);
    lhv1_free(arena);
    return order;
}

static int cmp_bytes(const void *a, const void *b)
{
    return lhv1_bytes_cmp(*(const lhv1_bytes *)a, *(const lhv1_bytes *)b);
}

/* Equal neighbour keys are identical bytes, so no stability is needed.
 * Lists are short (at most M on a consistent graph): insertion sort below
 * 32 keys, qsort above, so a crafted long list stays n log n. */
void lhv1_sort_neighbors(const lhv1_node *node, lhv1_bytes *out)
{
    uint64_t n = node->n_neighbors;
    lhv1_neighbor_iter it;
    lhv1_neighbor_iter_init(&it, node);
    for (uint64_t i = 0; i < n && lhv1_neighbor_next(&it, &out[i]); i++)
        ;
    if (n > 32) {
        qsort(out, n, sizeof *out, cmp_bytes);
        return;
    }
    for (uint64_t i = 1; i < n; i++) {
        lhv1_bytes v = out[i];
        uint64_t j = i;
        for (; j > 0 && lhv1_bytes_cmp(out[j - 1], v) > 0; j--)
            out[j] = out[j - 1];
        out[j] = v;
    }
}

lhv1_bytes *lhv1_sorted_neighbors(const lhv1_node *node)
{
    uint64_t n = node->n_neighbors;
    lhv1_bytes *out = lhv1_malloc((n ? n : 1) * sizeof *out);
    if (out)
        lhv1_sort_neighbors(node, out);
    return out;
}
