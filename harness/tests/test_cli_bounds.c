/* The CLI reads local files by the frame's own lengths and never more than
 * --max-object-size bytes: /dev/zero and an endless FIFO of another magic
 * are bad-format at once; an endless LHV1 or LHV2 stream, or a regular file
 * over the bound, is an error (not judged) after at most the bound; a
 * stream that ends is judged like a file. verify, dump and inspect alike.
 * The CLI runs under a 1 GiB memory ceiling, so a reader without bounds
 * fails the case instead of the machine. Label security. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builder.h"
#include "check_suites.h"
#include "cli_run.h"
#include "lhv1/frame.h"
#include "lhv1/lhv2.h"

/* Peak RSS of the plain CLI on these inputs: about 2 MiB measured; one
 * that read an endless stream until the ceiling holds far more. */
#define PLAIN_RSS_BOUND_KB (64L << 10)

static char dir[256];
static const char *cli;
static tb_object ok_obj;

static const char *path_of(const char *name)
{
    static char paths[8][300];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 300, "%s/%s", dir, name);
    return p;
}

#define RUN(...) cli_run(cli, dir, (const char *const[]){__VA_ARGS__, NULL})

static int plain_variant(void)
{
    const char *v = getenv("LHV1_VARIANT");
    return v && !strcmp(v, "plain");
}

static void setup(void)
{
    cli = getenv("LHV1_CLI");
    ck_assert_msg(cli && access(cli, X_OK) == 0, "LHV1_CLI must name the lhv1 binary");
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/lhv1-bounds-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    tb_init(&ok_obj);
    tb_std_object(&ok_obj);
    cli_run_limit_memory(1024, !plain_variant());
}

static void teardown(void)
{
    static const char *const files[] = {"fifo", "big.lhv1", "bigbad.lhv1", "exact.lhv1",
                                        "ok.lhv1"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(path_of(files[i]));
    rmdir(dir);
    tb_free(&ok_obj);
    cli_run_reset();
}

static void assert_small(const run_result *r)
{
    if (plain_variant())
        ck_assert_msg(r->maxrss_kb < PLAIN_RSS_BOUND_KB, "peak RSS %ld KiB", r->maxrss_kb);
}

static void assert_has(const run_result *r, const char *out, const char *err)
{
    if (out)
        ck_assert_msg(strstr((char *)r->out.data, out), "stdout lacks \"%s\": %s", out,
                      (char *)r->out.data);
    if (err)
        ck_assert_msg(strstr((char *)r->err.data, err), "stderr lacks \"%s\": %s", err,
                      (char *)r->err.data);
}

START_TEST(dev_zero_is_bad_format_at_once)
{
    run_result *r = RUN("verify", "/dev/zero");
    ck_assert_int_eq(r->code, 1);
    ck_assert_str_eq((char *)r->out.data,
                     "/dev/zero: bad-format: frame-bad-magic: bad magic 00 00 00 00\n");
    assert_small(r);
    r = RUN("inspect", "/dev/zero");
    ck_assert_int_eq(r->code, 1);
    assert_has(r, "size:      8 bytes\n", NULL);
    assert_has(r, "verdict:   bad-format: frame-bad-magic", NULL);
    r = RUN("dump", "/dev/zero");
    ck_assert_int_eq(r->code, 1);
    assert_has(r, NULL, "frame-bad-magic");
    r = RUN("verify", "/dev/null");
    ck_assert_int_eq(r->code, 1);
    assert_has(r, "frame-too-short: body too short (0 bytes)", NULL);
}
END_TEST

/* A writer child that opens the FIFO and writes `head` then `fill` bytes
 * without end (until the reader goes: SIGPIPE), or `head` and then EOF
 * when end is set. */
static pid_t fifo_writer(const char *fifo, const void *head, size_t n, int fill, int end)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        int fd = open(fifo, O_WRONLY);
        if (fd < 0)
            _exit(1);
        if (write(fd, head, n) != (ssize_t)n)
            _exit(0);
        if (end)
            _exit(0);
        static char chunk[65536];
        memset(chunk, fill, sizeof chunk);
        for (uint64_t sent = 0; sent < ((uint64_t)8 << 30); sent += sizeof chunk)
            if (write(fd, chunk, sizeof chunk) < 0)
                _exit(0);
        _exit(0);
    }
    return pid;
}

static void reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

START_TEST(endless_fifo_of_another_magic)
{
    const char *fifo = path_of("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    pid_t w = fifo_writer(fifo, "", 0, 0, 0);
    run_result *r = RUN("verify", fifo);
    reap(w);
    ck_assert_int_eq(r->code, 1);
    assert_has(r, ": bad-format: frame-bad-magic: bad magic 00 00 00 00\n", NULL);
    assert_small(r);
}
END_TEST

/* An LHV1 header and bytes without end: the bound ends it (LHV1 declares
 * no length for its graph). */
START_TEST(endless_stream_of_an_object)
{
    static const char *const heads[] = {"LHV1\0\0\0\x10"};
    const char *fifo = path_of("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    for (int i = 0; i < 1; i++) {
        pid_t w = fifo_writer(fifo, heads[i], 8, 'x', 0);
        run_result *r = RUN("verify", "--max-object-size", "1048576", fifo);
        reap(w);
        ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, (char *)r->out.data,
                      (char *)r->err.data);
        ck_assert_str_eq((char *)r->out.data, "");
        assert_has(r, NULL, "more than 1048576 bytes, the largest object read "
                            "(--max-object-size): not judged");
        assert_small(r);
    }
}
END_TEST

/* ok_obj in an LHV2 container. */
static void lhv2_of_ok(lhv1_buf *out)
{
    lhv1_bytes env, graph;
    lhv1_status st;
    ck_assert_int_eq(lhv1_unframe(ok_obj.body.data, ok_obj.body.len, &env, &graph, &st), 0);
    lhv1_buf_init(out);
    ck_assert_int_eq(lhv1_lhv2_frame(env, graph, out, &st), 0);
}

/* An LHV2 stream is read no further than its header says, under the
 * default bound: a valid object with bytes without end after it is
 * lhv2-length-mismatch once one byte past its length came (before: read to
 * the bound, 5 GiB, and out of memory under the 1 GiB ceiling); a header
 * whose own CRC fails is judged from its 24 bytes; a declared length over
 * the bound is refused before the sections are read. */
START_TEST(lhv2_stream_read_by_its_header)
{
    const char *fifo = path_of("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    lhv1_buf obj;
    lhv2_of_ok(&obj);
    pid_t w = fifo_writer(fifo, obj.data, obj.len, 'x', 0);
    run_result *r = RUN("verify", fifo);
    reap(w);
    ck_assert_msg(r->code == 1, "exit %d: %s%s", r->code, (char *)r->out.data,
                  (char *)r->err.data);
    char want[128];
    snprintf(want, sizeof want, ": bad-format: lhv2-length-mismatch: header says %zu + %zu "
             "section bytes, object has %zu\n", (size_t)((obj.data[6] << 8) | obj.data[7]),
             obj.len - LHV2_OVERHEAD - ((obj.data[6] << 8) | obj.data[7]), obj.len + 1 - LHV2_OVERHEAD);
    assert_has(r, want, NULL);
    assert_small(r);
    /* the same object ending where it says: ok */
    w = fifo_writer(fifo, obj.data, obj.len, 0, 1);
    r = RUN("verify", fifo);
    reap(w);
    ck_assert_msg(r->code == 0, "exit %d: %s%s", r->code, (char *)r->out.data,
                  (char *)r->err.data);
    /* a header CRC that fails, then bytes without end */
    obj.data[17] ^= 1;
    w = fifo_writer(fifo, obj.data, LHV2_OVERHEAD, 'x', 0);
    r = RUN("verify", fifo);
    reap(w);
    ck_assert_int_eq(r->code, 1);
    assert_has(r, ": bad-format: lhv2-header-checksum: ", NULL);
    assert_small(r);
    /* a header declaring more than the bound */
    obj.data[17] ^= 1;
    char bound[32];
    snprintf(bound, sizeof bound, "%zu", obj.len - 1);
    w = fifo_writer(fifo, obj.data, obj.len, 'x', 0);
    r = RUN("verify", "--max-object-size", bound, fifo);
    reap(w);
    ck_assert_int_eq(r->code, 2);
    snprintf(want, sizeof want, "its LHV2 header declares %zu bytes, more than %zu bytes",
             obj.len, obj.len - 1);
    assert_has(r, NULL, want);
    assert_small(r);
    lhv1_buf_free(&obj);
}
END_TEST

/* The default bound is 1 GiB: a regular file one byte larger (sparse) is
 * refused from its size, nothing read. */
START_TEST(default_bound_is_one_gib)
{
    const char *big = path_of("big.lhv1");
    ck_assert_int_eq(tb_write_file(big, "LHV1\0\0\0\x10", 8), 0);
    ck_assert_int_eq(truncate(big, ((off_t)1 << 30) + 1), 0);
    run_result *r = RUN("verify", big);
    ck_assert_msg(r->code == 2, "exit %d: %s%s", r->code, (char *)r->out.data,
                  (char *)r->err.data);
    assert_has(r, NULL, "1073741825 bytes, more than 1073741824 bytes, the largest object read");
    assert_small(r);
}
END_TEST

/* A stream that ends within the bound is judged as the same file would be. */
START_TEST(finite_stream_is_judged)
{
    const char *fifo = path_of("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    pid_t w = fifo_writer(fifo, ok_obj.body.data, ok_obj.body.len, 0, 1);
    run_result *r = RUN("verify", fifo);
    reap(w); /* done, or blocked on a reader that never came */
    ck_assert_msg(r->code == 0, "exit %d: %s%s", r->code, (char *)r->out.data,
                  (char *)r->err.data);
    assert_has(r, ": ok\n", NULL);
    char bound[32];
    snprintf(bound, sizeof bound, "%zu", ok_obj.body.len);
    w = fifo_writer(fifo, ok_obj.body.data, ok_obj.body.len, 0, 1);
    r = RUN("inspect", "--max-object-size", bound, fifo);
    reap(w);
    ck_assert_int_eq(r->code, 0);
}
END_TEST

/* A regular file: its size decides before anything is read; the bound is
 * inclusive; a file whose header is no object's is bad-format whatever
 * its size. */
START_TEST(regular_files_against_the_bound)
{
    const char *big = path_of("big.lhv1");
    ck_assert_int_eq(tb_write_file(big, "LHV1\0\0\0\x10", 8), 0);
    ck_assert_int_eq(truncate(big, 2 << 20), 0); /* sparse: 2 MiB */
    run_result *r = RUN("verify", "--max-object-size", "1048576", big);
    ck_assert_int_eq(r->code, 2);
    assert_has(r, NULL, "2097152 bytes, more than 1048576 bytes, the largest object read");
    static const char *const cmds[] = {"dump", "inspect"};
    for (int i = 0; i < 2; i++) {
        r = RUN(cmds[i], "--max-object-size", "1048576", big);
        ck_assert_int_eq(r->code, 2);
        assert_has(r, NULL, "not judged");
    }
    const char *bigbad = path_of("bigbad.lhv1");
    ck_assert_int_eq(tb_write_file(bigbad, "NOPE\0\0\0\x10", 8), 0);
    ck_assert_int_eq(truncate(bigbad, 2 << 20), 0);
    r = RUN("verify", "--max-object-size", "1048576", bigbad);
    ck_assert_int_eq(r->code, 1);
    assert_has(r, ": bad-format: frame-bad-magic: bad magic 4e 4f 50 45\n", NULL);
    const char *exact = path_of("exact.lhv1");
    ck_assert_int_eq(tb_write_file(exact, ok_obj.body.data, ok_obj.body.len), 0);
    char bound[32];
    snprintf(bound, sizeof bound, "%zu", ok_obj.body.len);
    r = RUN("verify", "--max-object-size", bound, exact);
    ck_assert_int_eq(r->code, 0);
    snprintf(bound, sizeof bound, "%zu", ok_obj.body.len - 1);
    r = RUN("verify", "--max-object-size", bound, exact);
    ck_assert_int_eq(r->code, 2);
    r = RUN("verify", exact); /* the default bound */
    ck_assert_int_eq(r->code, 0);
}
END_TEST

START_TEST(bad_bound_values)
{
    static const char *const bad[] = {"0", "-1", "+5", "1x", "", " 5", "99999999999999999999999"};
    static const char *const cmds[] = {"verify", "dump", "inspect", "scan"};
    for (size_t c = 0; c < 4; c++)
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            run_result *r = c == 3 ? RUN("scan", "--endpoint", "http://127.0.0.1:9",
                                         "--max-object-size", bad[i], "b")
                                   : RUN(cmds[c], "--max-object-size", bad[i], "/dev/null");
            ck_assert_msg(r->code == 2, "%s --max-object-size \"%s\": exit %d", cmds[c], bad[i],
                          r->code);
            assert_has(r, NULL, "--max-object-size takes a whole number above 0");
            cli_run_reset();
        }
    run_result *r = RUN("scan", "--endpoint", "http://127.0.0.1:9", "--max-keys", "0", "b");
    ck_assert_int_eq(r->code, 2);
    assert_has(r, NULL, "--max-keys takes a whole number above 0");
}
END_TEST

Suite *suite_cli_bounds(void)
{
    Suite *s = suite_create("cli_bounds");
    TCase *tc = tcase_create("cli_bounds");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, dev_zero_is_bad_format_at_once);
    tcase_add_test(tc, endless_fifo_of_another_magic);
    tcase_add_test(tc, endless_stream_of_an_object);
    tcase_add_test(tc, finite_stream_is_judged);
    tcase_add_test(tc, lhv2_stream_read_by_its_header);
    tcase_add_test(tc, default_bound_is_one_gib);
    tcase_add_test(tc, regular_files_against_the_bound);
    tcase_add_test(tc, bad_bound_values);
    suite_add_tcase(s, tc);
    return s;
}
