#include "check_golden.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lhv1/index.h"
#include "lhv1/lhv2.h"

void findings_add(findings *f, const char *file, const char *aspect, const char *fmt, ...)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        finding *grown = realloc(f->items, cap * sizeof *grown);
        if (!grown)
            abort();
        f->items = grown;
        f->cap = cap;
    }
    finding *x = &f->items[f->n++];
    snprintf(x->id, sizeof x->id, "%s:%s", file, aspect);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->message, sizeof x->message, fmt, ap);
    va_end(ap);
}

int findings_has(const findings *f, const char *id)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->items[i].id, id) == 0)
            return 1;
    return 0;
}

void findings_free(findings *f)
{
    free(f->items);
    memset(f, 0, sizeof *f);
}

/* Where two dumps first differ: line number and both lines, shortened. */
static void describe_diff(const lhv1_buf *want, const lhv1_buf *got, char *out, size_t len)
{
    size_t i = 0, line = 1, start = 0;
    while (i < want->len && i < got->len && want->data[i] == got->data[i]) {
        if (want->data[i] == '\n') {
            line++;
            start = i + 1;
        }
        i++;
    }
    size_t col = i - start;
    size_t from = col > 40 ? i - 40 : start;
    int wn = (int)(want->len - from < 100 ? want->len - from : 100);
    int gn = (int)(got->len - from < 100 ? got->len - from : 100);
    snprintf(out, len, "line %zu col %zu (%zu vs %zu bytes): Go ...%.*s | C ...%.*s", line, col,
             want->len, got->len, wn, (const char *)want->data + from, gn,
             (const char *)got->data + from);
    for (char *p = out; *p; p++)
        if (*p == '\n')
            *p = ' ';
}

static int same(const lhv1_buf *a, const lhv1_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* C re-encodes an ok index; the result must load as ok and dump the same. */
static void check_reencode(const golden_row *r, const lhv1_index *idx, const lhv1_buf *want,
                           findings *out)
{
    lhv1_buf enc, dump;
    lhv1_buf_init(&enc);
    lhv1_buf_init(&dump);
    lhv1_index again;
    lhv1_status st;
    if (lhv1_index_encode(idx, &enc) != 0) {
        findings_add(out, r->file, "reencode", "lhv1_index_encode failed");
    } else if (lhv1_index_load(enc.data, enc.len, r->name, &again, &st) != LHV1_OK) {
        findings_add(out, r->file, "reencode", "C's own encoding loads as %s: %s: %s",
                     lhv1_verdict_name(st.verdict), lhv1_reason_code(st.reason), st.message);
    } else {
        if (lhv1_index_dump(&again, &dump) != 0 || !same(want, &dump)) {
            char diff[700];
            describe_diff(want, &dump, diff, sizeof diff);
            findings_add(out, r->file, "reencode", "dump of C's re-encoding differs: %s", diff);
        }
        lhv1_index_free(&again);
    }
    lhv1_buf_free(&enc);
    lhv1_buf_free(&dump);
}

static int is_lhv2(const golden_row *r)
{
    size_t len = strlen(r->file);
    return len > 5 && strcmp(r->file + len - 5, ".lhv2") == 0;
}

/* An LHV2 golden (docs/LHV2.md): C's writer reproduces Go's bytes from the
 * sections, and the LHV1-only path names the successor instead of
 * misreading it. */
static void check_lhv2_paths(const golden_row *r, const lhv1_buf *body, int ok, findings *out)
{
    lhv1_status st;
    if (ok) {
        lhv1_bytes env, graph;
        lhv1_buf again;
        lhv1_buf_init(&again);
        if (lhv1_lhv2_unframe(body->data, body->len, &env, &graph, &st) != 0 ||
            lhv1_lhv2_frame(env, graph, &again, &st) != 0 || !same(&again, body))
            findings_add(out, r->file, "reencode", "lhv1_lhv2_frame does not reproduce Go's bytes");
        lhv1_buf_free(&again);
    }
    lhv1_index idx;
    lhv1_index_load(body->data, body->len, NULL, &idx, &st);
    const char *want = body->len < 8 ? "frame-too-short" : "frame-newer-format";
    if (strcmp(lhv1_reason_code(st.reason), want) != 0)
        findings_add(out, r->file, "lhv1-only", "the LHV1-only path says %s, not %s",
                     lhv1_reason_code(st.reason), want);
    if (idx.decoded)
        lhv1_index_free(&idx);
}

void check_golden(const char *dir, const golden_row *r, findings *out)
{
    char path[4096];
    lhv1_buf body, want, got;
    lhv1_buf_init(&body);
    lhv1_buf_init(&want);
    lhv1_buf_init(&got);
    snprintf(path, sizeof path, "%s/objects/%s", dir, r->file);
    if (read_file(path, &body) != 0) {
        findings_add(out, r->file, "read", "cannot read %s", path);
        goto done;
    }

    /* LHV1 goldens are loaded under their name, LHV2 ones (named after
     * the LHV1 golden they re-contain) by either container's path. Go's
     * behaviour on LHV2 is its LHV2 reader's, which the verdict records. */
    int v2 = is_lhv2(r);
    lhv1_index idx;
    lhv1_status st;
    lhv1_verdict v = v2 ? lhv1_index_load_any(body.data, body.len, NULL, &idx, NULL, &st)
                        : lhv1_index_load(body.data, body.len, r->name, &idx, &st);
    const char *cv = lhv1_verdict_name(v), *cr = lhv1_reason_code(st.reason);
    if (strcmp(cv, r->verdict) != 0 || strcmp(cr, r->reason) != 0)
        findings_add(out, r->file, "verdict", "spec says %s %s, C says %s %s (%s)", r->verdict,
                     r->reason, cv, cr, st.message);

    char why[256];
    lhv1_go g = v2 ? LHV1_GO_OK : lhv1_predict_go(body.data, body.len, why, sizeof why);
    if (!v2 && strcmp(lhv1_go_name(g), r->go) != 0)
        findings_add(out, r->file, "go", "Go did %s (%s), C predicts %s (%s)", r->go,
                     r->go_message, lhv1_go_name(g), why);

    if (strcmp(r->dump, "-") != 0) {
        snprintf(path, sizeof path, "%s/%s", dir, r->dump);
        if (read_file(path, &want) != 0) {
            findings_add(out, r->file, "dump", "cannot read %s", path);
        } else if (!idx.decoded) {
            findings_add(out, r->file, "dump", "Go dumped it, C cannot (verdict %s)", cv);
        } else if (lhv1_index_dump(&idx, &got) != 0 || !same(&want, &got)) {
            char diff[700];
            describe_diff(&want, &got, diff, sizeof diff);
            findings_add(out, r->file, "dump", "dumps differ: %s", diff);
        } else if (v == LHV1_OK && !v2) {
            check_reencode(r, &idx, &want, out);
        }
    }
    if (idx.decoded)
        lhv1_index_free(&idx);
    if (v2)
        check_lhv2_paths(r, &body, v == LHV1_OK, out);
done:
    lhv1_buf_free(&body);
    lhv1_buf_free(&want);
    lhv1_buf_free(&got);
}
