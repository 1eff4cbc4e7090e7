/* The golden conformance suite (docs/GOLDENS.md). For every golden of
 * golden/MANIFEST.tsv: liblhv1's verdict and reason equal the spec's, its
 * prediction of Go's loader equals what Go did, and its canonical dump
 * equals the Go dumper's. Known, reviewed divergences are listed in
 * golden/KNOWN_DIVERGENCES.txt; a listed one that disappears fails too.
 *
 * The same check runs over a frozen archive (golden/archive/<format-id>/,
 * docs/GOLDENS.md): objects a released writer wrote with the outcomes
 * recorded then. There the reviewed list is the archive's CHANGES.txt and
 * the golden set's own promises (coverage, counts) are not asked: an
 * archive is checked for what it holds, never for what the live goldens
 * have become.
 *
 * Usage: lhv1_conformance_<variant> GOLDEN_DIR
 *        lhv1_conformance_<variant> --archive ARCHIVE_DIR */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_golden.h"
#include "check_suites.h"
#include "lhv1/index.h"
#include "lhv1/verdict.h"

static const char *golden_dir;
static int archive; /* golden_dir is a frozen archive */

/* Aspects another checker produces in the same list: Go reading C's
 * objects (reverse.sh), the Go reference over an archive
 * (archive_outcomes.py). Not this test's to call gone. */
static int other_checkers_aspect(const char *id)
{
    static const char *const aspects[] = {":reverse", ":go-ref", ":go-ref-dump"};
    size_t len = strlen(id);
    for (size_t i = 0; i < sizeof aspects / sizeof *aspects; i++) {
        size_t n = strlen(aspects[i]);
        if (len > n && strcmp(id + len - n, aspects[i]) == 0)
            return 1;
    }
    return 0;
}

/* A Markdown summary for CI to publish (LHV1_CONFORMANCE_REPORT): the
 * verdict x Go-behaviour matrix, and every divergence seen. */
static void write_report(const manifest *m, const findings *seen, size_t unexpected,
                         size_t vanished)
{
    const char *path = getenv("LHV1_CONFORMANCE_REPORT");
    if (!path)
        return;
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    static const char *verdicts[] = {"ok", "bad-format", "decode-error", "inconsistent"};
    static const char *gos[] = {"ok", "error", "panic", "fatal"};
    fprintf(f, "## Golden conformance\n\n%zu goldens; %zu divergences from C (%zu unexpected, "
               "%zu listed ones gone).\n\n| spec verdict | Go ok | Go error | Go panic | Go fatal |\n"
               "| --- | --- | --- | --- | --- |\n",
            m->n, seen->n, unexpected, vanished);
    for (size_t v = 0; v < 4; v++) {
        fprintf(f, "| %s |", verdicts[v]);
        for (size_t g = 0; g < 4; g++) {
            size_t c = 0;
            for (size_t i = 0; i < m->n; i++)
                c += !strcmp(m->rows[i].verdict, verdicts[v]) && !strcmp(m->rows[i].go, gos[g]);
            fprintf(f, " %zu |", c);
        }
        fputc('\n', f);
    }
    if (seen->n)
        fprintf(f, "\n| divergence | detail |\n| --- | --- |\n");
    for (size_t i = 0; i < seen->n; i++)
        fprintf(f, "| `%s` | %s |\n", seen->items[i].id, seen->items[i].message);
    fclose(f);
}

/* objects/ holds exactly the manifest's files: none unlisted, none missing. */
static void objects_are_the_manifest(const manifest *m, const char *what)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/objects", golden_dir);
    DIR *d = opendir(path);
    ck_assert_msg(d != NULL, "cannot open %s", path);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        files++;
        int listed = 0;
        for (size_t i = 0; i < m->n && !listed; i++)
            listed = strcmp(m->rows[i].file, e->d_name) == 0;
        ck_assert_msg(listed, "objects/%s is not in %s", e->d_name, what);
    }
    closedir(d);
    ck_assert_msg(files == m->n, "%zu object files, %zu manifest rows", files, m->n);
}

static void load_manifest(manifest *m)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", golden_dir);
    ck_assert_msg(manifest_read(path, m, err, sizeof err) == 0, "%s", err);
}

START_TEST(goldens_agree)
{
    manifest m;
    known_list known;
    char path[4096], err[512];
    load_manifest(&m);
    const char *list = archive ? "CHANGES.txt" : "KNOWN_DIVERGENCES.txt";
    snprintf(path, sizeof path, "%s/%s", golden_dir, list);
    ck_assert_msg(known_read(path, &known, err, sizeof err) == 0, "%s", err);

    findings seen = {0};
    for (size_t i = 0; i < m.n; i++)
        check_golden(golden_dir, &m.rows[i], &seen);

    size_t unexpected = 0, vanished = 0;
    for (size_t i = 0; i < seen.n; i++)
        if (!known_has(&known, seen.items[i].id)) {
            fprintf(stderr, "FAIL  %s\n      %s\n", seen.items[i].id, seen.items[i].message);
            unexpected++;
        }
    for (size_t i = 0; i < known.n; i++) {
        if (other_checkers_aspect(known.ids[i]))
            continue;
        if (!findings_has(&seen, known.ids[i])) {
            fprintf(stderr, "GONE  %s: listed in %s, but C and Go agree now\n", known.ids[i],
                    list);
            vanished++;
        }
    }
    if (unexpected || vanished) {
        fprintf(stderr, "\nEvery divergence of this run, as %s lines (paste only after "
                        "review):\n", list);
        for (size_t i = 0; i < seen.n; i++)
            fprintf(stderr, "%s  # %s\n", seen.items[i].id, seen.items[i].message);
    }
    write_report(&m, &seen, unexpected, vanished);
    fprintf(stderr, "conformance: %s: %zu %s, %zu divergences (%zu known), %zu unexpected, %zu gone\n",
            golden_dir, m.n, archive ? "archived objects" : "goldens", seen.n, seen.n - unexpected, unexpected, vanished);
    findings_free(&seen);
    known_free(&known);
    manifest_free(&m);
    ck_assert_msg(unexpected == 0 && vanished == 0,
                  "%zu unexpected divergences, %zu listed divergences gone (details above)",
                  unexpected, vanished);
}
END_TEST

/* The golden set is what docs/GOLDENS.md promises: enough goldens, every
 * reason code of an object covered, prefixes that match verdicts, and no
 * object file outside the manifest. */
START_TEST(manifest_is_complete)
{
    manifest m;
    load_manifest(&m);
    size_t y = 0, ni = 0;
    int covered[LHV1_REASON_COUNT] = {0};
    for (size_t i = 0; i < m.n; i++) {
        const golden_row *r = &m.rows[i];
        lhv1_reason reason = lhv1_reason_from_code(r->reason);
        ck_assert_msg(reason != LHV1_REASON_COUNT, "%s: unknown reason %s", r->file, r->reason);
        ck_assert_msg(strcmp(lhv1_verdict_name(lhv1_reason_verdict(reason)), r->verdict) == 0,
                      "%s: reason %s is not of verdict %s", r->file, r->reason, r->verdict);
        covered[reason] = 1;
        ck_assert_msg(!strcmp(r->go, "ok") || !strcmp(r->go, "error") || !strcmp(r->go, "panic") ||
                          !strcmp(r->go, "fatal"),
                      "%s: Go behaviour \"%s\"", r->file, r->go);
        if (r->file[0] == 'y') {
            y++;
            ck_assert_msg(!strcmp(r->verdict, "ok") && !strcmp(r->go, "ok") && strcmp(r->dump, "-"),
                          "%s: a y_ golden must be ok, load in Go and have a dump", r->file);
        } else {
            ni++;
            ck_assert_msg(r->file[0] == 'i' || strcmp(r->verdict, "ok") != 0,
                          "%s: an n_ golden must be rejected", r->file);
            ck_assert_msg(r->file[0] == 'n' || r->file[0] == 'i', "%s: prefix", r->file);
        }
    }
    ck_assert_msg(y >= 20, "only %zu y_ goldens", y);
    ck_assert_msg(ni >= 40, "only %zu n_/i_ goldens", ni);
    /* The LHV2 container's reasons have their goldens in golden/lhv2/
     * (test_lhv2.c checks those objects). */
    manifest m2;
    char p2[4096], err2[512];
    snprintf(p2, sizeof p2, "%s/lhv2/MANIFEST.tsv", golden_dir);
    ck_assert_msg(manifest_read(p2, &m2, err2, sizeof err2) == 0, "%s", err2);
    for (size_t i = 0; i < m2.n; i++) {
        lhv1_reason reason = lhv1_reason_from_code(m2.rows[i].reason);
        if (reason < LHV1_REASON_COUNT)
            covered[reason] = 1;
    }
    manifest_free(&m2);
    for (int k = 0; k < LHV1_REASON_COUNT; k++) {
        if (k == LHV1_R_KEY_MISSING || k == LHV1_R_STORE_FAILED || k == LHV1_R_OUT_OF_MEMORY)
            continue; /* store-layer codes and out-of-memory: no object carries them */
        ck_assert_msg(covered[k], "no golden for reason %s", lhv1_reason_code((lhv1_reason)k));
    }

    objects_are_the_manifest(&m, "MANIFEST.tsv");
    manifest_free(&m);
}
END_TEST

/* Goldens that discriminate: each graph parameter (M, Ml, EfSearch, the
 * distance) is off coder/hnsw's NewGraph default (16, 0.25, 20, cosine) in
 * some dumped golden, and takes two values or more, so a reader that drops
 * one (keeping the default) or swaps two fails a golden's dump, not only a
 * fuzz seed (docs/GOLDENS.md). */
START_TEST(params_discriminate)
{
    manifest m;
    load_manifest(&m);
    enum { P_M, P_ML, P_EF, P_DIST, P_COUNT };
    static const char *const what[] = {"M", "Ml", "EfSearch", "the distance"};
    int off_default[P_COUNT] = {0}, distinct[P_COUNT] = {0};
    int64_t first_m = 0, first_ef = 0;
    uint64_t first_ml = 0;
    int first_cosine = 0, seen = 0;
    for (size_t i = 0; i < m.n; i++) {
        const golden_row *r = &m.rows[i];
        if (strcmp(r->dump, "-") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/objects/%s", golden_dir, r->file);
        lhv1_buf body;
        lhv1_buf_init(&body);
        ck_assert_msg(read_file(path, &body) == 0, "cannot read %s", path);
        lhv1_index idx;
        lhv1_status st;
        ck_assert_msg(lhv1_index_load(body.data, body.len, NULL, &idx, &st) == LHV1_OK, "%s: %s",
                      r->file, st.message);
        const lhv1_graph *g = &idx.graph;
        uint64_t ml;
        memcpy(&ml, &g->ml, sizeof ml);
        int cosine = lhv1_bytes_eq(g->distance, lhv1_bytes_str("cosine"));
        off_default[P_M] |= g->m != 16;
        off_default[P_ML] |= g->ml != 0.25;
        off_default[P_EF] |= g->ef_search != 20;
        off_default[P_DIST] |= !cosine;
        if (seen) {
            distinct[P_M] |= g->m != first_m;
            distinct[P_ML] |= ml != first_ml;
            distinct[P_EF] |= g->ef_search != first_ef;
            distinct[P_DIST] |= cosine != first_cosine;
        } else {
            first_m = g->m, first_ml = ml, first_ef = g->ef_search, first_cosine = cosine;
            seen = 1;
        }
        lhv1_index_free(&idx);
        lhv1_buf_free(&body);
    }
    for (int p = 0; p < P_COUNT; p++) {
        ck_assert_msg(off_default[p], "no dumped golden has %s off coder/hnsw's default: a reader "
                                      "that drops it passes every golden", what[p]);
        ck_assert_msg(distinct[p], "every dumped golden has the same %s", what[p]);
    }
    manifest_free(&m);
}
END_TEST

/* An archive holds exactly its manifest's objects (their bytes are checked
 * by check_sha256.sh) and at least one of them. */
START_TEST(archive_is_whole)
{
    manifest m;
    load_manifest(&m);
    ck_assert_msg(m.n > 0, "%s: empty archive", golden_dir);
    objects_are_the_manifest(&m, "the archive's MANIFEST.tsv");
    manifest_free(&m);
}
END_TEST

int conformance_setup(int argc, char **argv)
{
    archive = argc > 2 && strcmp(argv[1], "--archive") == 0;
    golden_dir = archive ? argv[2] : argc > 1 ? argv[1] : getenv("LHV1_GOLDEN_DIR");
    if (!golden_dir) {
        fprintf(stderr, "usage: %s GOLDEN_DIR | --archive ARCHIVE_DIR\n", argv[0]);
        return 2;
    }
    return 0;
}

Suite *suite_conformance(void)
{
    Suite *s = suite_create("conformance");
    TCase *tc = tcase_create("goldens");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, archive ? archive_is_whole : manifest_is_complete);
    if (!archive)
        tcase_add_test(tc, params_discriminate);
    tcase_add_test(tc, goldens_agree);
    suite_add_tcase(s, tc);
    return s;
}
