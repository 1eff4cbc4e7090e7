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
 * met in practice (about 1e-26 to 1e48) and bignums the rest. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "shortest_digits.h"

typedef unsigned __int128 u128;

/* Natural numbers of up to 20 x 64 bits. With the shared powers of two
 * divided out, no value held for any double passes 14 limbs (measured over
 * 4 million doubles of every exponent, both ends included: the smallest
 * subnormal's s is 2^752 before normalising). */
#define LIMBS 20
typedef struct big {
    int n; /* limbs in use; w[n - 1] != 0, or n == 0 for zero */
    uint64_t w[LIMBS];
} big;

static void trim(big *a)
{
    while (a->n > 0 && a->w[a->n - 1] == 0)
        a->n--;
}

static void big_set(big *a, uint64_t v)
{
    a->n = v != 0;
    a->w[0] = v;
}

static void big_shl(big *a, unsigned bits)
{
    if (a->n == 0)
        return;
    int limbs = (int)(bits / 64), n = a->n;
    unsigned b = bits % 64;
    a->w[n + limbs] = 0;
    for (int i = n - 1; i >= 0; i--) {
        u128 x = (u128)a->w[i] << b;
        a->w[i + limbs + 1] |= (uint64_t)(x >> 64);
        a->w[i + limbs] = (uint64_t)x;
    }
    for (int i = 0; i < limbs; i++)
        a->w[i] = 0;
    a->n = n + limbs + 1;
    trim(a);
}

static void big_mul_small(big *a, uint64_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        u128 x = (u128)a->w[i] * m + carry;
        a->w[i] = (uint64_t)x;
        carry = (uint64_t)(x >> 64);
    }
    if (carry)
        a->w[a->n++] = carry;
}

static void big_mul_pow5(big *a, int k)
{
    static const uint64_t pow5[28] = { /* 5^27 is the largest in 64 bits */
        1u, 5u, 25u, 125u, 625u, 3125u, 15625u, 78125u, 390625u, 1953125u, 9765625u, 48828125u,
        244140625u, 1220703125u, 6103515625u, 30517578125u, 152587890625u, 762939453125u,
        3814697265625u, 19073486328125u, 95367431640625u, 476837158203125u, 2384185791015625u,
        11920928955078125u, 59604644775390625u, 298023223876953125u, 1490116119384765625u,
        7450580596923828125u};
    for (; k >= 27; k -= 27)
        big_mul_small(a, pow5[27]);
    if (k > 0)
        big_mul_small(a, pow5[k]);
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
    for (; i < l->n; i++) {
        u128 x = (u128)l->w[i] + (i < s->n ? s->w[i] : 0) + carry;
        out->w[i] = (uint64_t)x;
        carry = (uint64_t)(x >> 64);
    }
    out->n = l->n;
    if (carry)
        out->w[out->n++] = carry;
}

/* a -= q x b, for a >= q x b (q = 1: a -= b). */
static void big_sub_mul(big *a, const big *b, uint64_t q)
{
    uint64_t carry = 0, borrow = 0;
    for (int i = 0; i < a->n; i++) {
        u128 p = (i < b->n ? (u128)b->w[i] * q : 0) + carry;
        carry = (uint64_t)(p >> 64);
        uint64_t sub = (uint64_t)p, x = a->w[i];
        uint64_t y = x - sub - borrow;
        borrow = x < sub || x - sub < borrow;
        a->w[i] = y;
    }
    trim(a);
}

/* floor(r / s) for r < 10 s, leaving the remainder in r. With s's top
 * bit set (normalised), the quotient of the top limbs is at most 2 short
 * of it. */
static int big_digit(big *r, const big *s)
{
    int n = s->n;
    u128 top = (u128)(r->n > n ? r->w[n] : 0) << 64 | (r->n >= n ? r->w[n - 1] : 0);
    int d = (int)(top / ((u128)s->w[n - 1] + 1));
    if (d)
        big_sub_mul(r, s, (uint64_t)d);
    while (big_cmp(r, s) >= 0) {
        big_sub_mul(r, s, 1);
        d++;
    }
    return d;
}

/* The digits from r/s with the interval's half-widths m_low and m_high
 * (scaled: r + m_high <= s, or < when the ends are excluded, and
 * 10 (r + m_high) > s), in 128-bit integers: a double of moderate exponent
 * keeps every quantity below 2^127 (s < 2^120, and r + m_high < 110 s). */
static int digits_u128(u128 r, u128 s, u128 m_low, u128 m_high, int inclusive,
                       char digits[LHV1_SHORTEST_MAX + 1])
{
    /* s a power of two (most values below 1): the digit is a shift. */
    int pow2 = (s & (s - 1)) == 0 ? 127 - (int)(s >> 64 ? __builtin_clzll((uint64_t)(s >> 64))
                                                    : 64 + __builtin_clzll((uint64_t)s))
                                  : -1;
    int n = 0;
    for (;;) {
        r *= 10;
        m_low *= 10;
        m_high *= 10;
        int d = 0;
        if (pow2 >= 0) {
            d = (int)(r >> pow2);
            r &= s - 1;
        } else {
            d = (int)(r / s);
            r -= (u128)d * s;
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
        if (m_high != m_low)
            big_mul_small(m_high, 10);
        int d = big_digit(r, s);
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

static u128 pow5_u128(int k)
{
    u128 p = 1;
    while (k-- > 0)
        p *= 5;
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

    /* k: 10^(k-1) < high <= 10^k (< when the ends are excluded). The
     * estimate from the binary exponent is k or k - 1; a comparison after
     * scaling settles it. */
    int bitlen = 64 - __builtin_clzll(f);
    int k = (int)ceil((e + bitlen - 1) * 0.30102999566398119521 - 1e-10);
    *exp10 = k - 1;

    /* v/10^k = r/s and its interval's ends (r - m_low)/s, (r + m_high)/s
     * in integers: r = 2f 2^e, s = 2 10^k, m_low = m_high = 2^e, with r, s
     * and m_high doubled when the low neighbour is nearer, and 10^k moved
     * to r and m as 10^-k when k < 0. Each is 5^p5 2^shift (f aside); the
     * power of two they share is divided out, so that more fit 128 bits. */
    int r_p5 = k < 0 ? -k : 0, s_p5 = k > 0 ? k : 0;
    int r_shift = e + 1 + narrow_low + r_p5, s_shift = 1 + narrow_low + s_p5, m_shift = e + r_p5;
    int common = m_shift < s_shift ? m_shift : s_shift; /* r_shift > m_shift */
    r_shift -= common;
    s_shift -= common;
    m_shift -= common;

    /* 128 bits when s x 10 stays below 2^120 and r below 2^124
     * (log2 5 < 7/3): then every value of digits_u128 fits. */
    if (s_shift + (7 * s_p5 + 2) / 3 + 4 < 120 && 53 + r_shift + (7 * r_p5 + 2) / 3 < 124) {
        u128 r = ((u128)f << r_shift) * pow5_u128(r_p5);
        u128 s = ((u128)1 << s_shift) * pow5_u128(s_p5);
        u128 m_low = ((u128)1 << m_shift) * pow5_u128(r_p5);
        u128 m_high = m_low << narrow_low;
        if (inclusive ? r + m_high >= s : r + m_high > s) {
            s *= 10;
            ++*exp10;
        }
        return digits_u128(r, s, m_low, m_high, inclusive, digits);
    }

    big r, s, m_low, m_high, t;
    big_set(&r, f);
    big_mul_pow5(&r, r_p5);
    big_shl(&r, (unsigned)r_shift);
    big_set(&s, 1);
    big_mul_pow5(&s, s_p5);
    big_shl(&s, (unsigned)s_shift);
    big_set(&m_low, 1);
    big_mul_pow5(&m_low, r_p5);
    big_shl(&m_low, (unsigned)m_shift);
    big *high = &m_low;
    if (narrow_low) {
        m_high = m_low;
        big_shl(&m_high, 1);
        high = &m_high;
    }
    big_add(&t, &r, high);
    if (big_cmp(&t, &s) >= !inclusive) { /* r + m+ > s (>= when inclusive) */
        big_mul_small(&s, 10);
        ++*exp10;
    }
    /* Normalise s for big_digit: the same shift for all keeps the ratios. */
    unsigned norm = (unsigned)__builtin_clzll(s.w[s.n - 1]);
    big_shl(&s, norm);
    big_shl(&r, norm);
    big_shl(&m_low, norm);
    if (narrow_low)
        big_shl(&m_high, norm);
    return digits_big(&r, &s, &m_low, high, inclusive, digits);
}
