/* lhv1 conform's run (lhv1/conform.h): the cases, in order, each sent to
 * the testee and judged (conform_judge.h). */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conform_judge.h"
#include "conform_session.h"
#include "lhv1/golden_manifest.h"
#include "lhv1/index.h"
#include "lhv1/object_edits.h"
#include "prng.h"

/* Edits are drawn from goldens this small (a few kilobytes), and kept only
 * when Go's largest allocation for them stays below this: allocation
 * bombs are the goldens' business, an edit is about structure. */
enum { EDIT_BASE_MAX = 16384 };
#define EDIT_GO_PEAK_MAX (64ull << 20)

typedef struct run {
    const lhv1_conform_opts *o;
    lhv1_conform_result *res;
    conform_session s;
    lhv1_buf req;
    uint64_t t0, last_progress;
    size_t failed_so_far;
} run;

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void progress(run *r, const lhv1_conform_case *c)
{
    r->failed_so_far += c->failed;
    uint64_t t = now_ms();
    if (!r->o->progress || t - r->last_progress < 3000)
        return;
    r->last_progress = t;
    fprintf(r->o->progress, "conform: %zu cases in %.0f s, %zu failing, %zu restarts (at %s)\n",
            r->res->n, (double)(t - r->t0) / 1000.0, r->failed_so_far, r->s.restarts, c->name);
    fflush(r->o->progress);
}

static lhv1_conform_case *new_case(run *r, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static lhv1_conform_case *new_case(run *r, const char *kind, const char *fmt, ...)
{
    lhv1_conform_result *res = r->res;
    if (res->n == res->cap) {
        size_t cap = res->cap ? res->cap * 2 : 256;
        lhv1_conform_case *grown = realloc(res->cases, cap * sizeof *grown);
        if (!grown)
            return NULL;
        res->cases = grown;
        res->cap = cap;
    }
    char name[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    lhv1_conform_case *c = &res->cases[res->n];
    memset(c, 0, sizeof *c);
    /* Names come from file names in a golden directory: kept printable. */
    if (!(c->name = conform_clean_text((const uint8_t *)name, strlen(name), sizeof name)))
        return NULL;
    res->n++;
    snprintf(c->kind, sizeof c->kind, "%s", kind);
    strcpy(c->spec, "-");
    strcpy(c->go, "-");
    strcpy(c->outcome, "-");
    strcpy(c->dump, "-");
    c->agrees_spec = c->agrees_go = '-';
    return c;
}

static char *join_path(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + (c ? strlen(c) : 0) + 3;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");
    return p;
}

static int read_path(const char *dir, const char *sub, const char *file, lhv1_buf *out)
{
    char *p = join_path(dir, sub, file);
    int rc = p ? read_file(p, out) : -1;
    free(p);
    return rc;
}

/* A manifest's words into out[n], kept printable. */
static void clean_into(char *out, size_t n, const char *s)
{
    char *clean = conform_clean_text((const uint8_t *)s, strlen(s), n);
    snprintf(out, n, "%s", clean ? clean : "?");
    free(clean);
}

static void spec_text(char *out, size_t n, const char *verdict, const char *reason)
{
    char words[256];
    if (strcmp(verdict, "ok") == 0)
        snprintf(words, sizeof words, "ok");
    else
        snprintf(words, sizeof words, "%.100s %.100s", verdict, reason);
    clean_into(out, n, words);
}

static void spec_from_status(char *out, size_t n, const lhv1_status *st)
{
    spec_text(out, n, lhv1_verdict_name(st->verdict), lhv1_reason_code(st->reason));
}

/* --- loads: goldens, LHV2, archives, edits ------------------------------ */

/* Sends a load and judges it. `rep` keeps the answer for the caller. */
static int load_case(run *r, lhv1_conform_case *c, const char *name, lhv1_bytes obj,
                     const judge_expect *want, lhv1_testee_reply *rep)
{
    lhv1_buf_reset(&r->req);
    lhv1_testee_req_load(&r->req, name, obj.data, obj.len);
    if (session_call(&r->s, LHV1_OP_LOAD, &r->req, rep) != 0)
        return -1;
    judge_load(c, want, rep);
    progress(r, c);
    return 0;
}

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
    spec_from_status(w->spec, sizeof w->spec, &st);
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
    lhv1_conform_case *c = new_case(r, prefix[0] == 'a' ? "archive" : prefix[0] == 'l' ? "lhv2"
                                                                                     : "golden",
                                    "%s/%s", prefix, row->file);
    if (!c) {
        snprintf(r->s.err, sizeof r->s.err, "out of memory");
        return -1;
    }
    c->about = conform_clean_text((const uint8_t *)row->about, strlen(row->about), 1024);
    if (read_path(dir, "objects", row->file, obj) != 0) {
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
        spec_text(w.spec, sizeof w.spec, row->verdict, row->reason);
        clean_into(w.go, sizeof w.go, row->go);
        char id[300];
        snprintf(id, sizeof id, "%s:verdict", row->file);
        if (changes && known_has(changes, id)) { /* a reviewed change: today's spec */
            lhv1_index idx;
            lhv1_status st;
            lhv1_index_load_any(o.data, o.len, name, &idx, NULL, &st);
            if (idx.decoded)
                lhv1_index_free(&idx);
            w.spec_ok = st.verdict == LHV1_OK;
            spec_from_status(w.spec, sizeof w.spec, &st);
        }
        snprintf(id, sizeof id, "%s:go-ref", row->file);
        if (changes && known_has(changes, id)) {
            snprintf(w.go, sizeof w.go, "%s", lhv1_go_name(lhv1_predict_go(o.data, o.len, NULL, 0)));
            w.go_predicted = 1;
        }
        snprintf(id, sizeof id, "%s:go-ref-dump", row->file);
        if (strcmp(row->dump, "-") != 0 && !(changes && known_has(changes, id))) {
            if (read_path(dir, row->dump, NULL, expected) != 0) {
                snprintf(r->s.err, sizeof r->s.err, "%s/%s: cannot read", dir, row->dump);
                return -1;
            }
            w.dump = (lhv1_bytes){expected->data, expected->len};
            w.dump_source = "the expected dump";
        }
    }
    return load_case(r, c, name, o, &w, rep);
}

/* The use and save cases of a golden whose load answered `load`. */
static int follow_ups(run *r, const golden_row *row, const lhv1_testee_reply *load,
                      lhv1_bytes obj, lhv1_bytes expected)
{
    unsigned caps = r->s.hello.caps;
    if ((caps & LHV1_CAP_USE) && strcmp(row->verdict, "ok") == 0) {
        lhv1_conform_case *u = new_case(r, "use", "golden/%s/use", row->file);
        if (!u)
            return -1;
        if (load->outcome != LHV1_T_OK) {
            u->result = LHV1_CASE_SKIPPED;
            u->detail = strdup("its load did not succeed");
        } else if (judge_use(u, &r->s, &r->req, row->name, obj) != 0) {
            return -1;
        }
        progress(r, u);
    }
    if ((caps & LHV1_CAP_SAVE) && expected.len) {
        lhv1_conform_case *sv = new_case(r, "save", "golden/%s/save", row->file);
        if (!sv)
            return -1;
        lhv1_buf_reset(&r->req);
        lhv1_testee_req_save(&r->req, row->name, expected.data, expected.len);
        lhv1_testee_reply rep;
        if (session_call(&r->s, LHV1_OP_SAVE, &r->req, &rep) != 0)
            return -1;
        judge_save(sv, row->name, expected, &rep);
        lhv1_testee_reply_free(&rep);
        progress(r, sv);
    }
    return 0;
}

/* Every row of one manifest. */
static int manifest_cases(run *r, const char *prefix, const char *dir, int with_follow_ups)
{
    char *mpath = join_path(dir, "MANIFEST.tsv", NULL), *cpath = join_path(dir, "CHANGES.txt", NULL);
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
static int archive_cases(run *r)
{
    char *root = join_path(r->o->goldens, "archive", NULL);
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
        char *dir = join_path(root, ids[i], NULL), *manifest_path = join_path(root, ids[i], "MANIFEST.tsv");
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

/* --- generated edits ------------------------------------------------------ */

typedef struct edit_base {
    const char *file, *name;
    char *stem;
    lhv1_buf obj;
} edit_base;

static int edit_one(run *r, const edit_base *b, unsigned i, lhv1_buf *obj, const char *about)
{
    lhv1_conform_case *c = new_case(r, "edit", "edit/%s/%u", b->stem, i);
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
    spec_from_status(w.spec, sizeof w.spec, &st);
    snprintf(w.go, sizeof w.go, "%s", lhv1_go_name(lhv1_predict_go(o.data, o.len, NULL, 0)));
    w.go_predicted = 1;
    lhv1_buf dump;
    lhv1_buf_init(&dump);
    if (w.spec_ok && lhv1_index_dump(&idx, &dump) == 0) {
        w.dump = (lhv1_bytes){dump.data, dump.len};
        w.dump_source = "liblhv1's dump";
    }
    if (idx.decoded)
        lhv1_index_free(&idx);
    lhv1_testee_reply rep;
    int rc = load_case(r, c, b->name, o, &w, &rep);
    if (rc == 0)
        lhv1_testee_reply_free(&rep);
    lhv1_buf_free(&dump);
    return rc;
}

static int edit_cases(run *r)
{
    if (!r->o->edits)
        return 0;
    char *mpath = join_path(r->o->goldens, "MANIFEST.tsv", NULL);
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
        if (read_path(r->o->goldens, "objects", row->file, &b->obj) != 0) {
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
            peak >= EDIT_GO_PEAK_MAX)
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

/* --- the run --------------------------------------------------------------- */

/* The failure list against the cases: protobuf's semantics. */
static void apply_list(lhv1_conform_result *res, const lhv1_failure_list *l)
{
    for (size_t i = 0; i < res->n; i++) {
        lhv1_conform_case *c = &res->cases[i];
        lhv1_failure_entry *e = lhv1_failure_list_find(l, c->name);
        if (e)
            e->used = 1;
        if (c->result == LHV1_CASE_SKIPPED)
            ;
        else if (!c->failed)
            c->result = e ? LHV1_CASE_NOW_PASSES : LHV1_CASE_PASS;
        else if (!e)
            c->result = LHV1_CASE_FAIL;
        else if (e->message && strcmp(e->message, c->failure) != 0) {
            c->result = LHV1_CASE_MESSAGE_CHANGED;
            c->listed_message = e->message;
        } else
            c->result = LHV1_CASE_EXPECTED;
        res->counts[c->result]++;
    }
    for (size_t i = 0; l && i < l->n; i++)
        if (!l->e[i].used) {
            const char **grown = realloc(res->stale, (res->n_stale + 1) * sizeof *grown);
            if (!grown)
                break;
            res->stale = grown;
            res->stale[res->n_stale++] = l->e[i].name;
        }
    res->failed = res->counts[LHV1_CASE_FAIL] || res->counts[LHV1_CASE_NOW_PASSES] ||
                  res->counts[LHV1_CASE_MESSAGE_CHANGED] || res->n_stale;
}

static char *join_argv(char *const *argv)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    for (size_t i = 0; argv[i]; i++) {
        if (i)
            lhv1_buf_putc(&b, ' ');
        lhv1_buf_puts(&b, argv[i]);
    }
    lhv1_buf_putc(&b, '\0');
    char *clean = b.failed ? NULL : conform_clean_text(b.data, b.len - 1, 4096);
    lhv1_buf_free(&b);
    return clean;
}

int lhv1_conform_run(const lhv1_conform_opts *opts, lhv1_conform_result *res, char *err,
                     size_t err_len)
{
    memset(res, 0, sizeof *res);
    run r;
    memset(&r, 0, sizeof r);
    r.o = opts;
    r.res = res;
    r.s.argv = opts->argv;
    r.s.timeout_ms = opts->timeout_ms ? opts->timeout_ms : 10000;
    r.s.headroom = opts->headroom;
    r.t0 = r.last_progress = now_ms();
    lhv1_buf_init(&r.req);
    res->command = join_argv(opts->argv);
    int rc = session_start(&r.s);
    if (rc == 0) {
        const char *t = r.s.hello.testee ? r.s.hello.testee : "?";
        const char *v = r.s.hello.version ? r.s.hello.version : "?";
        res->testee = conform_clean_text((const uint8_t *)t, strlen(t), 256);
        res->version = conform_clean_text((const uint8_t *)v, strlen(v), 256);
        res->caps = r.s.hello.caps;
        char *lhv2 = join_path(opts->goldens, "lhv2", NULL);
        rc = manifest_cases(&r, "golden", opts->goldens, 1);
        if (rc == 0)
            rc = lhv2 ? manifest_cases(&r, "lhv2", lhv2, 0) : -1;
        if (rc == 0)
            rc = archive_cases(&r);
        if (rc == 0)
            rc = edit_cases(&r);
        free(lhv2);
    }
    session_stop(&r.s);
    res->restarts = r.s.restarts;
    lhv1_buf_free(&r.req);
    res->seconds = (double)(now_ms() - r.t0) / 1000.0;
    if (rc != 0) {
        snprintf(err, err_len, "%s", r.s.err[0] ? r.s.err : "out of memory");
        return -1;
    }
    apply_list(res, opts->expected);
    return 0;
}

void lhv1_conform_result_free(lhv1_conform_result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        free(res->cases[i].name);
        free(res->cases[i].failure);
        free(res->cases[i].detail);
        free(res->cases[i].about);
    }
    free(res->cases);
    free(res->stale);
    free(res->command);
    free(res->testee);
    free(res->version);
    memset(res, 0, sizeof *res);
}

static const char *const result_names[] = {"pass", "FAIL", "expected failure", "NOW PASSES",
                                           "MESSAGE CHANGED", "skipped"};

const char *lhv1_case_result_name(lhv1_case_result r)
{
    return (unsigned)r < LHV1_CASE_RESULT_COUNT ? result_names[r] : "?";
}
