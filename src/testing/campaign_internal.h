/* Pieces of the campaign shared by its sources; not public API. */
#ifndef LHV1_CAMPAIGN_INTERNAL_H
#define LHV1_CAMPAIGN_INTERNAL_H

#include "lhv1testing/campaign.h"
#include "lhv1/persistor.h"

/* One saved state of one index: built with the graph writer, encoded,
 * and its canonical dump (what a correct Load must give back). */
typedef struct camp_content {
    const char *index;
    int gen;
    lhv1_buf graph_bytes; /* written with lhv1_gw_*; idx.graph views it */
    lhv1_index idx;
    lhv1_buf body;        /* lhv1_index_encode_as(idx, the workload's format) */
    lhv1_buf dump;        /* lhv1_index_dump of body, loaded */
} camp_content;

typedef struct camp_op {
    const char *index;
    int content; /* index into contents; -1 for a delete */
} camp_op;

typedef struct camp_workload {
    camp_content *contents;
    size_t n_contents;
    const camp_op *ops;
    size_t n_ops;
    const char *const *names; /* every index name, in load order */
    size_t n_names;
    size_t n_puts, n_dels;
    lhv1_format format; /* the container every save writes */
} camp_workload;

/* Builds every content in `format` and checks it loads `ok` with distinct
 * dumps. Returns 0, or -1 with a message in `why`. */
int camp_workload_build(camp_workload *w, lhv1_format format, char *why, size_t why_len);
void camp_workload_free(camp_workload *w);

#endif
