/* The distance functions an LHV1 object may name (docs/FORMAT.md): the one
 * list, read by the envelope and graph decoders and the Go prediction.
 * They are the names coder/hnsw's registry resolves. */
#include "internal.h"

static const char *const distances[] = {"cosine", "euclidean"};

int lhv1_distance_known(lhv1_bytes name)
{
    for (size_t i = 0; i < sizeof distances / sizeof distances[0]; i++)
        if (lhv1_bytes_eq(name, lhv1_bytes_str(distances[i])))
            return 1;
    return 0;
}
