/* lhv1 conform --fuzz: differential fuzzing of a testee against liblhv1
 * (lhv1testing/conform.h, docs/CONFORMANCE.md "Fuzzing a testee"). Each worker
 * thread keeps one testee process for the whole run (--jobs of them, so
 * that a machine's cores all work). The seeds are judged first, unchanged;
 * then each input is a structure-aware edit (lhv1testing/object_edits.h) or a few
 * byte mutations of a corpus entry, judged as an edit case is judged: the
 * testee's behaviour against liblhv1's verdict and its prediction of Go,
 * its dump against liblhv1's. An input of a (behaviour, verdict, reason)
 * class not seen before joins the corpus. The first input of each
 * disagreement class is minimized (conform_fuzz_minimize.c) and written as
 * a candidate golden (conform_fuzz_report.c). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "conform_fuzz.h"
#include "internal.h"
#include "lhv1testing/golden_manifest.h"
#include "lhv1/index.h"
#include "lhv1testing/object_edits.h"
#include "lhv1testing/prng.h"

/* Inputs larger than this are no seeds (the edits are about structure). */
enum { SEED_MAX = 64 * 1024, CORPUS_MAX = 20000, PROGRESS_MS = 3000, JOBS_MAX = 64 };

uint64_t fuzz_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* mkdir -p. 0 or -1 (errno). */
static int make_dirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1;; p++) {
        int last = *p == '\0';
        if (*p == '/' || last) {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = c;
        }
        if (last)
            return 0;
    }
}

/* --- the corpus (under the lock once workers run) ------------------------ */

static int add_entry(fz *f, const uint8_t *p, size_t len, const char *name)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        fuzz_entry *grown = realloc(f->corpus, cap * sizeof *grown);
        if (!grown)
            return -1;
        f->corpus = grown;
        f->cap = cap;
    }
    fuzz_entry *e = &f->corpus[f->n];
    if (!(e->data = malloc(len ? len : 1)))
        return -1;
    memcpy(e->data, p, len);
    e->len = len;
    snprintf(e->name, sizeof e->name, "%s", name);
    f->n++;
    return 0;
}

/* The name an object is loaded under: its envelope's, when it has one. */
static void name_of(const uint8_t *p, size_t len, char *out, size_t n)
{
    lhv1_index idx;
    lhv1_status st;
    lhv1_index_load_any(p, len, NULL, &idx, NULL, &st);
    snprintf(out, n, "%s", idx.decoded && idx.env.name && *idx.env.name ? idx.env.name : "fuzz");
    if (idx.decoded)
        lhv1_index_free(&idx);
}

static int load_seeds(fz *f)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    if (f->o->goldens) {
        char *mpath = conform_join_path(f->o->goldens, "MANIFEST.tsv", NULL);
        manifest m;
        char err[512];
        if (!mpath || manifest_read(mpath, &m, err, sizeof err) != 0) {
            snprintf(f->err, sizeof f->err, "%s", mpath ? err : "out of memory");
            free(mpath);
            lhv1_buf_free(&b);
            return -1;
        }
        free(mpath);
        for (size_t i = 0; i < m.n; i++) {
            lhv1_buf_reset(&b);
            if (conform_read_path(f->o->goldens, "objects", m.rows[i].file, &b) == 0 &&
                b.len <= SEED_MAX && add_entry(f, b.data, b.len, m.rows[i].name) != 0)
                break;
        }
        manifest_free(&m);
    }
    DIR *d = f->o->corpus ? opendir(f->o->corpus) : NULL;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *path = conform_join_path(f->o->corpus, de->d_name, NULL);
        lhv1_buf_reset(&b);
        if (path && read_file(path, &b) == 0 && b.len <= SEED_MAX) {
            char name[256];
            name_of(b.data, b.len, name, sizeof name);
            add_entry(f, b.data, b.len, name);
        }
        free(path);
    }
    if (d)
        closedir(d);
    lhv1_buf_free(&b);
    f->r->corpus_seeds = f->n;
    if (!f->n) {
        snprintf(f->err, sizeof f->err,
                 "no seed: the golden directory and --corpus hold no object of %d KiB or less",
                 SEED_MAX >> 10);
        return -1;
    }
    return 0;
}

static int seen_behaviour(const fz *f, const char *b)
{
    for (size_t i = 0; i < f->n_behaviours; i++)
        if (strcmp(f->behaviours[i], b) == 0)
            return 1;
    return 0;
}

/* An input of a new (behaviour, verdict, reason) class joins the corpus,
 * and --corpus's directory. */
static int keep(fz *f, const uint8_t *p, size_t n, const char *name, const char *behaviour)
{
    char **grown = realloc(f->behaviours, (f->n_behaviours + 1) * sizeof *grown);
    if (!grown)
        return -1;
    f->behaviours = grown;
    if (!(grown[f->n_behaviours] = strdup(behaviour)))
        return -1;
    f->n_behaviours++;
    if (f->n >= CORPUS_MAX)
        return 0;
    if (add_entry(f, p, n, name) != 0)
        return -1;
    f->r->corpus_added++;
    if (f->o->corpus) {
        unsigned char sum[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(sum, p, n);
        char hex[2 * sizeof sum + 1], file[64];
        sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
        snprintf(file, sizeof file, "fuzz-%.16s.lhv1", hex);
        conform_write_path(f->o->corpus, file, p, n);
    }
    return 0;
}

/* --- judging one input --------------------------------------------------- */

void fuzz_judged_free(judged *j)
{
    free(j->c.failure);
    free(j->c.detail);
    free(j->c.name);
    lhv1_testee_reply_free(&j->rep);
    lhv1_buf_free(&j->dump);
    memset(j, 0, sizeof *j);
}

/* liblhv1's side of one input: verdict, prediction of Go, dump. */
typedef struct reference {
    worker *w;
    const uint8_t *obj;
    size_t len;
    const char *name;
    judged *j;
    judge_expect want;
    int done;
} reference;

static void reference_side(void *ctx)
{
    reference *x = ctx;
    judged *j = x->j;
    lhv1_index idx;
    if (x->w->s.hello.caps & LHV1_CAP_LHV2)
        lhv1_index_load_any(x->obj, x->len, x->name, &idx, NULL, &j->st);
    else
        lhv1_index_load(x->obj, x->len, x->name, &idx, &j->st);
    x->want.spec_ok = j->st.verdict == LHV1_OK;
    conform_spec_from_status(x->want.spec, sizeof x->want.spec, &j->st);
    snprintf(x->want.go, sizeof x->want.go, "%s",
             lhv1_go_name(lhv1_predict_go(x->obj, x->len, NULL, 0)));
    x->want.go_predicted = 1;
    if (x->want.spec_ok && lhv1_index_dump(&idx, &j->dump) == 0) {
        x->want.dump = (lhv1_bytes){j->dump.data, j->dump.len};
        x->want.dump_reason = LHV1_R_DUMP_EDIT;
    }
    if (idx.decoded)
        lhv1_index_free(&idx);
    x->done = 1;
}

int fuzz_judge(worker *w, const uint8_t *obj, size_t len, const char *name, judged *j)
{
    memset(j, 0, sizeof *j);
    lhv1_buf_init(&j->dump);
    strcpy(j->c.spec, "-");
    strcpy(j->c.go, "-");
    strcpy(j->c.outcome, "-");
    strcpy(j->c.dump, "-");
    reference x = {w, obj, len, name, j, {0}, 0};
    lhv1_buf_reset(&w->req);
    lhv1_testee_req_load(&w->req, name, obj, len);
    if (session_call_overlapped(&w->s, LHV1_OP_LOAD, &w->req, &j->rep, reference_side, &x) != 0)
        return -1;
    if (!x.done)
        reference_side(&x);
    judge_load(&j->c, &x.want, &j->rep);
    /* A panic where Go is predicted to panic is Go's (the goldens hold
     * those): counted, not a disagreement of this testee. */
    j->as_go = j->c.failed && j->rep.outcome == LHV1_T_PANIC &&
               strcmp(x.want.go, "panic") == 0 && strcmp(j->c.dump, "differs") != 0;
    j->disagreement = j->c.failed && !j->as_go;
    snprintf(j->behaviour, sizeof j->behaviour, "%s; spec %s", j->c.outcome, j->c.spec);
    snprintf(j->klass, sizeof j->klass, "testee %s; spec %s, Go %s (predicted); dump %s",
             j->c.outcome, j->c.spec, j->c.go, j->c.dump);
    return 0;
}

/* --- the workers --------------------------------------------------------- */

static size_t restarts(const worker *ws, size_t n)
{
    size_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ws[i].s.restarts;
    return sum;
}

/* Under the lock. */
static void progress(fz *f, int force)
{
    uint64_t t = fuzz_now_ms();
    if (!f->o->progress || (!force && t - f->last_progress < PROGRESS_MS))
        return;
    f->last_progress = t;
    double s = (double)(t - f->t0) / 1000.0;
    fprintf(f->o->progress,
            "conform --fuzz: %.0f s, %llu execs (%.0f/s), corpus %zu (+%zu), %zu classes, "
            "%llu disagreeing inputs in %zu classes\n",
            s, (unsigned long long)f->r->execs, s > 0 ? (double)f->r->execs / s : 0.0, f->n,
            f->r->corpus_added, f->n_behaviours, (unsigned long long)f->r->disagreements,
            f->r->n_candidates);
    fflush(f->o->progress);
}

/* One input to try, copied out of the corpus under the lock: the next
 * seed as it is (the seeds are judged first, all of them whatever the
 * time: what a run finds among the seeds does not depend on the machine's
 * speed), else an edit of a random entry (3 in 4, where it has a
 * structure) or a few byte mutations. 0, or 1 when the run is over. */
static int next_input(worker *w, lhv1_buf *obj, lhv1_buf *base, char *name, size_t name_len)
{
    fz *f = w->f;
    pthread_mutex_lock(&f->lock);
    int seed = f->next_seed < f->r->corpus_seeds;
    int over = f->stop || (!seed && fuzz_now_ms() >= f->end);
    seed = seed && !over;
    const fuzz_entry *e = over ? NULL
                          : seed ? &f->corpus[f->next_seed++]
                                 : &f->corpus[lhv1_prng_below(&w->rng, f->n)];
    lhv1_buf_reset(base);
    if (e) {
        lhv1_buf_append(base, e->data, e->len);
        snprintf(name, name_len, "%s", e->name);
    }
    pthread_mutex_unlock(&f->lock);
    if (over)
        return 1;
    lhv1_buf_reset(obj);
    if (seed) {
        lhv1_buf_append(obj, base->data, base->len);
        lhv1_buf_reset(base); /* "unchanged" is no reason to skip a seed */
        return 0;
    }
    uint64_t s = lhv1_prng_next(&w->rng), bytes = s ^ 0x5bd1e995u;
    char about[256];
    if (lhv1_prng_below(&w->rng, 4) != 0 &&
        lhv1_edit_object(base->data, base->len, s, lhv1_seeded_mutate, &bytes, obj, about,
                         sizeof about) == 0)
        return 0;
    lhv1_buf_reset(obj);
    lhv1_buf_append(obj, base->data, base->len);
    if (lhv1_buf_reserve(obj, 256) != 0)
        return 0;
    unsigned k = 1 + (unsigned)lhv1_prng_below(&w->rng, 4);
    for (unsigned i = 0; i < k; i++)
        obj->len = lhv1_seeded_mutate(obj->data, obj->len, base->len + 256, &bytes);
    return 0;
}

/* Under the lock: the candidate of a class, or -1. */
static long candidate_of(const lhv1_conform_fuzz_result *r, const char *klass)
{
    for (size_t i = 0; i < r->n_candidates; i++)
        if (strcmp(r->candidates[i].klass, klass) == 0)
            return (long)i;
    return -1;
}

/* The first input of a new disagreement class, already entered as
 * candidate `at`: minimized by this worker (the others fuzz on), then
 * written. */
static int minimize_and_write(worker *w, size_t at, const uint8_t *p, size_t n,
                              const char *name, const judged *first)
{
    fz *f = w->f;
    if (f->o->progress) {
        pthread_mutex_lock(&f->lock);
        fprintf(f->o->progress, "conform --fuzz: a disagreement: %s; minimizing %zu bytes\n",
                first->c.failure ? first->c.failure : first->klass, n);
        fflush(f->o->progress);
        pthread_mutex_unlock(&f->lock);
    }
    uint64_t t = fuzz_now_ms();
    unsigned budget = f->o->minimize_budget ? f->o->minimize_budget : 20000;
    unsigned seconds = f->o->minimize_seconds ? f->o->minimize_seconds : 30;
    lhv1_buf found, x;
    lhv1_buf_init(&found);
    lhv1_buf_init(&x);
    lhv1_buf_append(&found, p, n);
    lhv1_buf_append(&x, p, n);
    int ended = 0;
    unsigned loads = fuzz_minimize(w, &x, name, first->klass, budget, t + seconds * 1000ull,
                                   &ended);
    /* What the testee says of the minimized object now; a testee whose
     * answer moved is written with the object as found. */
    judged j;
    memset(&j, 0, sizeof j);
    int rc = ended ? -1 : fuzz_judge(w, x.data, x.len, name, &j);
    if (rc == 0 && !(j.disagreement && strcmp(j.klass, first->klass) == 0)) {
        fuzz_judged_free(&j);
        lhv1_buf_reset(&x);
        lhv1_buf_append(&x, p, n);
        rc = fuzz_judge(w, x.data, x.len, name, &j);
    }
    lhv1_fuzz_candidate written = {0};
    char err[512] = "";
    if (rc == 0)
        rc = fuzz_write_candidate(f->o->out, at, &written, &found, &x, name, &j, err, sizeof err);
    pthread_mutex_lock(&f->lock);
    lhv1_fuzz_candidate *cd = &f->r->candidates[at];
    cd->evaluations = loads;
    cd->minimized_len = x.len;
    cd->dir = written.dir;
    cd->failure = strdup(rc == 0 && j.c.failure ? j.c.failure : "");
    f->r->minimize_execs += loads;
    f->r->minimize_seconds += (double)(fuzz_now_ms() - t) / 1000.0;
    if (rc != 0 && !f->err[0])
        snprintf(f->err, sizeof f->err, "%s", err[0] ? err : w->s.err);
    pthread_mutex_unlock(&f->lock);
    fuzz_judged_free(&j);
    lhv1_buf_free(&found);
    lhv1_buf_free(&x);
    return rc;
}

/* Under the lock: what one judged input changes. Sets *minimize_at when
 * this worker is to minimize a new class. */
static int record(fz *f, const judged *j, const uint8_t *p, size_t n, const char *name,
                  long *minimize_at)
{
    lhv1_conform_fuzz_result *r = f->r;
    r->execs++;
    r->as_go += (uint64_t)j->as_go;
    if (!seen_behaviour(f, j->behaviour) && keep(f, p, n, name, j->behaviour) != 0)
        return -1;
    if (!j->disagreement)
        return 0;
    r->disagreements++;
    long at = candidate_of(r, j->klass);
    if (at >= 0) {
        r->candidates[at].count++;
        return 0;
    }
    lhv1_fuzz_candidate *grown = realloc(r->candidates, (r->n_candidates + 1) * sizeof *grown);
    if (!grown)
        return -1;
    r->candidates = grown;
    lhv1_fuzz_candidate *cd = &r->candidates[r->n_candidates];
    memset(cd, 0, sizeof *cd);
    if (!(cd->klass = strdup(j->klass)))
        return -1;
    cd->count = 1;
    cd->original_len = n;
    cd->minimized_len = n;
    *minimize_at = (long)r->n_candidates++;
    return 0;
}

static void stop_all(fz *f, const char *why)
{
    pthread_mutex_lock(&f->lock);
    f->stop = 1;
    if (!f->err[0])
        snprintf(f->err, sizeof f->err, "%s", why && *why ? why : "out of memory");
    pthread_mutex_unlock(&f->lock);
}

static void *work(void *arg)
{
    worker *w = arg;
    fz *f = w->f;
    lhv1_buf obj, base;
    lhv1_buf_init(&obj);
    lhv1_buf_init(&base);
    char name[256];
    while (next_input(w, &obj, &base, name, sizeof name) == 0) {
        uint64_t peak = 0;
        lhv1_go pred = obj.failed ? LHV1_GO_FATAL
                                  : lhv1_predict_go_peak(obj.data, obj.len, NULL, 0, &peak);
        int unchanged = base.len && obj.len == base.len &&
                        memcmp(obj.data, base.data, base.len) == 0;
        if (pred == LHV1_GO_FATAL || peak >= CONFORM_GO_PEAK_MAX || unchanged) {
            pthread_mutex_lock(&f->lock);
            f->r->skipped++;
            pthread_mutex_unlock(&f->lock);
            continue;
        }
        judged j;
        if (fuzz_judge(w, obj.data, obj.len, name, &j) != 0) {
            fuzz_judged_free(&j);
            stop_all(f, w->s.err);
            break;
        }
        long at = -1;
        pthread_mutex_lock(&f->lock);
        int rc = record(f, &j, obj.data, obj.len, name, &at);
        progress(f, 0);
        pthread_mutex_unlock(&f->lock);
        if (rc == 0 && at >= 0)
            rc = minimize_and_write(w, (size_t)at, obj.data, obj.len, name, &j);
        fuzz_judged_free(&j);
        if (rc != 0) {
            stop_all(f, w->s.err);
            break;
        }
    }
    lhv1_buf_free(&obj);
    lhv1_buf_free(&base);
    return NULL;
}

int lhv1_conform_fuzz(const lhv1_conform_fuzz_opts *o, lhv1_conform_fuzz_result *r, char *err,
                      size_t err_len)
{
    memset(r, 0, sizeof *r);
    fz f;
    memset(&f, 0, sizeof f);
    f.o = o;
    f.r = r;
    pthread_mutex_init(&f.lock, NULL);
    unsigned jobs = o->jobs ? (o->jobs < JOBS_MAX ? o->jobs : JOBS_MAX) : 1;
    worker *ws = calloc(jobs, sizeof *ws);
    size_t started = 0;
    int rc = -1;
    if (!ws)
        snprintf(f.err, sizeof f.err, "out of memory");
    else if (make_dirs(o->out) != 0)
        snprintf(f.err, sizeof f.err, "cannot make %s: %s", o->out, strerror(errno));
    else if (load_seeds(&f) == 0) {
        rc = 0;
        for (; started < jobs && rc == 0; started++) {
            worker *w = &ws[started];
            w->f = &f;
            w->s.argv = o->argv;
            w->s.timeout_ms = o->timeout_ms ? o->timeout_ms : 10000;
            w->s.headroom = o->headroom;
            w->rng = lhv1_prng_hash(o->seed * 0x9e3779b97f4a7c15ULL + started + 1);
            lhv1_buf_init(&w->req);
            if (session_start(&w->s) != 0) {
                snprintf(f.err, sizeof f.err, "%s", w->s.err);
                rc = -1;
            }
        }
    }
    if (rc == 0) {
        const char *t = ws[0].s.hello.testee ? ws[0].s.hello.testee : "?";
        const char *v = ws[0].s.hello.version ? ws[0].s.hello.version : "?";
        r->testee = conform_clean_text((const uint8_t *)t, strlen(t), 256);
        r->version = conform_clean_text((const uint8_t *)v, strlen(v), 256);
        f.t0 = f.last_progress = fuzz_now_ms();
        f.end = f.t0 + (uint64_t)(o->seconds * 1000.0);
        size_t running = 0;
        for (; running < jobs; running++)
            if (pthread_create(&ws[running].thread, NULL, work, &ws[running]) != 0) {
                stop_all(&f, "cannot start a worker thread");
                break;
            }
        for (size_t i = 0; i < running; i++)
            pthread_join(ws[i].thread, NULL);
        r->seconds = (double)(fuzz_now_ms() - f.t0) / 1000.0;
        pthread_mutex_lock(&f.lock);
        progress(&f, 1);
        pthread_mutex_unlock(&f.lock);
        rc = f.stop ? -1 : 0;
    }
    for (size_t i = 0; i < started; i++) {
        session_stop(&ws[i].s);
        lhv1_buf_free(&ws[i].req);
    }
    r->restarts = ws ? restarts(ws, started) : 0;
    r->jobs = jobs;
    free(ws);
    for (size_t i = 0; i < f.n; i++)
        free(f.corpus[i].data);
    free(f.corpus);
    r->classes = f.n_behaviours;
    for (size_t i = 0; i < f.n_behaviours; i++)
        free(f.behaviours[i]);
    free(f.behaviours);
    pthread_mutex_destroy(&f.lock);
    if (rc != 0) {
        snprintf(err, err_len, "%s", f.err[0] ? f.err : "out of memory");
        return -1;
    }
    return 0;
}

void lhv1_conform_fuzz_result_free(lhv1_conform_fuzz_result *r)
{
    for (size_t i = 0; i < r->n_candidates; i++) {
        free(r->candidates[i].klass);
        free(r->candidates[i].failure);
        free(r->candidates[i].dir);
    }
    free(r->candidates);
    free(r->testee);
    free(r->version);
    memset(r, 0, sizeof *r);
}
