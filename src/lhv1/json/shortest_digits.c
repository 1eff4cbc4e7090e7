/* The shortest round-trip digits of a double (shortest_digits.h), by Burger
 * and Dybvig's free-format algorithm ("Printing Floating-Point Numbers
 * Quickly and Accurately", PLDI 1996) on exact integers.
 *
 * v = f x 2^e lies between the midpoints low and high to its neighbours;
 * every decimal inside reads back as v, and so do the ends when f is even
 * (a correctly rounding reader breaks that tie towards the even f). With
 * v = r/s, high = (r + m_high)/s and low = (r - m_low)/s in integers, and s
 * scaled by 10^k so that the digits start at the first one of high, each
 * step takes the next digit d = floor(10r/s) and stops at the first prefix
 * from which rounding down (d) or up (d + 1) lands inside the interval;
 * where both do, the closer, and on a tie the even digit. Nothing is ever
 * rounded, so the result is exact; 128-bit integers carry the exponents
 * met in practice and bignums the rest. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "shortest_digits.h"

/* Natural numbers of up to 40 x 32 bits. The largest held is the scaled
 * r of the smallest subnormal: 2^55 x 10^324 x 10 < 2^1135. */
#define LIMBS 40
typedef struct big {
    int n; /* limbs in use; w[n - 1] != 0, or n == 0 for zero */
    uint32_t w[LIMBS];
} big;

static void big_set(big *a, uint64_t v)
{
    a->n = 0;
    while (v) {
        a->w[a->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static void big_shl(big *a, unsigned bits)
{
    if (a->n == 0)
        return;
    unsigned limbs = bits / 32, b = bits % 32;
    int n = a->n;
    a->w[n + (int)limbs] = 0;
    for (int i = n - 1; i >= 0; i--) {
        uint64_t x = (uint64_t)a->w[i] << b;
        a->w[i + (int)limbs + 1] |= (uint32_t)(x >> 32);
        a->w[i + (int)limbs] = (uint32_t)x;
    }
    for (unsigned i = 0; i < limbs; i++)
        a->w[i] = 0;
    a->n = n + (int)limbs + 1;
    while (a->n > 0 && a->w[a->n - 1] == 0)
        a->n--;
}

static void big_mul_small(big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t x = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)x;
        carry = x >> 32;
    }
    if (carry)
        a->w[a->n++] = (uint32_t)carry;
}

static void big_mul_pow10(big *a, int k)
{
    static const uint32_t pow10[10] = {1,      10,      100,      1000,      10000,
                                       100000, 1000000, 10000000, 100000000, 1000000000};
    for (; k >= 9; k -= 9)
        big_mul_small(a, pow10[9]);
    if (k > 0)
        big_mul_small(a, pow10[k]);
}

static int big_cmp(const big *a, const big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* out = a + b (out may be a). */
static void big_add(big *out, const big *a, const big *b)
{
    const big *l = a->n >= b->n ? a : b, *s = l == a ? b : a;
    uint64_t carry = 0;
    int i = 0;
    for (; i < s->n; i++) {
        uint64_t x = (uint64_t)l->w[i] + s->w[i] + carry;
        out->w[i] = (uint32_t)x;
        carry = x >> 32;
    }
    for (; i < l->n; i++) {
        uint64_t x = (uint64_t)l->w[i] + carry;
        out->w[i] = (uint32_t)x;
        carry = x >> 32;
    }
    out->n = l->n;
    if (carry)
        out->w[out->n++] = (uint32_t)carry;
}

/* a -= b, for a >= b. */
static void big_sub(big *a, const big *b)
{
    int64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        int64_t x = (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
        borrow = x < 0;
        a->w[i] = (uint32_t)(x + (borrow << 32));
    }
    while (a->n > 0 && a->w[a->n - 1] == 0)
        a->n--;
}

/* The digits from r/s with the interval's half-widths m_low and m_high
 * (scaled: r + m_high <= s, or < when the ends are excluded, and
 * 10 (r + m_high) > s), in 128-bit integers: a double of moderate exponent
 * keeps every quantity below 2^127 (s < 2^120, and r + m_high < 110 s). */
typedef unsigned __int128 u128;
static int digits_u128(u128 r, u128 s, u128 m_low, u128 m_high, int inclusive,
                       char digits[LHV1_SHORTEST_MAX + 1])
{
    int n = 0;
    for (;;) {
        r *= 10;
        m_low *= 10;
        m_high *= 10;
        int d = 0;
        while (r >= s) {
            r -= s;
            d++;
        }
        int down = inclusive ? r <= m_low : r < m_low;
        int up = inclusive ? r + m_high >= s : r + m_high > s;
        /* (17 digits always suffice: the bound only guards the buffer.) */
        if (!down && !up && n < LHV1_SHORTEST_MAX - 1) {
            digits[n++] = (char)('0' + d);
            continue;
        }
        if (down && up) /* the closer; on a tie the even digit */
            up = 2 * r > s || (2 * r == s && (d & 1));
        digits[n++] = (char)('0' + d + up);
        digits[n] = '\0';
        return n;
    }
}

/* The same in bignums, for the exponents beyond digits_u128's reach. */
static int digits_big(big *r, big *s, big *m_low, big *m_high, int inclusive,
                      char digits[LHV1_SHORTEST_MAX + 1])
{
    big t;
    int n = 0;
    for (;;) {
        big_mul_small(r, 10);
        big_mul_small(m_low, 10);
        big_mul_small(m_high, 10);
        int d = 0;
        while (big_cmp(r, s) >= 0) {
            big_sub(r, s);
            d++;
        }
        int down = big_cmp(r, m_low) < inclusive; /* r < m- (<= when inclusive) */
        big_add(&t, r, m_high);
        int up = big_cmp(&t, s) >= !inclusive; /* r + m+ > s (>= when inclusive) */
        if (!down && !up && n < LHV1_SHORTEST_MAX - 1) {
            digits[n++] = (char)('0' + d);
            continue;
        }
        if (down && up) {
            big_add(&t, r, r);
            int c = big_cmp(&t, s);
            up = c > 0 || (c == 0 && (d & 1));
        }
        digits[n++] = (char)('0' + d + up);
        digits[n] = '\0';
        return n;
    }
}

static u128 pow10_u128(int k)
{
    u128 p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

int lhv1_shortest_digits(double v, char digits[LHV1_SHORTEST_MAX + 1], int *exp10)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t frac = bits & ((1ULL << 52) - 1);
    int biased = (int)(bits >> 52) & 0x7FF;
    uint64_t f = biased ? frac | 1ULL << 52 : frac;
    int e = biased ? biased - 1075 : -1074;
    /* The interval's ends count when f is even; below a power of two
     * (not the smallest normal) the neighbour is half as far. */
    int inclusive = (f & 1) == 0;
    int narrow_low = frac == 0 && biased > 1;
    /* v = r/s, high = (r + m_high)/s, low = (r - m_low)/s (before scaling):
     * e >= 0: r = 2f 2^e, s = 2, m = 2^e; e < 0: r = 2f, s = 2^(1-e), m = 1;
     * with r, s and m_high doubled when the low neighbour is nearer. */
    unsigned r_shift = (e >= 0 ? (unsigned)e : 0) + 1 + (unsigned)narrow_low;
    unsigned s_shift = (e >= 0 ? 0 : (unsigned)-e) + 1 + (unsigned)narrow_low;
    unsigned m_shift = e >= 0 ? (unsigned)e : 0;

    /* k: 10^(k-1) < high <= 10^k (< when the ends are excluded). The
     * estimate from the binary exponent is k or k - 1; a comparison after
     * scaling settles it. */
    int bitlen = 64 - __builtin_clzll(f);
    int k = (int)ceil((e + bitlen - 1) * 0.30102999566398119521 - 1e-10);
    *exp10 = k - 1;

    /* s x 10^max(k, 0) x 10 below 2^120 (4 > log2 10); r and m below s x 10. */
    if (r_shift + 53 < 120 && (int)s_shift + 4 * (k > 0 ? k + 1 : 1) < 120 && k > -37) {
        u128 r = (u128)f << r_shift, s = (u128)1 << s_shift, m_low = (u128)1 << m_shift;
        if (k >= 0) {
            s *= pow10_u128(k);
        } else {
            u128 p = pow10_u128(-k);
            r *= p;
            m_low *= p;
        }
        u128 m_high = m_low << narrow_low;
        if (inclusive ? r + m_high >= s : r + m_high > s) {
            s *= 10;
            ++*exp10;
        }
        return digits_u128(r, s, m_low, m_high, inclusive, digits);
    }

    big r, s, m_low, m_high, t;
    big_set(&r, f);
    big_shl(&r, r_shift);
    big_set(&s, 1);
    big_shl(&s, s_shift);
    big_set(&m_low, 1);
    big_shl(&m_low, m_shift);
    if (k >= 0) {
        big_mul_pow10(&s, k);
    } else {
        big_mul_pow10(&r, -k);
        big_mul_pow10(&m_low, -k);
    }
    m_high = m_low;
    big_shl(&m_high, (unsigned)narrow_low);
    big_add(&t, &r, &m_high);
    if (big_cmp(&t, &s) >= !inclusive) { /* r + m+ > s (>= when inclusive) */
        big_mul_small(&s, 10);
        ++*exp10;
    }
    return digits_big(&r, &s, &m_low, &m_high, inclusive, digits);
}
