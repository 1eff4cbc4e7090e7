/* Exact search over layer 0 (lhv1testing/exact_search.h). */
#include "lhv1testing/exact_search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    uint8_t *key;
    size_t key_len;
    float *vec;
} entry;

struct lhv1_exact_index {
    entry *e;
    size_t n, cap;
    size_t dim;  /* components; 0 until the first vector */
    int cosine;
};

static int push(lhv1_exact_index *x, const uint8_t *key, size_t key_len, const uint8_t *vec)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        entry *grown = realloc(x->e, cap * sizeof *grown);
        if (!grown)
            return -1;
        x->e = grown;
        x->cap = cap;
    }
    entry *en = &x->e[x->n];
    en->key = malloc(key_len ? key_len : 1);
    en->vec = malloc(x->dim ? x->dim * sizeof(float) : 1);
    if (!en->key || !en->vec) {
        free(en->key);
        free(en->vec);
        return -1;
    }
    if (key_len)
        memcpy(en->key, key, key_len);
    if (x->dim)
        memcpy(en->vec, vec, x->dim * sizeof(float)); /* float32 little-endian */
    en->key_len = key_len;
    x->n++;
    return 0;
}

lhv1_exact_index *lhv1_exact_from_index(const lhv1_index *idx)
{
    lhv1_exact_index *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    const lhv1_graph *g = &idx->graph;
    x->cosine = !lhv1_bytes_eq(g->distance, lhv1_bytes_str("euclidean"));
    if (g->n_layers == 0)
        return x;
    lhv1_layer ly;
    lhv1_graph_layer(g, 0, &ly);
    for (uint64_t j = 0; j < ly.n_nodes; j++) {
        lhv1_node nd;
        lhv1_layer_node(g, &ly, j, &nd);
        if (j == 0)
            x->dim = (size_t)nd.dim;
        if (nd.dim != x->dim || push(x, nd.key.data, nd.key.len, nd.vector) != 0) {
            lhv1_exact_free(x);
            return NULL;
        }
    }
    return x;
}

int lhv1_exact_add(lhv1_exact_index *x, lhv1_bytes key, const uint8_t *vec, size_t vec_len)
{
    if (vec_len % 4 != 0 || (x->n && vec_len / 4 != x->dim))
        return -1;
    x->dim = vec_len / 4;
    for (size_t i = 0; i < x->n; i++)
        if (x->e[i].key_len == key.len && !memcmp(x->e[i].key, key.data, key.len)) {
            memcpy(x->e[i].vec, vec, vec_len);
            return 0;
        }
    return push(x, key.data, key.len, vec);
}

size_t lhv1_exact_count(const lhv1_exact_index *x)
{
    return x->n;
}

typedef struct ranked {
    double d, euclid;
    const entry *en;
} ranked;

static int rank_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    if (x->euclid != y->euclid)
        return x->euclid < y->euclid ? -1 : 1;
    size_t n = x->en->key_len < y->en->key_len ? x->en->key_len : y->en->key_len;
    int c = n ? memcmp(x->en->key, y->en->key, n) : 0;
    return c ? c : (x->en->key_len > y->en->key_len) - (x->en->key_len < y->en->key_len);
}

int lhv1_exact_search(const lhv1_exact_index *x, const uint8_t *q, size_t q_len, int k,
                      lhv1_key_list *out)
{
    out->keys = NULL;
    out->n = 0;
    if (q_len % 4 != 0 || (x->n && q_len / 4 != x->dim))
        return -1;
    ranked *r = malloc((x->n ? x->n : 1) * sizeof *r);
    float *qv = malloc(q_len ? q_len : 1);
    if (!r || !qv) {
        free(r);
        free(qv);
        return -1;
    }
    if (q_len)
        memcpy(qv, q, q_len);
    for (size_t i = 0; i < x->n; i++) {
        double dot = 0, qq = 0, vv = 0, sq = 0;
        for (size_t c = 0; c < x->dim; c++) {
            double a = qv[c], b = x->e[i].vec[c];
            dot += a * b;
            qq += a * a;
            vv += b * b;
            sq += (a - b) * (a - b);
        }
        double d = x->cosine ? 1.0 - dot / (sqrt(qq) * sqrt(vv)) : sqrt(sq);
        r[i] = (ranked){isnan(d) ? INFINITY : d, isnan(sq) ? INFINITY : sq, &x->e[i]};
    }
    qsort(r, x->n, sizeof *r, rank_cmp);
    size_t take = k > 0 && (size_t)k < x->n ? (size_t)k : (k > 0 ? x->n : 0);
    out->keys = calloc(take ? take : 1, sizeof *out->keys);
    int rc = out->keys ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < take; i++) {
        uint8_t *copy = malloc(r[i].en->key_len ? r[i].en->key_len : 1);
        if (!copy) {
            rc = -1;
            break;
        }
        if (r[i].en->key_len)
            memcpy(copy, r[i].en->key, r[i].en->key_len);
        out->keys[out->n++] = (lhv1_bytes){copy, r[i].en->key_len};
    }
    free(r);
    free(qv);
    return rc;
}

void lhv1_exact_free(lhv1_exact_index *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        free(x->e[i].key);
        free(x->e[i].vec);
    }
    free(x->e);
    free(x);
}
