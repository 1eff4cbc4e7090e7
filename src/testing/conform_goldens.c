/* lhv1 conform's cases from manifests: golden/<file> with its use and
 * save, lhv2/<file>, archive/<id>/<file> (docs/CONFORMANCE.md, "Cases"). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform_run.h"
#include "lhv1/index.h"
#include "lhv1testing/golden_manifest.h"

/* What the LHV1-only reading of an object is, for a testee without lhv2:
 * liblhv1's LHV1-only verdict and its prediction of upstream Go. */
static void expect_lhv1_only(judge_expect *w, lhv1_bytes obj, const char *name)
{
    lhv1_index idx;
    lhv1_status st;
    lhv1_index_load(obj.data, obj.len, name, &idx, &st);
    if (idx.decoded)
        lhv1_index_free(&idx);
    w->spec_ok = st.verdict == LHV1_OK;
    conform_spec_from_status(w->spec, sizeof w->spec, &st);
    snprintf(w->go, sizeof w->go, "%s", lhv1_go_name(lhv1_predict_go(obj.data, obj.len, NULL, 0)));
    w->go_predicted = 1;
}

/* The name an LHV2 object is loaded as: its own params.name. LHV2 goldens
 * keep the name of the LHV1 golden they were made from, and their
 * recorded outcomes are those of a load that checks no name. */
static void lhv2_name(lhv1_bytes obj, const char *fallback, char *out, size_t n)
{
    lhv1_index idx;
    lhv1_status st;
    lhv1_index_load_any(obj.data, obj.len, NULL, &idx, NULL, &st);
    snprintf(out, n, "%s", idx.decoded && idx.env.name ? idx.env.name : fallback);
    if (idx.decoded)
        lhv1_index_free(&idx);
}

/* One manifest row of `dir` (golden/, golden/lhv2, an archive) as a load
 * case; `changes` is an archive's CHANGES.txt (may be NULL). */
static int row_case(run *r, const char *prefix, const char *dir, const golden_row *row,
                    const known_list *changes, lhv1_testee_reply *rep, lhv1_buf *obj,
                    lhv1_buf *expected)
{
    lhv1_buf_reset(obj);
    lhv1_buf_reset(expected);
    lhv1_conform_case *c = conform_new_case(r, prefix[0] == 'a' ? "archive" : prefix[0] == 'l' ? "lhv2"
                                                                                     : "golden",
                                    "%s/%s", prefix, row->file);
    if (!c) {
        snprintf(r->s.err, sizeof r->s.err, "out of memory");
        return -1;
    }
    c->about = conform_clean_text((const uint8_t *)row->about, strlen(row->about), 1024);
    if (conform_read_path(dir, "objects", row->file, obj) != 0) {
        snprintf(r->s.err, sizeof r->s.err, "%s/objects/%s: cannot read", dir, row->file);
        return -1;
    }
    size_t flen = strlen(row->file);
    int lhv2 = flen > 5 && strcmp(row->file + flen - 5, ".lhv2") == 0;
    judge_expect w = {0};
    lhv1_bytes o = {obj->data, obj->len};
    char name[256];
    snprintf(name, sizeof name, "%s", row->name);
    if (lhv2)
        lhv2_name(o, row->name, name, sizeof name);
    if (lhv2 && !(r->s.hello.caps & LHV1_CAP_LHV2)) {
        expect_lhv1_only(&w, o, name);
    } else {
        w.spec_ok = strcmp(row->verdict, "ok") == 0;
        conform_spec_text(w.spec, sizeof w.spec, row->verdict, row->reason);
        conform_clean_into(w.go, sizeof w.go, row->go);
        char id[300];
        snprintf(id, sizeof id, "%s:verdict", row->file);
        if (changes && known_has(changes, id)) { /* a reviewed change: today's spec */
            lhv1_index idx;
            lhv1_status st;
            lhv1_index_load_any(o.data, o.len, name, &idx, NULL, &st);
            if (idx.decoded)
                lhv1_index_free(&idx);
            w.spec_ok = st.verdict == LHV1_OK;
            conform_spec_from_status(w.spec, sizeof w.spec, &st);
        }
        snprintf(id, sizeof id, "%s:go-ref", row->file);
        if (changes && known_has(changes, id)) {
            snprintf(w.go, sizeof w.go, "%s", lhv1_go_name(lhv1_predict_go(o.data, o.len, NULL, 0)));
            w.go_predicted = 1;
        }
        snprintf(id, sizeof id, "%s:go-ref-dump", row->file);
        if (strcmp(row->dump, "-") != 0 && !(changes && known_has(changes, id))) {
            if (conform_read_path(dir, row->dump, NULL, expected) != 0) {
                snprintf(r->s.err, sizeof r->s.err, "%s/%s: cannot read", dir, row->dump);
                return -1;
            }
            w.dump = (lhv1_bytes){expected->data, expected->len};
            w.dump_reason = LHV1_R_DUMP;
        }
    }
    return conform_load_case(r, c, name, o, &w, rep);
}

/* The use and save cases of a golden whose load answered `load`. */
static int follow_ups(run *r, const golden_row *row, const lhv1_testee_reply *load,
                      lhv1_bytes obj, lhv1_bytes expected)
{
    unsigned caps = r->s.hello.caps;
    if ((caps & LHV1_CAP_USE) && strcmp(row->verdict, "ok") == 0) {
        lhv1_conform_case *u = conform_new_case(r, "use", "golden/%s/use", row->file);
        if (!u)
            return -1;
        if (load->outcome != LHV1_T_OK) {
            u->result = LHV1_CASE_SKIPPED;
            u->detail = strdup("its load did not succeed");
        } else if (judge_use(u, &r->s, &r->req, row->name, obj) != 0) {
            return -1;
        }
        conform_progress(r, u);
    }
    if ((caps & LHV1_CAP_SAVE) && expected.len) {
        lhv1_conform_case *sv = conform_new_case(r, "save", "golden/%s/save", row->file);
        if (!sv)
            return -1;
        lhv1_buf_reset(&r->req);
        lhv1_testee_req_save(&r->req, row->name, expected.data, expected.len);
        lhv1_testee_reply rep;
        if (session_call(&r->s, LHV1_OP_SAVE, &r->req, &rep) != 0)
            return -1;
        judge_save(sv, row->name, expected, &rep);
        lhv1_testee_reply_free(&rep);
        conform_progress(r, sv);
    }
    return 0;
}

/* Every row of one manifest. */
static int manifest_cases(run *r, const char *prefix, const char *dir, int with_follow_ups)
{
    char *mpath = conform_join_path(dir, "MANIFEST.tsv", NULL), *cpath = conform_join_path(dir, "CHANGES.txt", NULL);
    manifest m;
    known_list changes = {0};
    char err[512];
    int rc = -1, have_changes = 0;
    if (!mpath || !cpath || manifest_read(mpath, &m, err, sizeof err) != 0) {
        snprintf(r->s.err, sizeof r->s.err, "%s", mpath ? err : "out of memory");
        free(mpath);
        free(cpath);
        return -1;
    }
    if (strncmp(prefix, "archive", 7) == 0) {
        if (known_read(cpath, &changes, err, sizeof err) != 0) {
            snprintf(r->s.err, sizeof r->s.err, "%s", err);
            goto out;
        }
        have_changes = 1;
    }
    lhv1_buf obj, expected;
    lhv1_buf_init(&obj);
    lhv1_buf_init(&expected);
    rc = 0;
    for (size_t i = 0; i < m.n && rc == 0; i++) {
        lhv1_testee_reply rep;
        memset(&rep, 0, sizeof rep);
        rc = row_case(r, prefix, dir, &m.rows[i], have_changes ? &changes : NULL, &rep, &obj,
                      &expected);
        if (rc == 0 && with_follow_ups)
            rc = follow_ups(r, &m.rows[i], &rep, (lhv1_bytes){obj.data, obj.len},
                            (lhv1_bytes){expected.data, expected.len});
        lhv1_testee_reply_free(&rep);
    }
    lhv1_buf_free(&obj);
    lhv1_buf_free(&expected);
out:
    if (have_changes)
        known_free(&changes);
    manifest_free(&m);
    free(mpath);
    free(cpath);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* golden/archive/<id>/, in name order. */
int conform_archive_cases(run *r)
{
    char *root = conform_join_path(r->o->goldens, "archive", NULL);
    DIR *d = root ? opendir(root) : NULL;
    char **ids = NULL;
    size_t n = 0;
    int rc = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(ids, (n + 1) * sizeof *ids);
        if (!grown || !(grown[n] = strdup(e->d_name))) {
            ids = grown ? grown : ids;
            rc = -1;
            break;
        }
        ids = grown;
        n++;
    }
    if (d)
        closedir(d);
    qsort(ids, n, sizeof *ids, cmp_str);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *dir = conform_join_path(root, ids[i], NULL), *manifest_path = conform_join_path(root, ids[i], "MANIFEST.tsv");
        FILE *probe = manifest_path ? fopen(manifest_path, "r") : NULL;
        if (probe) {
            fclose(probe);
            char prefix[300];
            snprintf(prefix, sizeof prefix, "archive/%s", ids[i]);
            rc = dir ? manifest_cases(r, prefix, dir, 0) : -1;
        }
        free(dir);
        free(manifest_path);
    }
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(root);
    if (rc != 0 && !r->s.err[0])
        snprintf(r->s.err, sizeof r->s.err, "reading the archives failed");
    return rc;
}

int conform_golden_cases(run *r, const char *dir)
{
    return manifest_cases(r, "golden", dir, 1);
}

int conform_lhv2_cases(run *r, const char *dir)
{
    return manifest_cases(r, "lhv2", dir, 0);
}
