/* The reports of lhv1 conform --fuzz (lhv1testing/conform.h): fuzz.json and
 * fuzz.md, the run's figures and one row per disagreement class; and the
 * candidate golden written for each class (conform_fuzz.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "conform_fuzz.h"
#include "internal.h"
#include "lhv1testing/markdown.h"

static void str(lhv1_buf *b, const char *s)
{
    lhv1_json_str_append(b, lhv1_bytes_str(s ? s : ""));
}

static double per_second(uint64_t n, double s)
{
    return s > 0 ? (double)n / s : 0.0;
}

int lhv1_conform_fuzz_json(const lhv1_conform_fuzz_result *r, lhv1_buf *b)
{
    lhv1_buf_puts(b, "{\"testee\":");
    str(b, r->testee);
    lhv1_buf_puts(b, ",\"version\":");
    str(b, r->version);
    lhv1_buf_printf(b,
                    ",\"execs\":%llu,\"seconds\":%.3f,\"execs_per_second\":%.1f,"
                    "\"skipped\":%llu,\"as_go\":%llu,\"disagreements\":%llu,"
                    "\"minimize_execs\":%llu,\"minimize_seconds\":%.3f,\"corpus_seeds\":%zu,"
                    "\"corpus_added\":%zu,\"classes\":%zu,\"restarts\":%zu,\"jobs\":%u,"
                    "\"candidates\":[",
                    (unsigned long long)r->execs, r->seconds, per_second(r->execs, r->seconds),
                    (unsigned long long)r->skipped, (unsigned long long)r->as_go,
                    (unsigned long long)r->disagreements, (unsigned long long)r->minimize_execs,
                    r->minimize_seconds, r->corpus_seeds, r->corpus_added, r->classes,
                    r->restarts, r->jobs);
    for (size_t i = 0; i < r->n_candidates; i++) {
        const lhv1_fuzz_candidate *c = &r->candidates[i];
        lhv1_buf_puts(b, i ? ",\n{\"class\":" : "\n{\"class\":");
        str(b, c->klass);
        lhv1_buf_puts(b, ",\"failure\":");
        str(b, c->failure);
        lhv1_buf_puts(b, ",\"dir\":");
        str(b, c->dir);
        lhv1_buf_printf(b,
                        ",\"inputs\":%llu,\"found_bytes\":%zu,\"minimized_bytes\":%zu,"
                        "\"minimize_loads\":%u}",
                        (unsigned long long)c->count, c->original_len, c->minimized_len,
                        c->evaluations);
    }
    lhv1_buf_puts(b, "]}\n");
    return b->failed ? -1 : 0;
}

int lhv1_conform_fuzz_markdown(const lhv1_conform_fuzz_result *r, lhv1_buf *b)
{
    lhv1_buf_puts(b, "# lhv1 conform --fuzz: ");
    lhv1_md_text_str(b, r->testee);
    lhv1_buf_puts(b, " (");
    lhv1_md_text_str(b, r->version);
    lhv1_buf_printf(b,
                    ")\n\n%llu inputs in %.1f s: %.0f exec/s with %u testee processes. Corpus: %zu seeds, %zu added; "
                    "%zu (behaviour, verdict, reason) classes. %llu inputs disagreed, in %zu "
                    "classes; %llu panics Go is predicted to have too; %llu drawn inputs not "
                    "sent (unchanged, or a Go allocation bomb); minimizing: %llu loads in %.1f "
                    "s; %zu restarts.\n",
                    (unsigned long long)r->execs, r->seconds, per_second(r->execs, r->seconds),
                    r->jobs, r->corpus_seeds, r->corpus_added, r->classes,
                    (unsigned long long)r->disagreements, r->n_candidates,
                    (unsigned long long)r->as_go, (unsigned long long)r->skipped,
                    (unsigned long long)r->minimize_execs, r->minimize_seconds, r->restarts);
    if (!r->n_candidates)
        return b->failed ? -1 : 0;
    lhv1_buf_puts(b, "\n| class | failure | inputs | bytes found → minimized | candidate |\n"
                     "| --- | --- | ---: | --- | --- |\n");
    for (size_t i = 0; i < r->n_candidates; i++) {
        const lhv1_fuzz_candidate *c = &r->candidates[i];
        lhv1_buf_puts(b, "| ");
        lhv1_md_text_str(b, c->klass);
        lhv1_buf_puts(b, " | ");
        lhv1_md_text_str(b, c->failure);
        lhv1_buf_printf(b, " | %llu | %zu → %zu | `", (unsigned long long)c->count,
                        c->original_len, c->minimized_len);
        lhv1_md_code_str(b, c->dir);
        lhv1_buf_puts(b, "` |\n");
    }
    return b->failed ? -1 : 0;
}

/* --- candidate goldens ----------------------------------------------------- */

static void put_bytes(lhv1_buf *b, const uint8_t *p, size_t n)
{
    if (!p)
        lhv1_buf_puts(b, "null");
    else
        lhv1_json_str_append(b, (lhv1_bytes){p, n});
}

/* A class as a directory name: lowercase letters, digits, '-', '_'. */
static void slug(char *out, size_t n, const char *s)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
            out[k++] = c;
        else if (k && out[k - 1] != '_')
            out[k++] = '_';
    }
    while (k && out[k - 1] == '_')
        k--;
    out[k] = '\0';
}

static int make_dir(const char *path)
{
    return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

int fuzz_write_candidate(const char *out, size_t index, lhv1_fuzz_candidate *cd,
                         const lhv1_buf *found, const lhv1_buf *small, const char *name,
                         const judged *j, char *err, size_t err_len)
{
    char tail[160], leaf[200];
    slug(tail, sizeof tail, j->klass);
    snprintf(leaf, sizeof leaf, "%03zu-%s", index, tail);
    char *top = conform_join_path(out, "candidates", NULL);
    char *dir = top ? conform_join_path(top, leaf, NULL) : NULL;
    if (!dir || make_dir(top) != 0 || make_dir(dir) != 0) {
        snprintf(err, err_len, "cannot make %s: %s", dir ? dir : "a directory", strerror(errno));
        free(top);
        free(dir);
        return -1;
    }
    free(top);
    cd->dir = dir;
    unsigned char sum[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(sum, small->data, small->len);
    char hex[2 * sizeof sum + 1];
    sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
    lhv1_buf b;
    lhv1_buf_init(&b);
    lhv1_buf_puts(&b, "{\"class\":");
    str(&b, j->klass);
    lhv1_buf_puts(&b, ",\"failure\":");
    str(&b, j->c.failure);
    lhv1_buf_puts(&b, ",\"name\":");
    str(&b, name);
    lhv1_buf_printf(&b, ",\"sha256\":\"%s\",\"found_bytes\":%zu,\"minimized_bytes\":%zu", hex,
                    found->len, small->len);
    lhv1_buf_puts(&b, ",\n\"testee\":{\"outcome\":");
    str(&b, lhv1_testee_outcome_name(j->rep.outcome));
    lhv1_buf_puts(&b, ",\"message\":");
    if (j->rep.message)
        str(&b, j->rep.message);
    else
        lhv1_buf_puts(&b, "null");
    lhv1_buf_puts(&b, ",\"dump\":");
    put_bytes(&b, j->rep.has_dump ? j->rep.dump : NULL, j->rep.dump_len);
    lhv1_buf_puts(&b, "},\n\"liblhv1\":{\"verdict\":");
    str(&b, lhv1_verdict_name(j->st.verdict));
    lhv1_buf_puts(&b, ",\"reason\":");
    str(&b, lhv1_reason_code(j->st.reason));
    lhv1_buf_puts(&b, ",\"message\":");
    str(&b, j->st.message);
    lhv1_buf_puts(&b, ",\"go_predicted\":");
    str(&b, j->c.go);
    lhv1_buf_puts(&b, ",\"dump\":");
    put_bytes(&b, j->dump.len ? j->dump.data : NULL, j->dump.len);
    lhv1_buf_puts(&b, "}}\n");
    /* The row golden/MANIFEST.tsv would get: Go's behaviour is liblhv1's
     * prediction until golden/gen records it. */
    int ok = j->st.verdict == LHV1_OK;
    char stem[64];
    snprintf(stem, sizeof stem, "%s_fuzz_%.12s", ok ? "y" : "n", hex);
    lhv1_buf row;
    lhv1_buf_init(&row);
    lhv1_buf_printf(&row,
                    "# file\tsha256\tverdict\treason\tgo\tgo_message\tdump\tabout\n"
                    "%s.lhv1\t%s\t%s\t%s\t%s\t-\t%s%s%s\tfound by lhv1 conform --fuzz: %s (Go "
                    "as liblhv1 predicts it: record it with golden/gen before committing)\n",
                    stem, hex, lhv1_verdict_name(j->st.verdict),
                    ok ? "-" : lhv1_reason_code(j->st.reason), j->c.go, ok ? "expected/" : "-",
                    ok ? stem : "", ok ? ".dump" : "", j->c.failure ? j->c.failure : "");
    int rc = b.failed || row.failed ||
                     conform_write_path(dir, "object.lhv1", small->data, small->len) != 0 ||
                     conform_write_path(dir, "found.lhv1", found->data, found->len) != 0 ||
                     conform_write_path(dir, "answers.json", b.data, b.len) != 0 ||
                     conform_write_path(dir, "MANIFEST.row", row.data, row.len) != 0
                 ? -1
                 : 0;
    if (rc != 0)
        snprintf(err, err_len, "cannot write the candidate in %s", dir);
    lhv1_buf_free(&b);
    lhv1_buf_free(&row);
    return rc;
}
