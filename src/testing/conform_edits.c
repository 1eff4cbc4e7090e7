/* lhv1 conform's generated cases: edit/<golden>/<n>, the structure-aware
 * edits of lhv1testing/object_edits.h drawn from a seed, judged against liblhv1
 * and its prediction of Go (docs/CONFORMANCE.md, "Cases"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform_run.h"
#include "lhv1/index.h"
#include "lhv1testing/golden_manifest.h"
#include "lhv1testing/object_edits.h"
#include "lhv1testing/prng.h"

/* Edits are drawn from goldens this small (a few kilobytes), and kept only
 * when Go's largest allocation for them stays below CONFORM_GO_PEAK_MAX:
 * an edit is about structure. */
enum { EDIT_BASE_MAX = 16384 };

typedef struct edit_base {
    const char *file, *name;
    char *stem;
    lhv1_buf obj;
} edit_base;

static int edit_one(run *r, const edit_base *b, unsigned i, lhv1_buf *obj, const char *about)
{
    lhv1_conform_case *c = conform_new_case(r, "edit", "edit/%s/%u", b->stem, i);
    if (!c || !(c->about = strdup(about))) {
        snprintf(r->s.err, sizeof r->s.err, "out of memory");
        return -1;
    }
    lhv1_bytes o = {obj->data, obj->len};
    lhv1_index idx;
    lhv1_status st;
    lhv1_index_load(o.data, o.len, b->name, &idx, &st);
    judge_expect w = {0};
    w.spec_ok = st.verdict == LHV1_OK;
    conform_spec_from_status(w.spec, sizeof w.spec, &st);
    snprintf(w.go, sizeof w.go, "%s", lhv1_go_name(lhv1_predict_go(o.data, o.len, NULL, 0)));
    w.go_predicted = 1;
    lhv1_buf dump;
    lhv1_buf_init(&dump);
    if (w.spec_ok && lhv1_index_dump(&idx, &dump) == 0) {
        w.dump = (lhv1_bytes){dump.data, dump.len};
        w.dump_reason = LHV1_R_DUMP_EDIT;
    }
    if (idx.decoded)
        lhv1_index_free(&idx);
    lhv1_testee_reply rep;
    int rc = conform_load_case(r, c, b->name, o, &w, &rep);
    if (rc == 0)
        lhv1_testee_reply_free(&rep);
    lhv1_buf_free(&dump);
    return rc;
}

int conform_edit_cases(run *r)
{
    if (!r->o->edits)
        return 0;
    char *mpath = conform_join_path(r->o->goldens, "MANIFEST.tsv", NULL);
    manifest m;
    char err[512];
    if (!mpath || manifest_read(mpath, &m, err, sizeof err) != 0) {
        snprintf(r->s.err, sizeof r->s.err, "%s", mpath ? err : "out of memory");
        free(mpath);
        return -1;
    }
    free(mpath);
    edit_base *bases = calloc(m.n ? m.n : 1, sizeof *bases);
    size_t nb = 0;
    int rc = bases ? 0 : -1;
    for (size_t i = 0; i < m.n && rc == 0; i++) {
        const golden_row *row = &m.rows[i];
        if (row->file[0] != 'y')
            continue;
        edit_base *b = &bases[nb];
        lhv1_buf_init(&b->obj);
        if (conform_read_path(r->o->goldens, "objects", row->file, &b->obj) != 0) {
            rc = -1;
            break;
        }
        if (b->obj.len > EDIT_BASE_MAX) {
            lhv1_buf_free(&b->obj);
            continue;
        }
        b->file = row->file;
        b->name = row->name;
        b->stem = strdup(row->file);
        if (!b->stem) {
            lhv1_buf_free(&b->obj);
            rc = -1;
            break;
        }
        b->stem[strlen(b->stem) - 5] = '\0'; /* without ".lhv1" */
        nb++;
    }
    lhv1_buf obj;
    lhv1_buf_init(&obj);
    unsigned made = 0;
    /* Deterministic: the same goldens, seed and count give the same edits.
     * Each edit takes the next base in turn and the next draw that changes
     * it and keeps Go's allocations small. */
    for (uint64_t attempt = 0; rc == 0 && nb && made < r->o->edits &&
                               attempt < 20ull * r->o->edits;
         attempt++) {
        const edit_base *b = &bases[made % nb];
        uint64_t seed = lhv1_prng_hash(r->o->seed * 0x9e3779b97f4a7c15ULL + attempt);
        uint64_t bytes_state = seed ^ 0x5bd1e995u;
        char about[256];
        lhv1_buf_reset(&obj);
        if (lhv1_edit_object(b->obj.data, b->obj.len, seed, lhv1_seeded_mutate, &bytes_state,
                             &obj, about, sizeof about) != 0)
            continue;
        uint64_t peak = 0;
        lhv1_predict_go_peak(obj.data, obj.len, NULL, 0, &peak);
        if ((obj.len == b->obj.len && memcmp(obj.data, b->obj.data, obj.len) == 0) ||
            peak >= CONFORM_GO_PEAK_MAX)
            continue;
        rc = edit_one(r, b, made, &obj, about);
        made++;
    }
    lhv1_buf_free(&obj);
    for (size_t i = 0; i < nb; i++) {
        free(bases[i].stem);
        lhv1_buf_free(&bases[i].obj);
    }
    free(bases);
    manifest_free(&m);
    if (rc != 0 && !r->s.err[0])
        snprintf(r->s.err, sizeof r->s.err, "generating the edits failed");
    return rc;
}

