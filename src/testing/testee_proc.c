/* A testee process under a deadline (lhv1testing/testee_proc.h). */
#define _GNU_SOURCE
#include "lhv1testing/testee_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lhv1testing/testee_wire.h"

extern char **environ;

struct lhv1_testee_proc {
    pid_t pid;
    int in, out, err; /* our ends: its stdin, stdout, stderr; -1 once closed */
    int reaped;
    int status;       /* waitpid's, once reaped */
    uint8_t tail[LHV1_TESTEE_STDERR_KEEP]; /* ring of its stderr */
    size_t tail_pos, tail_len;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

lhv1_testee_proc *lhv1_testee_proc_start(char *const argv[], char *err, size_t err_len)
{
    if (!argv || !argv[0]) {
        snprintf(err, err_len, "no testee command");
        return NULL;
    }
    lhv1_testee_proc *t = calloc(1, sizeof *t);
    int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1};
    if (!t || pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(er, O_CLOEXEC)) {
        snprintf(err, err_len, "%s", t ? strerror(errno) : "out of memory");
        goto fail;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, er[1], 2);
    posix_spawnattr_init(&attr);
    /* Its own process group, so a wrapper and what it starts die together;
     * SIGPIPE back to its default (the runner ignores it, and an ignored
     * signal stays ignored across exec). */
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &def);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawnp(&t->pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        snprintf(err, err_len, "cannot start %s: %s", argv[0], strerror(rc));
        goto fail;
    }
    close(in[0]);
    close(out[1]);
    close(er[1]);
    t->in = in[1];
    t->out = out[0];
    t->err = er[0];
    fcntl(t->in, F_SETFL, fcntl(t->in, F_GETFL) | O_NONBLOCK);
    fcntl(t->out, F_SETFL, fcntl(t->out, F_GETFL) | O_NONBLOCK);
    fcntl(t->err, F_SETFL, fcntl(t->err, F_GETFL) | O_NONBLOCK);
    return t;
fail:
    for (int i = 0; i < 2; i++) {
        close_fd(&in[i]);
        close_fd(&out[i]);
        close_fd(&er[i]);
    }
    free(t);
    return NULL;
}

pid_t lhv1_testee_proc_pid(const lhv1_testee_proc *t)
{
    return t->pid;
}

/* VmSize of a process, in bytes; 0 when it cannot be read (it exited). */
static uint64_t vm_size(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long long vm_kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmSize: %llu kB", &vm_kb) == 1)
            break;
    if (f)
        fclose(f);
    return (uint64_t)vm_kb * 1024u;
}

/* The process group of a process (/proc/PID/stat's fifth field, after the
 * command name, which may hold spaces and parentheses); -1 when unknown. */
static pid_t pgroup_of(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *end = strrchr(buf, ')');
    int pgrp;
    if (!end || sscanf(end + 1, " %*c %*d %d", &pgrp) != 1)
        return -1;
    return (pid_t)pgrp;
}

static int limit_one(pid_t pid, uint64_t headroom)
{
    uint64_t vm = vm_size(pid);
    if (!vm)
        return -1;
    struct rlimit lim;
    lim.rlim_cur = lim.rlim_max = (rlim_t)(vm + headroom);
    return prlimit(pid, RLIMIT_AS, &lim, NULL);
}

int lhv1_testee_proc_limit(lhv1_testee_proc *t, uint64_t headroom, char *err, size_t err_len)
{
    if (!vm_size(t->pid)) {
        snprintf(err, err_len, "cannot read the testee's address space size (/proc/%d/status)",
                 (int)t->pid);
        return -1;
    }
    if (limit_one(t->pid, headroom) != 0) {
        snprintf(err, err_len, "cannot limit the testee's address space: %s", strerror(errno));
        return -1;
    }
    /* Every other process of its group too: behind a wrapper (`go run`, a
     * shell, an interpreter's launcher) the reader runs in a child started
     * before hello, which a limit on the wrapper would not reach. One that
     * exits meanwhile is no error. */
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0 || (pid_t)pid == t->pid || pgroup_of((pid_t)pid) != t->pid)
            continue;
        limit_one((pid_t)pid, headroom);
    }
    if (d)
        closedir(d);
    return 0;
}

static void keep_stderr(lhv1_testee_proc *t, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        t->tail[t->tail_pos] = p[i];
        t->tail_pos = (t->tail_pos + 1) % sizeof t->tail;
    }
    t->tail_len = t->tail_len + n < sizeof t->tail ? t->tail_len + n : sizeof t->tail;
}

/* Reads what stderr holds now; closes it at its end. */
static void drain_stderr(lhv1_testee_proc *t)
{
    uint8_t buf[8192];
    while (t->err >= 0) {
        ssize_t r = read(t->err, buf, sizeof buf);
        if (r > 0) {
            keep_stderr(t, buf, (size_t)r);
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            close_fd(&t->err);
        break;
    }
}

size_t lhv1_testee_proc_stderr(const lhv1_testee_proc *t, uint8_t *out, size_t cap)
{
    size_t n = t->tail_len < cap ? t->tail_len : cap;
    size_t start = (t->tail_pos + sizeof t->tail - n) % sizeof t->tail;
    for (size_t i = 0; i < n; i++)
        out[i] = t->tail[(start + i) % sizeof t->tail];
    return n;
}

static void describe_end(const lhv1_testee_proc *t, const char *what, char *why, size_t why_len)
{
    if (WIFEXITED(t->status))
        snprintf(why, why_len, "%s; it exited with status %d", what, WEXITSTATUS(t->status));
    else if (WIFSIGNALED(t->status))
        snprintf(why, why_len, "%s; it was killed by signal %d (%s)", what,
                 WTERMSIG(t->status), strsignal(WTERMSIG(t->status)));
    else
        snprintf(why, why_len, "%s", what);
}

/* Waits up to wait_ms for the process to end; then kills its group while
 * the process is still unreaped (so the group id cannot have been reused),
 * reaps it and collects the rest of its stderr. */
static void finish(lhv1_testee_proc *t, unsigned wait_ms)
{
    close_fd(&t->in);
    close_fd(&t->out);
    if (t->reaped)
        return;
    uint64_t deadline = now_ms() + wait_ms;
    for (;;) {
        siginfo_t si;
        si.si_pid = 0;
        if (waitid(P_PID, (id_t)t->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 && errno != EINTR)
            break;
        if (si.si_pid == t->pid || now_ms() >= deadline)
            break;
        drain_stderr(t);
        struct pollfd p = {t->err, POLLIN, 0};
        poll(&p, t->err >= 0 ? 1 : 0, 10);
    }
    kill(-t->pid, SIGKILL);
    kill(t->pid, SIGKILL);
    while (waitpid(t->pid, &t->status, 0) < 0 && errno == EINTR)
        ;
    t->reaped = 1;
    /* Its group may hold stderr open a moment longer. */
    deadline = now_ms() + 200;
    while (t->err >= 0 && now_ms() < deadline) {
        struct pollfd p = {t->err, POLLIN, 0};
        if (poll(&p, 1, 20) > 0)
            drain_stderr(t);
    }
    close_fd(&t->err);
}

void lhv1_testee_proc_kill(lhv1_testee_proc *t, char *why, size_t why_len)
{
    finish(t, 0);
    describe_end(t, "killed by the runner", why, why_len);
}

lhv1_xchg lhv1_testee_proc_exchange(lhv1_testee_proc *t, const uint8_t *req, size_t len,
                                    unsigned timeout_ms, lhv1_buf *resp, char *why,
                                    size_t why_len)
{
    return lhv1_testee_proc_exchange_overlapped(t, req, len, timeout_ms, resp, why, why_len,
                                                NULL, NULL);
}

lhv1_xchg lhv1_testee_proc_exchange_overlapped(lhv1_testee_proc *t, const uint8_t *req,
                                               size_t len, unsigned timeout_ms, lhv1_buf *resp,
                                               char *why, size_t why_len,
                                               void (*while_waiting)(void *), void *ctx)
{
    lhv1_buf_reset(resp);
    if (t->reaped || t->in < 0 || t->out < 0) {
        snprintf(why, why_len, "the testee is not running");
        return LHV1_XCHG_CRASH;
    }
    uint8_t hdr[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16),
                      (uint8_t)(len >> 24)};
    size_t sent = 0, total = 4 + len; /* header then body */
    uint8_t in_hdr[4];
    size_t got_hdr = 0;
    uint64_t want = 0;
    const char *ended = NULL;
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        if (got_hdr == 4 && resp->len == want)
            return LHV1_XCHG_OK;
        uint64_t now = now_ms();
        if (now >= deadline)
            break;
        struct pollfd p[3] = {{t->out, POLLIN, 0}, {t->err, POLLIN, 0},
                              {sent < total ? t->in : -1, POLLOUT, 0}};
        int r = poll(p, 3, (int)(deadline - now));
        if (r < 0 && errno != EINTR) {
            ended = "poll failed";
            goto crashed;
        }
        if (p[1].revents)
            drain_stderr(t);
        if (p[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
            const uint8_t *src = sent < 4 ? hdr + sent : req + (sent - 4);
            size_t left = sent < 4 ? 4 - sent : total - sent;
            ssize_t w = write(t->in, src, left);
            if (w > 0)
                sent += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EINTR)
                sent = total; /* its stdin is closed: wait for what it says */
            if (sent == total && while_waiting) {
                while_waiting(ctx); /* the testee works on the request meanwhile */
                while_waiting = NULL;
            }
        }
        if (p[0].revents) {
            uint8_t buf[65536];
            size_t room = got_hdr < 4 ? 4 - got_hdr : want - resp->len;
            ssize_t n = read(t->out, buf, room < sizeof buf ? room : sizeof buf);
            if (n == 0) {
                ended = "it closed its stdout";
                goto crashed;
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR) {
                ended = "reading its stdout failed";
                goto crashed;
            }
            if (n > 0 && got_hdr < 4) {
                memcpy(in_hdr + got_hdr, buf, (size_t)n);
                got_hdr += (size_t)n;
                if (got_hdr == 4) {
                    want = (uint64_t)in_hdr[0] | (uint64_t)in_hdr[1] << 8 |
                           (uint64_t)in_hdr[2] << 16 | (uint64_t)in_hdr[3] << 24;
                    if (want > LHV1_TESTEE_MSG_MAX) {
                        finish(t, 0);
                        char what[96];
                        snprintf(what, sizeof what, "it announced a %llu-byte answer (limit %u)",
                                 (unsigned long long)want, LHV1_TESTEE_MSG_MAX);
                        describe_end(t, what, why, why_len);
                        return LHV1_XCHG_CRASH;
                    }
                }
            } else if (n > 0 && lhv1_buf_append(resp, buf, (size_t)n) != 0) {
                ended = "out of memory reading its answer";
                goto crashed;
            }
        }
    }
    finish(t, 0);
    snprintf(why, why_len, "no answer within %u ms: killed", timeout_ms);
    return LHV1_XCHG_TIMEOUT;
crashed:
    finish(t, 1000);
    describe_end(t, ended, why, why_len);
    return LHV1_XCHG_CRASH;
}

void lhv1_testee_proc_stop(lhv1_testee_proc *t, unsigned grace_ms)
{
    if (!t)
        return;
    finish(t, grace_ms);
    free(t);
}
