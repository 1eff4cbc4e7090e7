/* lhv1 conform's run (lhv1testing/conform.h): the session, the cases of every
 * source in order (conform_goldens.c, conform_edits.c), each sent to the
 * testee and judged (conform_judge.c), then the failure list applied. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conform_run.h"
#include "lhv1testing/golden_manifest.h"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void conform_progress(run *r, const lhv1_conform_case *c)
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

lhv1_conform_case *conform_new_case(run *r, const char *kind, const char *fmt, ...)
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

char *conform_join_path(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + (c ? strlen(c) : 0) + 3;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s%s", a, b, c ? "/" : "", c ? c : "");
    return p;
}

int conform_write_path(const char *dir, const char *file, const uint8_t *p, size_t n)
{
    char *path = conform_join_path(dir, file, NULL);
    FILE *fp = path ? fopen(path, "wb") : NULL;
    int rc = fp && fwrite(p, 1, n, fp) == n ? 0 : -1;
    if (fp && fclose(fp) != 0)
        rc = -1;
    free(path);
    return rc;
}

int conform_read_path(const char *dir, const char *sub, const char *file, lhv1_buf *out)
{
    char *p = conform_join_path(dir, sub, file);
    int rc = p ? read_file(p, out) : -1;
    free(p);
    return rc;
}

void conform_clean_into(char *out, size_t n, const char *s)
{
    char *clean = conform_clean_text((const uint8_t *)s, strlen(s), n);
    snprintf(out, n, "%s", clean ? clean : "?");
    free(clean);
}

void conform_spec_text(char *out, size_t n, const char *verdict, const char *reason)
{
    char words[256];
    if (strcmp(verdict, "ok") == 0)
        snprintf(words, sizeof words, "ok");
    else
        snprintf(words, sizeof words, "%.100s %.100s", verdict, reason);
    conform_clean_into(out, n, words);
}

void conform_spec_from_status(char *out, size_t n, const lhv1_status *st)
{
    conform_spec_text(out, n, lhv1_verdict_name(st->verdict), lhv1_reason_code(st->reason));
}

/* Sends a load and judges it. `rep` keeps the answer for the caller. */
int conform_load_case(run *r, lhv1_conform_case *c, const char *name, lhv1_bytes obj,
                     const judge_expect *want, lhv1_testee_reply *rep)
{
    lhv1_buf_reset(&r->req);
    lhv1_testee_req_load(&r->req, name, obj.data, obj.len);
    if (session_call(&r->s, LHV1_OP_LOAD, &r->req, rep) != 0)
        return -1;
    judge_load(c, want, rep);
    conform_progress(r, c);
    return 0;
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
        char *lhv2 = conform_join_path(opts->goldens, "lhv2", NULL);
        rc = conform_golden_cases(&r, opts->goldens);
        if (rc == 0)
            rc = lhv2 ? conform_lhv2_cases(&r, lhv2) : -1;
        if (rc == 0)
            rc = conform_archive_cases(&r);
        if (rc == 0)
            rc = conform_edit_cases(&r);
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
