/* One golden checked against liblhv1: verdict and reason, the prediction of
 * Go's behaviour, the canonical dump, and a C re-encode that must dump the
 * same. Each disagreement is a finding named "<file>:<aspect>". */
#ifndef LHV1_CONFORMANCE_CHECK_GOLDEN_H
#define LHV1_CONFORMANCE_CHECK_GOLDEN_H

#include "lhv1testing/golden_manifest.h"

typedef struct finding {
    char id[320];
    char message[1024];
} finding;

typedef struct findings {
    finding *items;
    size_t n, cap;
} findings;

void findings_add(findings *f, const char *file, const char *aspect, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int findings_has(const findings *f, const char *id);
void findings_free(findings *f);

/* Appends what disagrees for row `r` of the golden directory `dir`. */
void check_golden(const char *dir, const golden_row *r, findings *out);

#endif
