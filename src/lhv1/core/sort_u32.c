/* Heapsort of 32-bit entries: in place, so sorting n entries costs no
 * heap (glibc's qsort mallocs a copy of the array, unseen by the heap
 * bound), and n log n whatever the order. */
#include "internal.h"

static void sift_down(uint32_t *a, size_t root, size_t n, lhv1_u32_cmp cmp, const void *ctx)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && cmp(a[child], a[child + 1], ctx) < 0)
            child++;
        if (cmp(a[root], a[child], ctx) >= 0)
            return;
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

void lhv1_sort_u32(uint32_t *a, size_t n, lhv1_u32_cmp cmp, const void *ctx)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n, cmp, ctx);
    for (size_t end = n; end > 1; end--) {
        uint32_t t = a[0];
        a[0] = a[end - 1];
        a[end - 1] = t;
        sift_down(a, 0, end - 1, cmp, ctx);
    }
}
