/* How one load is filed against what the client was told (campaign.h,
 * lhv1_judge_load): the campaign's classification, shared with replays. */
#include <stdio.h>
#include <string.h>

#include "lhv1testing/campaign.h"

lhv1_outcome lhv1_outcome_from_name(const char *name)
{
    for (int o = 0; o < LHV1_OUTCOME_COUNT; o++)
        if (!strcmp(lhv1_outcome_name((lhv1_outcome)o), name))
            return (lhv1_outcome)o;
    return LHV1_OUTCOME_COUNT;
}

static int has_absent(const lhv1_known_state *s, size_t n, lhv1_state_role role)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].role == role && !s[i].dump.data)
            return 1;
    return 0;
}

/* The first line where two dumps differ, for the report. */
static void first_diff(lhv1_bytes a, lhv1_bytes b, char *out, size_t n)
{
    size_t i = 0, line = 1, start = 0;
    while (i < a.len && i < b.len && a.data[i] == b.data[i]) {
        if (a.data[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    size_t end = start;
    while (end < a.len && a.data[end] != '\n' && end - start < 120)
        end++;
    snprintf(out, n, "dump line %zu: %.*s", line, (int)(end - start), (const char *)a.data + start);
}

lhv1_outcome lhv1_judge_load(const char *name, lhv1_verdict v, const lhv1_status *st,
                             lhv1_bytes dump, const lhv1_known_state *states, size_t n,
                             char *detail, size_t dn)
{
    snprintf(detail, dn, "%s: %.200s", lhv1_reason_code(st->reason), st->message);
    switch (v) {
    case LHV1_MISSING:
        if (has_absent(states, n, LHV1_ROLE_ACKED))
            return LHV1_OUT_LATEST;
        return has_absent(states, n, LHV1_ROLE_IN_FLIGHT) ? LHV1_OUT_IN_FLIGHT : LHV1_OUT_MISSING;
    case LHV1_STORE_ERROR: return LHV1_OUT_STORE_ERROR;
    case LHV1_BAD_FORMAT: return LHV1_OUT_BAD_FORMAT;
    case LHV1_DECODE_ERROR: return LHV1_OUT_DECODE_ERROR;
    case LHV1_INCONSISTENT: return LHV1_OUT_INCONSISTENT;
    default: break;
    }
    const lhv1_known_state *acked = NULL;
    for (size_t i = 0; i < n; i++)
        if (states[i].role == LHV1_ROLE_ACKED)
            acked = &states[i];
    for (size_t i = 0; i < n; i++) {
        if (!states[i].dump.data || !lhv1_bytes_eq(states[i].dump, dump))
            continue;
        if (states[i].role == LHV1_ROLE_ACKED)
            return LHV1_OUT_LATEST;
        if (states[i].role == LHV1_ROLE_IN_FLIGHT)
            return LHV1_OUT_IN_FLIGHT;
        snprintf(detail, dn, "loads %s generation %d; acknowledged: %s", name,
                 states[i].generation,
                 acked && acked->dump.data ? "a newer generation" : "its deletion");
        return LHV1_OUT_STALE;
    }
    if (acked && acked->dump.data)
        first_diff(dump, acked->dump, detail, dn);
    else
        snprintf(detail, dn, "loads ok; the last acknowledged op deleted it");
    return LHV1_OUT_SILENT_WRONG;
}
