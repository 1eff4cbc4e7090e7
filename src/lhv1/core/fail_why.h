/* The parsers' and the testing library's way to refuse: the reason
 * formatted into the caller's buffer, -1 returned, so that a refusal is
 * one statement: `return lhv1_fail_why(why, why_len, "...", ...);`.
 * A NULL or empty buffer takes no reason. Header-only: nothing of it is
 * in liblhv1's objects. */
#ifndef LHV1_FAIL_WHY_H
#define LHV1_FAIL_WHY_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

__attribute__((format(printf, 3, 4))) static inline int lhv1_fail_why(char *why,
                                                                      size_t why_len,
                                                                      const char *fmt, ...)
{
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

#endif
