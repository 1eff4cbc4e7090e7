/* The shortest decimal digits of a double that read back as it (internal):
 * what Go's strconv writes for FormatFloat(x, 'e', -1, 64), before layout. */
#ifndef LHV1_SHORTEST_DIGITS_H
#define LHV1_SHORTEST_DIGITS_H

/* Not exported from the shared liblhv1. */
#pragma GCC visibility push(hidden)

/* A double needs at most 17 significant digits. */
#define LHV1_SHORTEST_MAX 17

/* For v finite and non-zero (its sign ignored): the fewest significant
 * digits that a correctly rounding reader (strtod, Go's ParseFloat) turns
 * back into v; among as few, the one closest to v, and of two as close the
 * one whose last digit is even. Writes them to digits (no point, no
 * trailing zero, NUL-terminated), the decimal exponent of the first digit
 * to *exp10 (v = d.ddd x 10^exp10), and returns how many. Allocates
 * nothing. */
int lhv1_shortest_digits(double v, char digits[LHV1_SHORTEST_MAX + 1], int *exp10);

#pragma GCC visibility pop

#endif
