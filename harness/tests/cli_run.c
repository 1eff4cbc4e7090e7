/* One child-process runner for the CLI suites (cli_run.h). */
#include "cli_run.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static run_result pool[64];
static int n_pool;
static long limit_mb;
static int limit_asan;

void cli_run_limit_memory(long mb, int asan)
{
    limit_mb = mb;
    limit_asan = asan;
}

/* In the child, before exec. */
static void apply_limit(void)
{
    if (!limit_mb)
        return;
    if (limit_asan) {
        const char *old = getenv("ASAN_OPTIONS");
        char opts[512];
        snprintf(opts, sizeof opts, "%s%shard_rss_limit_mb=%ld", old ? old : "",
                 old && old[0] ? ":" : "", limit_mb);
        setenv("ASAN_OPTIONS", opts, 1);
    } else {
        struct rlimit rl = {(rlim_t)limit_mb << 20, (rlim_t)limit_mb << 20};
        setrlimit(RLIMIT_AS, &rl);
    }
}

void cli_slurp(int fd, lhv1_buf *b)
{
    lseek(fd, 0, SEEK_SET);
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        lhv1_buf_append(b, chunk, (size_t)n);
    lhv1_buf_putc(b, 0); /* the suites' text helpers rely on it */
    b->len--;
}

run_result *cli_run(const char *cli, const char *dir, const char *const *args)
{
    ck_assert_int_lt(n_pool, 64);
    run_result *r = &pool[n_pool++];
    char *argv[64];
    int n = 0;
    argv[n++] = (char *)cli;
    for (; args[n - 1] && n < 63; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    char out_path[300], err_path[300];
    snprintf(out_path, sizeof out_path, "%s/.stdout.XXXXXX", dir);
    snprintf(err_path, sizeof err_path, "%s/.stderr.XXXXXX", dir);
    int out = mkstemp(out_path), err = mkstemp(err_path);
    ck_assert(out >= 0 && err >= 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out, 1);
        dup2(err, 2);
        apply_limit();
        execv(cli, argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    ck_assert_int_eq(wait4(pid, &status, 0, &ru), pid);
    r->maxrss_kb = ru.ru_maxrss;
    r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    lhv1_buf_init(&r->out);
    lhv1_buf_init(&r->err);
    cli_slurp(out, &r->out);
    cli_slurp(err, &r->err);
    close(out);
    close(err);
    unlink(out_path);
    unlink(err_path);
    ck_assert_msg(r->code < 128, "lhv1 died of signal %d; stderr: %s", r->code - 128,
                  (char *)r->err.data);
    return r;
}

void cli_run_reset(void)
{
    for (int i = 0; i < n_pool; i++) {
        lhv1_buf_free(&pool[i].out);
        lhv1_buf_free(&pool[i].err);
    }
    n_pool = 0;
}
