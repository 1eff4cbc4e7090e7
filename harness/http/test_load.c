/* Load and crashes. Eight concurrent clients each run a bounded mix of
 * PUT/GET/HEAD/LIST/DELETE over keys of their own and shared keys, with
 * no fault: not one error, and every acknowledged write is what a later
 * read returns. Then kill -9 during PUTs on the file backend: after a
 * restart every key holds its old or its new body, never anything else. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http_util.h"
#include "check_suites.h"

#define CLIENTS 8
#define OPS 150
#define KEYS 6

static server srv;

typedef struct client {
    int id;
    int errors;
    int lost;
    long ops;
    char last[KEYS][160]; /* last acknowledged body per own key; "" deleted */
    char msg[256];
} client;

static void body_for(char *out, size_t n, int id, int key, int version)
{
    /* sizes from 40 B to a few KiB so bodies cross read boundaries */
    snprintf(out, n, "client=%d key=%d version=%d pad=%0*d", id, key, version,
             (version * 37 + key * 11) % 90, 0);
}

static void *run_client(void *arg)
{
    client *c = arg;
    unsigned seed = (unsigned)c->id * 2654435761u;
    for (int i = 0; i < OPS; i++) {
        int k = (int)(rand_r(&seed) % KEYS);
        int op = (int)(rand_r(&seed) % 10);
        char path[96], body[128];
        snprintf(path, sizeof path, "/load/c%d/k%d", c->id, k);
        resp r;
        if (op < 4) {
            body_for(body, sizeof body, c->id, k, i);
            http_req(&srv, &r, "PUT", path, body, strlen(body), NULL);
            if (r.rc != CURLE_OK || r.status != 200)
                c->errors++, snprintf(c->msg, sizeof c->msg, "PUT %s: %d %ld", path, r.rc, r.status);
            else
                snprintf(c->last[k], sizeof c->last[k], "%s", body);
        } else if (op < 7) {
            http_req(&srv, &r, op == 6 ? "HEAD" : "GET", path, NULL, 0, NULL);
            long want = c->last[k][0] ? 200 : 404;
            if (r.rc != CURLE_OK || r.status != want) {
                c->errors++;
                snprintf(c->msg, sizeof c->msg, "GET %s: %d %ld want %ld", path, r.rc, r.status, want);
            } else if (op == 5 && want == 200 && strcmp((char *)r.body.data, c->last[k])) {
                c->lost++;
                snprintf(c->msg, sizeof c->msg, "GET %s: %s, acknowledged %s", path,
                         (char *)r.body.data, c->last[k]);
            }
        } else if (op < 9) {
            http_req(&srv, &r, "DELETE", path, NULL, 0, NULL);
            if (r.rc != CURLE_OK || r.status != 204)
                c->errors++, snprintf(c->msg, sizeof c->msg, "DELETE %s: %ld", path, r.status);
            else
                c->last[k][0] = 0;
        } else {
            char lp[96];
            snprintf(lp, sizeof lp, "/load?list-type=2&prefix=c%d%%2F", c->id);
            http_req(&srv, &r, "GET", lp, NULL, 0, NULL);
            if (r.rc != CURLE_OK || r.status != 200) {
                c->errors++, snprintf(c->msg, sizeof c->msg, "LIST: %ld", r.status);
            } else {
                for (int j = 0; j < KEYS; j++) {
                    char key[32];
                    snprintf(key, sizeof key, "<Key>c%d/k%d</Key>", c->id, j);
                    int listed = strstr((char *)r.body.data, key) != NULL;
                    if (listed != (c->last[j][0] != 0))
                        c->lost++, snprintf(c->msg, sizeof c->msg, "LIST shows %s: %d", key, listed);
                }
            }
        }
        resp_free(&r);
        c->ops++;
    }
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(eight_clients_no_loss)
{
    server_start(&srv, NULL);
    resp r;
    http_status(&srv, "PUT", "/load", NULL, NULL, NULL);
    client cs[CLIENTS];
    pthread_t th[CLIENTS];
    memset(cs, 0, sizeof cs);
    double t0 = now_s();
    for (int i = 0; i < CLIENTS; i++) {
        cs[i].id = i;
        ck_assert_int_eq(pthread_create(&th[i], NULL, run_client, &cs[i]), 0);
    }
    long ops = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        ops += cs[i].ops;
    }
    double dt = now_s() - t0;
    for (int i = 0; i < CLIENTS; i++) {
        ck_assert_msg(cs[i].errors == 0, "client %d: %d errors, last: %s", i, cs[i].errors, cs[i].msg);
        ck_assert_msg(cs[i].lost == 0, "client %d: %d lost writes, last: %s", i, cs[i].lost, cs[i].msg);
        /* final state: every acknowledged write is there */
        for (int k = 0; k < KEYS; k++) {
            char path[64];
            snprintf(path, sizeof path, "/load/c%d/k%d", i, k);
            http_req(&srv, &r, "GET", path, NULL, 0, NULL);
            if (cs[i].last[k][0]) {
                ck_assert_int_eq(r.status, 200);
                ck_assert_str_eq((char *)r.body.data, cs[i].last[k]);
            } else {
                ck_assert_int_eq(r.status, 404);
            }
            resp_free(&r);
        }
    }
    ck_assert_int_eq(ops, CLIENTS * OPS);
    printf("load: %d clients x %d ops = %ld ops in %.2f s (%.0f ops/s, new connection per op), "
           "0 errors, 0 lost\n", CLIENTS, OPS, ops, dt, (double)ops / dt);
    server_stop(&srv);
}
END_TEST

/* --- kill -9 during PUTs ------------------------------------------- */

#define CRASH_KEYS 6
#define CRASH_SIZE (48 * 1024)

typedef struct writer {
    const server *s;
    volatile int stop;
} writer;

static void fill(char *b, char c)
{
    memset(b, c, CRASH_SIZE);
}

static void *write_new(void *arg)
{
    writer *w = arg;
    char *b = malloc(CRASH_SIZE);
    fill(b, 'N');
    for (int round = 0; !w->stop; round++) {
        for (int k = 0; k < CRASH_KEYS && !w->stop; k++) {
            char path[64];
            snprintf(path, sizeof path, "/crash/_vectors/k%d", k);
            resp r;
            http_req(w->s, &r, "PUT", path, b, CRASH_SIZE, NULL);
            resp_free(&r);
        }
    }
    free(b);
    return NULL;
}

START_TEST(kill9_old_or_new)
{
    char root[] = "lhv1-crash-XXXXXX"; /* in the test's working directory */
    ck_assert_ptr_nonnull(mkdtemp(root));
    const char *args[] = {"--root", root, NULL};
    char *old = malloc(CRASH_SIZE);
    fill(old, 'O');
    for (int attempt = 0; attempt < 2; attempt++) {
        server s;
        server_start(&s, args);
        resp r;
        http_status(&s, "PUT", "/crash", NULL, NULL, NULL);
        for (int k = 0; k < CRASH_KEYS; k++) {
            char path[64];
            snprintf(path, sizeof path, "/crash/_vectors/k%d", k);
            http_req(&s, &r, "PUT", path, old, CRASH_SIZE, NULL);
            ck_assert_int_eq(r.status, 200);
            resp_free(&r);
        }
        writer w[4];
        pthread_t th[4];
        for (int i = 0; i < 4; i++) {
            w[i].s = &s;
            w[i].stop = 0;
            pthread_create(&th[i], NULL, write_new, &w[i]);
        }
        usleep((useconds_t)(40000 + attempt * 25000));
        server_kill(&s);
        for (int i = 0; i < 4; i++)
            w[i].stop = 1;
        for (int i = 0; i < 4; i++)
            pthread_join(th[i], NULL);
        /* restart on the same directory */
        server_start(&s, args);
        int n_old = 0, n_new = 0;
        for (int k = 0; k < CRASH_KEYS; k++) {
            char path[64];
            snprintf(path, sizeof path, "/crash/_vectors/k%d", k);
            http_req(&s, &r, "GET", path, NULL, 0, NULL);
            ck_assert_int_eq(r.status, 200);
            ck_assert_int_eq(r.body.len, CRASH_SIZE);
            char c = (char)r.body.data[0];
            ck_assert(c == 'O' || c == 'N');
            for (size_t i = 0; i < CRASH_SIZE; i++)
                ck_assert_msg(r.body.data[i] == (uint8_t)c, "key %d mixes bodies at %zu", k, i);
            n_old += c == 'O';
            n_new += c == 'N';
            resp_free(&r);
        }
        /* the listing shows the keys and no temporary file */
        http_req(&s, &r, "GET", "/crash?list-type=2", NULL, 0, NULL);
        ck_assert_ptr_null(strstr((char *)r.body.data, "tmp"));
        resp_free(&r);
        http_req(&s, &r, "POST", "/_lhv1/reset", NULL, 0, NULL);
        resp_free(&r);
        server_stop(&s);
        printf("kill -9 attempt %d: %d old, %d new, 0 mixed\n", attempt, n_old, n_new);
    }
    free(old);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *suite_load(void)
{
    Suite *s = suite_create("load");
    TCase *tc = tcase_create("load");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, eight_clients_no_loss);
    tcase_add_test(tc, kill9_old_or_new);
    suite_add_tcase(s, tc);
    return s;
}
