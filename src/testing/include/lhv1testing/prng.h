/* The project's one pseudo-random generator, SplitMix64 (Steele, Lea and
 * Flood, 2014): seeded streams for the campaign, the fault store, the
 * fuzz mutator and the property tests. Every seed, 0 included, gives a
 * full-period stream. Not installed. */
#ifndef LHV1_PRNG_H
#define LHV1_PRNG_H

#include <stdint.h>

static inline uint64_t lhv1_prng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A value in [0, n); 0 when n is 0. */
static inline uint64_t lhv1_prng_below(uint64_t *state, uint64_t n)
{
    return n ? lhv1_prng_next(state) % n : 0;
}

/* A stateless hash of x: the first output of the stream seeded with x. */
static inline uint64_t lhv1_prng_hash(uint64_t x)
{
    return lhv1_prng_next(&x);
}

#endif
