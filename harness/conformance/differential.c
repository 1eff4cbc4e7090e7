#define _GNU_SOURCE /* memmem */
/* Differential checks of liblhv1 against Go itself, beyond the goldens.
 *
 *   lhv1_differential GO_BEHAVIOUR_TSV
 *     reads the Go reference's "-behaviour" lines (file TAB
 *     ok|error|panic|fatal TAB message) and fails on every object whose
 *     lhv1_predict_go differs: a bug of src/lhv1/gomodel/go_predict.c or a rule of Go
 *     that FORMAT.md 5a misses.
 *
 *   lhv1_differential --envelopes GO_ENVELOPE_TSV GOLDEN_DIR
 *     the promise of `ok` (FORMAT.md 5): reads the "-envelope-values" lines
 *     (file TAB ok|error TAB message TAB ENVELOPE-or-dash: what Go's
 *     DecodeEnvelope read) and fails when liblhv1 calls an object ok or
 *     inconsistent and Go does not load it with the same version, params,
 *     count and metadata (ENVELOPE of FORMAT.md 6, compared byte for
 *     byte). Files under GOLDEN_DIR/objects are goldens: Go's behaviour on
 *     the whole object is the manifest's. Every other file is an edited
 *     envelope in front of a y_ golden's graph, which Go loads: Go's
 *     behaviour on it is its envelope's, and the prediction must say so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/go_implications.h"
#include "lhv1/index.h"
#include "lhv1testing/golden_manifest.h"

/* The implications the fuzz targets assert on the prediction, checked on
 * what Go did. Returns 1 when one breaks. */
static int implication_broken(const char *file, const uint8_t *p, size_t n, const char *go)
{
    lhv1_index idx;
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load(p, n, NULL, &idx, &st);
    if (idx.decoded)
        lhv1_index_free(&idx);
    lhv1_go g = LHV1_GO_OK;
    while (strcmp(lhv1_go_name(g), go) != 0 && g < LHV1_GO_FATAL)
        g++;
    const char *broken = lhv1_go_implication_broken(v, st.reason, g);
    if (broken)
        fprintf(stderr, "FAIL %s: liblhv1 %s %s and Go %s break \"%s\"\n", file,
                lhv1_verdict_name(v), lhv1_reason_code(st.reason), go, broken);
    return broken != NULL;
}

static int behaviour_mode(const char *tsv)
{
    FILE *f = fopen(tsv, "r");
    if (!f) {
        perror(tsv);
        return 2;
    }
    char line[8192];
    size_t n = 0, bad = 0, by[4] = {0};
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *go = strchr(line, '\t');
        char *msg = go ? strchr(go + 1, '\t') : NULL;
        if (!go || !msg) {
            fprintf(stderr, "bad line: %s\n", line);
            fclose(f);
            return 2;
        }
        *go++ = '\0';
        *msg++ = '\0';
        lhv1_buf body;
        lhv1_buf_init(&body);
        if (read_file(line, &body) != 0) {
            fprintf(stderr, "%s: cannot read\n", line);
            fclose(f);
            return 2;
        }
        char why[256];
        lhv1_go g = lhv1_predict_go(body.data, body.len, why, sizeof why);
        n++;
        by[g]++;
        if (strcmp(lhv1_go_name(g), go) != 0) {
            bad++;
            fprintf(stderr, "FAIL %s: Go did %s (%s), C predicts %s (%s)\n", line, go, msg,
                    lhv1_go_name(g), why);
        }
        bad += (size_t)implication_broken(line, body.data, body.len, go);
        lhv1_buf_free(&body);
    }
    fclose(f);
    printf("differential: %zu objects (predicted ok %zu, error %zu, panic %zu, fatal %zu): "
           "%zu disagree with Go\n",
           n, by[0], by[1], by[2], by[3], bad);
    return bad == 0 && n > 0 ? 0 : 1;
}

/* ENVELOPE out of a dump: between "envelope": and the graph's line. */
static int envelope_of_dump(const lhv1_buf *d, const char **at, size_t *len)
{
    static const char open[] = "\n\"envelope\":", close[] = ",\n\"graph\":";
    const char *s = memmem(d->data, d->len, open, sizeof open - 1);
    if (!s)
        return -1;
    s += sizeof open - 1;
    const char *e = memmem(s, d->len - (size_t)(s - (const char *)d->data), close,
                           sizeof close - 1);
    if (!e)
        return -1;
    *at = s;
    *len = (size_t)(e - s);
    return 0;
}

static const golden_row *golden_of(const manifest *m, const char *path, const char *objects)
{
    size_t k = strlen(objects);
    if (strncmp(path, objects, k) != 0 || path[k] != '/')
        return NULL;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->rows[i].file, path + k + 1) == 0)
            return &m->rows[i];
    return NULL;
}

typedef struct tally {
    size_t goldens, edits, ok, inconsistent, rejected, go_ok, bad;
    size_t by_reason[LHV1_REASON_COUNT];
} tally;

/* One line: the file, Go's envelope outcome and message, Go's ENVELOPE. */
static void check_envelope(char *file, const char *go, const char *msg, const char *values,
                           const manifest *m, const char *objects, tally *t)
{
    lhv1_buf body;
    lhv1_buf_init(&body);
    if (read_file(file, &body) != 0) {
        fprintf(stderr, "FAIL %s: cannot read\n", file);
        t->bad++;
        return;
    }
    const golden_row *row = golden_of(m, file, objects);
    row ? t->goldens++ : t->edits++;
    t->go_ok += strcmp(go, "ok") == 0;
    /* Go's behaviour on the whole object. */
    const char *go_whole = row ? row->go : go;
    char why[256];
    lhv1_go g = lhv1_predict_go(body.data, body.len, why, sizeof why);
    if (strcmp(lhv1_go_name(g), go_whole) != 0) {
        t->bad++;
        fprintf(stderr, "FAIL %s: Go did %s (%s), C predicts %s (%s)\n", file, go_whole, msg,
                lhv1_go_name(g), why);
    }
    t->bad += (size_t)implication_broken(file, body.data, body.len, go_whole);
    lhv1_index idx;
    lhv1_status st;
    lhv1_verdict v = lhv1_index_load(body.data, body.len, NULL, &idx, &st);
    t->by_reason[st.reason]++;
    if (v != LHV1_OK && v != LHV1_INCONSISTENT) {
        t->rejected++;
        lhv1_buf_free(&body);
        return;
    }
    v == LHV1_OK ? t->ok++ : t->inconsistent++;
    if (strcmp(go_whole, "ok") != 0 || strcmp(go, "ok") != 0) {
        t->bad++;
        fprintf(stderr, "FAIL %s: liblhv1 says %s, Go does not load it: %s (%s)\n", file,
                lhv1_verdict_name(v), go_whole, msg);
    } else {
        lhv1_buf d;
        lhv1_buf_init(&d);
        const char *at;
        size_t len;
        if (lhv1_index_dump(&idx, &d) != 0 || d.failed || envelope_of_dump(&d, &at, &len) != 0) {
            t->bad++;
            fprintf(stderr, "FAIL %s: no dump\n", file);
        } else if (len != strlen(values) || memcmp(at, values, len) != 0) {
            t->bad++;
            fprintf(stderr, "FAIL %s: liblhv1 says %s and reads\n  %.*s\nGo reads\n  %s\n", file,
                    lhv1_verdict_name(v), (int)(len > 2000 ? 2000 : len), at, values);
        }
        lhv1_buf_free(&d);
    }
    lhv1_index_free(&idx);
    lhv1_buf_free(&body);
}

static int envelopes_mode(const char *tsv, const char *golden_dir)
{
    char path[4096], err[512];
    manifest m;
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", golden_dir);
    if (manifest_read(path, &m, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    char objects[4096];
    snprintf(objects, sizeof objects, "%s/objects", golden_dir);
    FILE *f = fopen(tsv, "r");
    if (!f) {
        perror(tsv);
        manifest_free(&m);
        return 2;
    }
    lhv1_buf line;
    lhv1_buf_init(&line);
    tally t = {0};
    int rc = 0, c;
    for (;;) {
        line.len = 0;
        while ((c = fgetc(f)) != EOF && c != '\n')
            lhv1_buf_putc(&line, (uint8_t)c);
        if (c == EOF && line.len == 0)
            break;
        lhv1_buf_putc(&line, '\0');
        char *file = (char *)line.data;
        char *go = strchr(file, '\t');
        char *msg = go ? strchr(go + 1, '\t') : NULL;
        char *values = msg ? strchr(msg + 1, '\t') : NULL;
        if (line.failed || !values) {
            fprintf(stderr, "bad line: %.200s\n", file);
            rc = 2;
            break;
        }
        *go++ = '\0';
        *msg++ = '\0';
        *values++ = '\0';
        check_envelope(file, go, msg, values, &m, objects, &t);
    }
    fclose(f);
    lhv1_buf_free(&line);
    manifest_free(&m);
    if (rc)
        return rc;
    printf("envelope proof: %zu goldens and %zu edited envelopes; Go loads %zu envelopes; "
           "liblhv1: ok %zu, inconsistent %zu, rejected %zu; %zu failures\n",
           t.goldens, t.edits, t.go_ok, t.ok, t.inconsistent, t.rejected, t.bad);
    printf("liblhv1's reasons:");
    for (int r = 0; r < LHV1_REASON_COUNT; r++)
        if (t.by_reason[r])
            printf(" %s %zu", lhv1_reason_code((lhv1_reason)r), t.by_reason[r]);
    printf("\n");
    /* The test must have something to prove: edits that liblhv1 accepts
     * and edits that Go loads, and edits of the new reasons' kinds. */
    if (t.edits < 5000 || t.ok + t.inconsistent == 0 || t.go_ok == 0 ||
        !t.by_reason[LHV1_R_ENV_FOLDED_KEY] || !t.by_reason[LHV1_R_ENV_INTEGER_SPELLING]) {
        fprintf(stderr, "FAIL the edits do not cover what they must (>= 5000 edits, accepted "
                        "ones, Go-loaded ones, folded keys and integer spellings)\n");
        return 1;
    }
    return t.bad == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return behaviour_mode(argv[1]);
    if (argc == 4 && strcmp(argv[1], "--envelopes") == 0)
        return envelopes_mode(argv[2], argv[3]);
    fprintf(stderr, "usage: %s GO_BEHAVIOUR_TSV\n       %s --envelopes GO_ENVELOPE_TSV GOLDEN_DIR\n",
            argv[0], argv[0]);
    return 2;
}
