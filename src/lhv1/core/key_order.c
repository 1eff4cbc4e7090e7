/* A skip list of borrowed byte strings (key_order.h). */
#include "key_order.h"

#include <sys/random.h>
#include <time.h>

#include "alloc.h"

/* With one level in four, 2^48 keys before the top level fills. */
#define MAX_HEIGHT 24

struct lhv1_key_order_node {
    lhv1_bytes key;
    unsigned height;
    lhv1_key_order_node *next[];
};

static lhv1_key_order_node *node_alloc(unsigned height)
{
    lhv1_key_order_node *n = lhv1_malloc(sizeof *n + height * sizeof n->next[0]);
    if (!n)
        return NULL;
    n->key = (lhv1_bytes){NULL, 0};
    n->height = height;
    for (unsigned i = 0; i < height; i++)
        n->next[i] = NULL;
    return n;
}

/* A seed no client can predict: with a known one, a client that adds keys
 * can name them by their coming heights (the short ones all before the
 * tall ones) and make every search walk level 0 end to end. */
static uint64_t unpredictable_seed(const void *salt)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
        /* Only before the kernel's pool is ready, or without getrandom:
         * weaker, but never the same for two lists or two runs. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^
               (uint64_t)(uintptr_t)salt;
    }
    return seed ? seed : 0x9e3779b97f4a7c15ULL; /* xorshift stays at 0 */
}

int lhv1_key_order_init(lhv1_key_order *o)
{
    o->head = node_alloc(MAX_HEIGHT);
    o->height = 1;
    o->rng = unpredictable_seed(o->head);
    return o->head ? 0 : -1;
}

void lhv1_key_order_free(lhv1_key_order *o)
{
    lhv1_key_order_node *n = o->head;
    while (n) {
        lhv1_key_order_node *next = n->next[0];
        lhv1_free(n);
        n = next;
    }
    o->head = NULL;
}

lhv1_key_order_node *lhv1_key_order_node_new(lhv1_key_order *o)
{
    /* xorshift64: heights independent of the keys */
    o->rng ^= o->rng << 13;
    o->rng ^= o->rng >> 7;
    o->rng ^= o->rng << 17;
    unsigned h = 1;
    for (uint64_t r = o->rng; h < MAX_HEIGHT && (r & 3) == 0; r >>= 2)
        h++;
    return node_alloc(h);
}

void lhv1_key_order_node_free(lhv1_key_order_node *n)
{
    lhv1_free(n);
}

/* For each level, the last node whose key is < key (or <= key when
 * `after`). Returns the keys compared. */
static size_t find_before(const lhv1_key_order *o, lhv1_bytes key, int after,
                          lhv1_key_order_node **before)
{
    size_t compared = 0;
    lhv1_key_order_node *n = o->head;
    for (unsigned l = MAX_HEIGHT; l-- > 0;) {
        if (l < o->height)
            for (lhv1_key_order_node *x; (x = n->next[l]);) {
                int c = lhv1_bytes_cmp(x->key, key);
                compared++;
                if (c > 0 || (c == 0 && !after))
                    break;
                n = x;
            }
        before[l] = n;
    }
    return compared;
}

void lhv1_key_order_add(lhv1_key_order *o, lhv1_key_order_node *n, lhv1_bytes key)
{
    lhv1_key_order_node *before[MAX_HEIGHT];
    find_before(o, key, 0, before);
    n->key = key;
    if (n->height > o->height)
        o->height = n->height;
    for (unsigned l = 0; l < n->height; l++) {
        n->next[l] = before[l]->next[l];
        before[l]->next[l] = n;
    }
}

void lhv1_key_order_remove(lhv1_key_order *o, lhv1_bytes key)
{
    lhv1_key_order_node *before[MAX_HEIGHT];
    find_before(o, key, 0, before);
    lhv1_key_order_node *n = before[0]->next[0];
    if (!n || lhv1_bytes_cmp(n->key, key) != 0)
        return;
    for (unsigned l = 0; l < n->height; l++)
        before[l]->next[l] = n->next[l];
    lhv1_free(n);
}

int lhv1_key_order_seek(const lhv1_key_order *o, lhv1_bytes from, int after, lhv1_bytes *key)
{
    lhv1_key_order_node *before[MAX_HEIGHT];
    find_before(o, from, after, before);
    lhv1_key_order_node *n = before[0]->next[0];
    if (!n)
        return 0;
    *key = n->key;
    return 1;
}

size_t lhv1_key_order_seek_cost(const lhv1_key_order *o, lhv1_bytes from)
{
    lhv1_key_order_node *before[MAX_HEIGHT];
    return find_before(o, from, 0, before);
}
