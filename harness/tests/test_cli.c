/* The lhv1 command-line tool, run as a child process: verify's exit codes
 * and line formats (text and --json), --name, dump, inspect, frame and
 * unframe (round trip), and --help on every command `lhv1 --help` lists.
 * The binary is $LHV1_CLI; fixtures are built with the test builder in a
 * fresh temporary directory. */
#include <check.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builder.h"
#include "check_suites.h"
#include "cli_run.h"
#include "lhv1/version.h"

static char dir[256];
static const char *cli;

static run_result *run(const char *const *args) { return cli_run(cli, dir, args); }

#define RUN(...) run((const char *const[]){__VA_ARGS__, NULL})

static const char *path_of(const char *name)
{
    static char paths[8][300];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 300, "%s/%s", dir, name);
    return p;
}

static lhv1_buf read_all(const char *path)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    int fd = open(path, O_RDONLY);
    ck_assert_msg(fd >= 0, "cannot open %s", path);
    cli_slurp(fd, &b);
    close(fd);
    return b;
}

/* ---- fixtures ------------------------------------------------------------ */

static tb_object ok_obj;

static void write_fixtures(void)
{
    tb_init(&ok_obj);
    tb_std_object(&ok_obj);
    ck_assert_int_eq(tb_write_file(path_of("ok.lhv1"), ok_obj.body.data, ok_obj.body.len), 0);
    ck_assert_int_eq(tb_write_file(path_of("env.json"), ok_obj.env.data, ok_obj.env.len), 0);
    ck_assert_int_eq(tb_write_file(path_of("graph.bin"), ok_obj.graph.data, ok_obj.graph.len), 0);

    lhv1_buf bad;
    lhv1_buf_init(&bad);
    lhv1_buf_append(&bad, ok_obj.body.data, ok_obj.body.len);
    bad.data[0] = 'X';
    ck_assert_int_eq(tb_write_file(path_of("bad.lhv1"), bad.data, bad.len), 0);
    lhv1_buf_free(&bad);

    tb_object inc; /* count 4 for 3 nodes: inconsistent (cross-count) */
    tb_init(&inc);
    tb_env_std(&inc, TB_DIM, 4, NULL);
    tb_graph_std(&inc);
    tb_finish(&inc);
    ck_assert_int_eq(tb_write_file(path_of("inconsistent.lhv1"), inc.body.data, inc.body.len), 0);
    tb_free(&inc);

    tb_object dec; /* graph cut after its header: decode-error */
    tb_init(&dec);
    tb_env_std(&dec, TB_DIM, 0, NULL);
    lhv1_gw_header(&dec.graph, 1, TB_M, TB_ML, TB_EF, lhv1_bytes_str("cosine"), 3);
    tb_finish(&dec);
    ck_assert_int_eq(tb_write_file(path_of("decode.lhv1"), dec.body.data, dec.body.len), 0);
    tb_free(&dec);

    /* Reasons whose messages quote envelope text: an orphan metadata key
     * holding a newline, and one whose 64th byte starts a 2-byte
     * character (a message cut at 64 bytes would split it). */
    tb_object nl;
    tb_init(&nl);
    tb_env_std(&nl, TB_DIM, TB_STD_COUNT, "{\"x\\ny\":{}}");
    tb_graph_std(&nl);
    tb_finish(&nl);
    ck_assert_int_eq(tb_write_file(path_of("newline.lhv1"), nl.body.data, nl.body.len), 0);
    tb_free(&nl);
    tb_object cut;
    tb_init(&cut);
    tb_env_std(&cut, TB_DIM, TB_STD_COUNT,
               "{\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\xc3\xa9\":{}}");
    tb_graph_std(&cut);
    tb_finish(&cut);
    ck_assert_int_eq(tb_write_file(path_of("cut.lhv1"), cut.body.data, cut.body.len), 0);
    tb_free(&cut);
    tb_object dist; /* a graph distance name of raw bytes: newline, invalid UTF-8 */
    tb_init(&dist);
    tb_env_std(&dist, TB_DIM, 0, NULL);
    lhv1_gw_header(&dist.graph, 1, TB_M, TB_ML, TB_EF, lhv1_bytes_str("co\nsine\xff"), 0);
    tb_finish(&dist);
    ck_assert_int_eq(tb_write_file(path_of("distance.lhv1"), dist.body.data, dist.body.len), 0);
    tb_free(&dist);
}

static void setup(void)
{
    cli = getenv("LHV1_CLI");
    ck_assert_msg(cli && access(cli, X_OK) == 0, "LHV1_CLI must name the lhv1 binary");
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/lhv1-cli-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_fixtures();
}

static void teardown(void)
{
    static const char *const files[] = {"ok.lhv1", "env.json", "graph.bin", "bad.lhv1",
                                        "inconsistent.lhv1", "decode.lhv1", "framed.lhv1", "newline.lhv1", "cut.lhv1", "distance.lhv1",
                                        "env2.json", "graph2.bin"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(path_of(files[i]));
    rmdir(dir);
    tb_free(&ok_obj);
    cli_run_reset();
}

/* ---- verify ------------------------------------------------------------------ */

START_TEST(verify_ok_file)
{
    run_result *r;
    const char *ok = path_of("ok.lhv1");
    r = RUN("verify", ok);
    ck_assert_int_eq(r->code, 0);
    char want[400];
    snprintf(want, sizeof want, "%s: ok\n", ok);
    ck_assert_str_eq((char *)r->out.data, want);
}
END_TEST

/* "<path>: <verdict>: <reason-code>: <message>" with a non-empty message. */
static void assert_line(const char *line, const char *path, const char *verdict,
                        const char *reason)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s: %s: %s: ", path, verdict, reason);
    ck_assert_msg(strncmp(line, prefix, strlen(prefix)) == 0, "line \"%s\" lacks \"%s\"", line,
                  prefix);
    const char *msg = line + strlen(prefix);
    ck_assert_msg(*msg && *msg != '\n', "empty message in \"%s\"", line);
}

START_TEST(verify_not_ok_lines_in_order)
{
    run_result *r;
    const char *ok = path_of("ok.lhv1"), *bad = path_of("bad.lhv1"),
               *inc = path_of("inconsistent.lhv1"), *dec = path_of("decode.lhv1");
    r = RUN("verify", ok, bad, inc, dec);
    ck_assert_int_eq(r->code, 1);
    char *save, *line = strtok_r((char *)r->out.data, "\n", &save);
    char want[400];
    snprintf(want, sizeof want, "%s: ok", ok);
    ck_assert_str_eq(line, want);
    assert_line(strtok_r(NULL, "\n", &save), bad, "bad-format", "frame-bad-magic");
    assert_line(strtok_r(NULL, "\n", &save), inc, "inconsistent", "cross-count");
    assert_line(strtok_r(NULL, "\n", &save), dec, "decode-error", "graph-count-exceeds-input");
    ck_assert_ptr_null(strtok_r(NULL, "\n", &save));
}
END_TEST

START_TEST(verify_usage_and_io_errors_exit_2)
{
    run_result *r;
    r = RUN("verify");
    ck_assert_int_eq(r->code, 2);
    r = RUN("verify", "--no-such-option", path_of("ok.lhv1"));
    ck_assert_int_eq(r->code, 2);
    r = RUN("verify", path_of("does-not-exist.lhv1"));
    ck_assert_int_eq(r->code, 2);
    ck_assert_ptr_nonnull(strstr((char *)r->err.data, "does-not-exist.lhv1"));
    r = RUN("verify", path_of("ok.lhv1"), path_of("does-not-exist.lhv1"));
    ck_assert_int_eq(r->code, 2);
    r = RUN("verify", dir); /* a directory */
    ck_assert_int_eq(r->code, 2);
    r = RUN("no-such-command");
    ck_assert_int_eq(r->code, 2);
    r = run((const char *const[]){NULL});
    ck_assert_int_eq(r->code, 2);
}
END_TEST

/* --json: one object per line with file, verdict, reason, go, offset. */
static cJSON *json_line(char **save, int first, char *text)
{
    char *line = strtok_r(first ? text : NULL, "\n", save);
    ck_assert_ptr_nonnull(line);
    cJSON *o = cJSON_Parse(line);
    ck_assert_msg(o && cJSON_IsObject(o), "not a JSON object: %s", line);
    static const char *const strings[] = {"file", "verdict", "reason", "go"};
    for (int i = 0; i < 4; i++)
        ck_assert_msg(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, strings[i])),
                      "%s lacks string %s", line, strings[i]);
    ck_assert_msg(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "offset")), "%s lacks offset",
                  line);
    const char *go = cJSON_GetObjectItemCaseSensitive(o, "go")->valuestring;
    ck_assert_msg(!strcmp(go, "ok") || !strcmp(go, "error") || !strcmp(go, "panic") ||
                      !strcmp(go, "fatal"),
                  "go = %s", go);
    return o;
}

static void assert_json(const cJSON *o, const char *file, const char *verdict, const char *reason,
                        double offset)
{
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "file")->valuestring, file);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "verdict")->valuestring, verdict);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "reason")->valuestring, reason);
    if (offset > -2)
        ck_assert(cJSON_GetObjectItemCaseSensitive(o, "offset")->valuedouble == offset);
}

START_TEST(verify_json_lines)
{
    run_result *r;
    const char *ok = path_of("ok.lhv1"), *bad = path_of("bad.lhv1"),
               *inc = path_of("inconsistent.lhv1");
    r = RUN("verify", "--json", ok, bad, inc);
    ck_assert_int_eq(r->code, 1);
    char *save;
    cJSON *a = json_line(&save, 1, (char *)r->out.data), *b = json_line(&save, 0, NULL),
          *c = json_line(&save, 0, NULL);
    ck_assert_ptr_null(strtok_r(NULL, "\n", &save));
    assert_json(a, ok, "ok", "none", -1);
    assert_json(b, bad, "bad-format", "frame-bad-magic", 0);
    assert_json(c, inc, "inconsistent", "cross-count", -2);
    /* Go loads inconsistent objects and rejects bad frames (FORMAT.md 5a) */
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(a, "go")->valuestring, "ok");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(b, "go")->valuestring, "error");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(c, "go")->valuestring, "ok");
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
}
END_TEST

START_TEST(verify_name)
{
    run_result *r;
    const char *ok = path_of("ok.lhv1");
    r = RUN("verify", "--name", "docs", ok);
    ck_assert_int_eq(r->code, 0);
    r = RUN("verify", "--name", "other", ok);
    ck_assert_int_eq(r->code, 1);
    assert_line((char *)r->out.data, ok, "inconsistent", "cross-name");
    r = RUN("verify", "--json", "--name", "other", ok);
    ck_assert_int_eq(r->code, 1);
    char *save;
    cJSON *o = json_line(&save, 1, (char *)r->out.data);
    assert_json(o, ok, "inconsistent", "cross-name", -2);
    cJSON_Delete(o);
}
END_TEST

/* Go's utf8.Valid, enough for checking the tool's output. */
static int utf8_valid(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        size_t need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2
                                   : c >= 0xf0 && c <= 0xf4 ? 3 : 9;
        if (need == 9 || n - i - 1 < need)
            return 0;
        for (size_t k = 1; k <= need; k++)
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

/* One line per file, whatever the message quotes. */
START_TEST(verify_text_stays_one_line_per_file)
{
    run_result *r;
    const char *nl = path_of("newline.lhv1"), *cut = path_of("cut.lhv1"),
               *dist = path_of("distance.lhv1");
    r = RUN("verify", nl, cut, dist);
    ck_assert_int_eq(r->code, 1);
    int lines = 0;
    for (size_t i = 0; i < r->out.len; i++)
        lines += r->out.data[i] == '\n';
    ck_assert_msg(lines == 3, "%d lines for 3 files:\n%s", lines, (char *)r->out.data);
}
END_TEST

/* --json output is valid UTF-8 JSON: consumers in other languages parse
 * it, and Go's encoding/json would turn a cut character into U+FFFD. */
START_TEST(verify_json_is_utf8)
{
    run_result *r;
    const char *nl = path_of("newline.lhv1"), *cut = path_of("cut.lhv1"),
               *dist = path_of("distance.lhv1");
    r = RUN("verify", "--json", nl, cut, dist);
    ck_assert_int_eq(r->code, 1);
    ck_assert_msg(utf8_valid(r->out.data, r->out.len), "--json output is not UTF-8: %s",
                  (char *)r->out.data);
    char *save;
    cJSON *a = json_line(&save, 1, (char *)r->out.data), *b = json_line(&save, 0, NULL),
          *c = json_line(&save, 0, NULL);
    assert_json(a, nl, "inconsistent", "cross-metadata-orphan", -2);
    assert_json(b, cut, "inconsistent", "cross-metadata-orphan", -2);
    assert_json(c, dist, "decode-error", "graph-unknown-distance", -2);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
}
END_TEST

/* ---- dump / inspect ---------------------------------------------------------------- */

START_TEST(dump_prints_the_canonical_dump)
{
    lhv1_index idx;
    lhv1_status st;
    ck_assert_int_eq(lhv1_index_load(ok_obj.body.data, ok_obj.body.len, NULL, &idx, &st), LHV1_OK);
    lhv1_buf want;
    lhv1_buf_init(&want);
    ck_assert_int_eq(lhv1_index_dump(&idx, &want), 0);
    lhv1_index_free(&idx);

    run_result *r;
    r = RUN("dump", path_of("ok.lhv1"));
    ck_assert_int_eq(r->code, 0);
    ck_assert_uint_eq(r->out.len, want.len);
    ck_assert_mem_eq(r->out.data, want.data, want.len);
    lhv1_buf_free(&want);

    r = RUN("dump", path_of("inconsistent.lhv1")); /* dumped, but exit 1 */
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr((char *)r->out.data, "{\"dump\":\"lhv1\""));
    ck_assert_ptr_nonnull(strstr((char *)r->err.data, "cross-count"));
    r = RUN("dump", path_of("bad.lhv1")); /* nothing to dump */
    ck_assert_int_eq(r->code, 1);
    ck_assert_uint_eq(r->out.len, 0);
    r = RUN("dump", path_of("does-not-exist.lhv1"));
    ck_assert_int_eq(r->code, 2);
}
END_TEST

START_TEST(inspect_summarises)
{
    run_result *r;
    r = RUN("inspect", path_of("ok.lhv1"));
    ck_assert_int_eq(r->code, 0);
    const char *t = (const char *)r->out.data;
    ck_assert_msg(strstr(t, "docs") && strstr(t, "cosine"), "%s", t);
    char size[64];
    snprintf(size, sizeof size, "%zu", ok_obj.body.len);
    ck_assert_msg(strstr(t, size) != NULL, "size %s not in %s", size, t);
    r = RUN("inspect", path_of("bad.lhv1"));
    ck_assert_int_eq(r->code, 1);
    r = RUN("inspect", path_of("does-not-exist.lhv1"));
    ck_assert_int_eq(r->code, 2);
}
END_TEST

/* ---- frame / unframe ---------------------------------------------------------------- */

START_TEST(frame_unframe_round_trip)
{
    run_result *r;
    const char *env = path_of("env.json"), *graph = path_of("graph.bin"),
               *framed = path_of("framed.lhv1");
    r = RUN("frame", "--envelope", env, "--graph", graph, "-o", framed);
    ck_assert_msg(r->code == 0, "frame: %s", (char *)r->err.data);
    lhv1_buf got = read_all(framed);
    ck_assert_uint_eq(got.len, ok_obj.body.len);
    ck_assert_mem_eq(got.data, ok_obj.body.data, got.len);
    lhv1_buf_free(&got);

    r = RUN("frame", "--envelope", env, "--graph", graph, "-o", "-");
    ck_assert_int_eq(r->code, 0);
    ck_assert_uint_eq(r->out.len, ok_obj.body.len);
    ck_assert_mem_eq(r->out.data, ok_obj.body.data, r->out.len);

    const char *env2 = path_of("env2.json"), *graph2 = path_of("graph2.bin");
    r = RUN("unframe", framed, "--envelope", env2, "--graph", graph2);
    ck_assert_msg(r->code == 0, "unframe: %s", (char *)r->err.data);
    lhv1_buf e = read_all(env2), g = read_all(graph2);
    ck_assert_uint_eq(e.len, ok_obj.env.len);
    ck_assert_mem_eq(e.data, ok_obj.env.data, e.len);
    ck_assert_uint_eq(g.len, ok_obj.graph.len);
    ck_assert_mem_eq(g.data, ok_obj.graph.data, g.len);
    lhv1_buf_free(&e);
    lhv1_buf_free(&g);
}
END_TEST

START_TEST(frame_unframe_errors)
{
    run_result *r;
    r = RUN("unframe", path_of("bad.lhv1"), "--envelope", path_of("env2.json"), "--graph",
        path_of("graph2.bin"));
    ck_assert_int_eq(r->code, 1);
    ck_assert_ptr_nonnull(strstr((char *)r->err.data, "frame-bad-magic"));
    r = RUN("frame", "--envelope", path_of("env.json"), "-o", path_of("framed.lhv1"));
    ck_assert_int_eq(r->code, 2); /* no --graph */
    r = RUN("frame", "--envelope", path_of("does-not-exist"), "--graph", path_of("graph.bin"),
        "-o", path_of("framed.lhv1"));
    ck_assert_int_eq(r->code, 2);
    r = RUN("unframe", "--envelope", path_of("env2.json"), "--graph", path_of("graph2.bin"));
    ck_assert_int_eq(r->code, 2); /* no FILE */
}
END_TEST

/* ---- help ------------------------------------------------------------------------------ */

START_TEST(help_on_every_command)
{
    run_result *top;
    top = RUN("--help");
    ck_assert_int_eq(top->code, 0);
    const char *t = (const char *)top->out.data;
    const char *list = strstr(t, "commands:");
    ck_assert_ptr_nonnull(list);
    int seen = 0;
    static const char *const required[] = {"verify", "dump", "inspect", "frame", "unframe"};
    int found[5] = {0};
    /* every "  <name>  <summary>" line after "commands:" */
    for (const char *l = strchr(list, '\n'); l && l[1] == ' ' && l[2] == ' '; l = strchr(l + 1, '\n')) {
        char name[32];
        if (sscanf(l + 1, " %31s", name) != 1)
            break;
        run_result *r;
        r = RUN(name, "--help");
        ck_assert_msg(r->code == 0, "lhv1 %s --help exits %d", name, r->code);
        ck_assert_msg(r->out.len > 0, "lhv1 %s --help prints nothing on stdout", name);
        for (int i = 0; i < 5; i++)
            found[i] |= strcmp(name, required[i]) == 0;
        seen++;
    }
    for (int i = 0; i < 5; i++)
        ck_assert_msg(found[i], "lhv1 --help does not list %s", required[i]);
    ck_assert_int_ge(seen, 5);
}
END_TEST

/* --version: the project version CMake generated into lhv1/version.h. */
START_TEST(version_is_the_project_version)
{
    run_result *r = RUN("--version");
    ck_assert_int_eq(r->code, 0);
    char want[64];
    snprintf(want, sizeof want, "lhv1 %s\n", LHV1_VERSION_STRING);
    ck_assert_str_eq((const char *)r->out.data, want);
    ck_assert_str_eq(lhv1_version(), LHV1_VERSION_STRING);
    char parts[64];
    snprintf(parts, sizeof parts, "%d.%d.%d", LHV1_VERSION_MAJOR, LHV1_VERSION_MINOR,
             LHV1_VERSION_PATCH);
    ck_assert_str_eq(parts, LHV1_VERSION_STRING);
}
END_TEST

Suite *suite_cli(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, verify_ok_file);
    tcase_add_test(tc, verify_not_ok_lines_in_order);
    tcase_add_test(tc, verify_usage_and_io_errors_exit_2);
    tcase_add_test(tc, verify_json_lines);
    tcase_add_test(tc, verify_name);
    tcase_add_test(tc, verify_text_stays_one_line_per_file);
    tcase_add_test(tc, verify_json_is_utf8);
    tcase_add_test(tc, dump_prints_the_canonical_dump);
    tcase_add_test(tc, inspect_summarises);
    tcase_add_test(tc, frame_unframe_round_trip);
    tcase_add_test(tc, frame_unframe_errors);
    tcase_add_test(tc, help_on_every_command);
    tcase_add_test(tc, version_is_the_project_version);
    suite_add_tcase(s, tc);
    return s;
}
