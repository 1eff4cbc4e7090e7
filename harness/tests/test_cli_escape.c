/* Output injection (README "Output escaping"): hostile names, keys,
 * distance names and file names through every command that prints them.
 * Every line of verify (text and --json), inspect, dump and the error
 * messages is parsed: text lines must follow the documented grammar and
 * unescape to the exact original bytes, JSON must parse, nothing may hold a
 * raw control byte, invalid UTF-8 or a terminal-active character.
 * The binary is $LHV1_CLI, run as a child process. */
#include <check.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builder.h"
#include "check_suites.h"
#include "cli_run.h"

static char dir[256];
static const char *cli;

static run_result *run_argv(const char *const *args) { return cli_run(cli, dir, args); }

#define RUN(...) run_argv((const char *const[]){__VA_ARGS__, NULL})

/* ---- the hostile inputs ------------------------------------------------------- */

/* params.name: a forged inspect line, a terminal escape, a quote that would
 * close inspect's quoted field, a backslash. */
#define HOSTILE_NAME_JSON "evil\\nverdict:   ok\\u001b[2J\\r\\\"q\\\\x41\\u0085\\u202e"
static const char hostile_name[] = "evil\nverdict:   ok\x1b[2J\r\"q\\x41\xc2\x85\xe2\x80\xae";

/* File names: newline (forges verify lines), CR, ESC, invalid UTF-8 (breaks
 * --json), ": ok" (forges verify's separator), backslash escapes that must
 * not be read as escapes, a C1 CSI, a bidi override, TAB, DEL. */
static const char *const hostile_files[] = {
    "ok\nforged.lhv1: ok",
    "cr\rname.lhv1",
    "esc\x1b[31mred.lhv1",
    "bad\xff\xfe.lhv1",
    "colon: ok: x.lhv1",
    "back\\slash\\x41\\n.lhv1",
    "c1\xc2\x9b" "31m.lhv1",
    "bidi\xe2\x80\xae.lhv1",
    "tab\tname.lhv1",
    "del\x7f.lhv1",
};
#define N_HOSTILE (sizeof hostile_files / sizeof hostile_files[0])

static const char *path_in(const char *name)
{
    static char paths[32][300];
    static int next;
    char *p = paths[next++ % 32];
    snprintf(p, 300, "%s/%s", dir, name);
    return p;
}

static void write_object(const char *name, tb_object *o)
{
    tb_finish(o);
    ck_assert_int_eq(tb_write_file(path_in(name), o->body.data, o->body.len), 0);
    tb_free(o);
}

static void write_fixtures(void)
{
    tb_object o;
    tb_init(&o);
    tb_env_raw(&o, "{\"version\":1,\"params\":{\"name\":\"" HOSTILE_NAME_JSON
                   "\",\"dimension\":2,\"distance\":\"cosine\",\"m\":4,\"ef_search\":8},"
                   "\"count\":3}");
    tb_graph_std(&o);
    write_object("name.lhv1", &o);

    /* A graph distance of raw bytes: Go's message and liblhv1's quote it. */
    tb_init(&o);
    tb_env_std(&o, TB_DIM, 0, NULL);
    lhv1_gw_header(&o.graph, 1, TB_M, TB_ML, TB_EF,
                   lhv1_bytes_str("co\nsine\xff\x1b[1m\xc2\x9b\\\""), 0);
    write_object("distance.lhv1", &o);

    /* An orphan metadata key with NUL, newline, OSC and BEL in it. */
    tb_init(&o);
    tb_env_std(&o, TB_DIM, TB_STD_COUNT, "{\"a\\u0000b\\n\\u001b]0;x\\u0007\":{},\"k\\n\":1}");
    tb_graph_std(&o);
    write_object("key.lhv1", &o);

    /* The same without NUL (which makes the envelope a decode-error): the
     * object decodes, so the hostile key reaches the dump too. */
    tb_init(&o);
    tb_env_std(&o, TB_DIM, TB_STD_COUNT, "{\"k\\n\\u001b]0;x\\u0007\\u0085\\u202e\\u007f\":{}}");
    tb_graph_std(&o);
    write_object("meta.lhv1", &o);

    for (size_t i = 0; i < N_HOSTILE; i++) { /* ok and not-ok objects under hostile names */
        tb_init(&o);
        tb_env_std(&o, TB_DIM, i % 2 ? 4 : TB_STD_COUNT, NULL);
        tb_graph_std(&o);
        write_object(hostile_files[i], &o);
    }
}

static void setup(void)
{
    cli = getenv("LHV1_CLI");
    ck_assert_msg(cli && access(cli, X_OK) == 0, "LHV1_CLI must name the lhv1 binary");
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/lhv1-cli-escape-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_fixtures();
}

static void teardown(void)
{
    static const char *const files[] = {"name.lhv1", "distance.lhv1", "key.lhv1", "meta.lhv1"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(path_in(files[i]));
    for (size_t i = 0; i < N_HOSTILE; i++)
        unlink(path_in(hostile_files[i]));
    rmdir(dir);
    cli_run_reset();
}

/* ---- the oracle: what any output line may hold ----------------------------------- */

/* Checks p[0..n) is valid UTF-8 (Go's rules) and holds no control byte but
 * LF, no DEL, C1 control, line/paragraph separator or bidi control. */
static void assert_clean(const uint8_t *p, size_t n, const char *what)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        ck_assert_msg(c == '\n' || (c >= 0x20 && c != 0x7f), "%s: raw byte 0x%02x at %zu: %.*s",
                      what, c, i, (int)n, (const char *)p);
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2
                      : c >= 0xf0 && c <= 0xf4 ? 3 : 9;
        ck_assert_msg(need != 9 && n - i - 1 >= need, "%s: invalid UTF-8 at %zu", what, i);
        uint32_t cp = c & (0x7f >> (need + 1));
        for (size_t k = 1; k <= need; k++) {
            ck_assert_msg((p[i + k] & 0xc0) == 0x80, "%s: invalid UTF-8 at %zu", what, i);
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        static const uint32_t min[4] = {0, 0x80, 0x800, 0x10000};
        ck_assert_msg(cp >= min[need] && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff),
                      "%s: invalid UTF-8 at %zu", what, i);
        ck_assert_msg(!(cp >= 0x80 && cp <= 0x9f) && cp != 0x061c && cp != 0x200e &&
                          cp != 0x200f && !(cp >= 0x2028 && cp <= 0x202e) &&
                          !(cp >= 0x2066 && cp <= 0x2069),
                      "%s: terminal-active character U+%04X at %zu", what, cp, i);
        i += need + 1;
    }
}

/* The text escaping's inverse: \\ \n \r \t \xHH (lowercase). Returns 0 and
 * the bytes, or -1 when s holds a backslash sequence the grammar lacks. */
static int unescape(const char *s, size_t n, lhv1_buf *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            lhv1_buf_putc(out, (uint8_t)s[i]);
            continue;
        }
        if (++i >= n)
            return -1;
        switch (s[i]) {
        case '\\': lhv1_buf_putc(out, '\\'); break;
        case 'n': lhv1_buf_putc(out, '\n'); break;
        case 'r': lhv1_buf_putc(out, '\r'); break;
        case 't': lhv1_buf_putc(out, '\t'); break;
        case 'x': {
            if (i + 2 >= n || !s[i + 1] || !s[i + 2])
                return -1;
            const char *hi = strchr(hex, s[i + 1]), *lo = strchr(hex, s[i + 2]);
            if (!hi || !lo)
                return -1;
            lhv1_buf_putc(out, (uint8_t)((hi - hex) << 4 | (lo - hex)));
            i += 2;
            break;
        }
        default: return -1;
        }
    }
    return 0;
}

/* Asserts escaped text s[0..n) unescapes to exactly `want`. */
static void assert_unescapes_to(const char *s, size_t n, const char *want, const char *what)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    int rc = unescape(s, n, &b);
    int same = rc == 0 && b.len == strlen(want) && memcmp(b.data, want, b.len) == 0;
    lhv1_buf_free(&b);
    ck_assert_msg(same, "%s: \"%.*s\" does not unescape to the original", what, (int)n, s);
}

static void assert_escaped_text(const char *s, size_t n, const char *what)
{
    lhv1_buf b;
    lhv1_buf_init(&b);
    int rc = unescape(s, n, &b);
    lhv1_buf_free(&b);
    ck_assert_msg(rc == 0, "%s: \"%.*s\" breaks the escape grammar", what, (int)n, s);
}

static int is_code(const char *s, size_t n) /* [a-z0-9-]+ */
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* One verify text line: PATH ": ok" | PATH ": " VERDICT ": " REASON ": " MSG,
 * PATH without ':' and unescaping to `path`, MSG escaped text. */
static void assert_verify_line(const char *line, size_t n, const char *path)
{
    const char *colon = memchr(line, ':', n);
    ck_assert_msg(colon && colon + 1 < line + n && colon[1] == ' ', "no path field: %.*s",
                  (int)n, line);
    assert_unescapes_to(line, (size_t)(colon - line), path, "verify path");
    const char *rest = colon + 2, *end = line + n;
    if ((size_t)(end - rest) == 2 && memcmp(rest, "ok", 2) == 0)
        return;
    static const char *const verdicts[] = {"bad-format", "decode-error", "inconsistent"};
    int known = 0;
    for (int i = 0; i < 3; i++) {
        size_t vl = strlen(verdicts[i]);
        if ((size_t)(end - rest) > vl + 2 && memcmp(rest, verdicts[i], vl) == 0 &&
            rest[vl] == ':' && rest[vl + 1] == ' ') {
            rest += vl + 2;
            known = 1;
            break;
        }
    }
    ck_assert_msg(known, "unknown verdict in: %.*s", (int)n, line);
    const char *c2 = memchr(rest, ':', (size_t)(end - rest));
    ck_assert_msg(c2 && is_code(rest, (size_t)(c2 - rest)) && c2[1] == ' ',
                  "no reason code in: %.*s", (int)n, line);
    assert_escaped_text(c2 + 2, (size_t)(end - c2 - 2), "verify message");
}

/* The bytes of a --json field: a string, or {"hex":"..."} for non-UTF-8. */
static void json_field_bytes(const cJSON *v, lhv1_buf *out)
{
    if (cJSON_IsString(v)) {
        lhv1_buf_puts(out, v->valuestring);
        return;
    }
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(v, "hex");
    ck_assert_msg(cJSON_IsObject(v) && cJSON_GetArraySize(v) == 1 && cJSON_IsString(h),
                  "a field is neither a string nor {\"hex\":...}");
    const char *x = h->valuestring;
    size_t n = strlen(x);
    ck_assert_msg(n % 2 == 0 && strspn(x, "0123456789abcdef") == n, "bad hex %s", x);
    for (size_t i = 0; i < n; i += 2) {
        unsigned b;
        sscanf(x + i, "%2x", &b);
        lhv1_buf_putc(out, (uint8_t)b);
    }
}

/* ---- the tests ----------------------------------------------------------------- */

static int hostile_argv(const char **args, int at)
{
    for (size_t i = 0; i < N_HOSTILE; i++)
        args[at++] = path_in(hostile_files[i]);
    args[at++] = path_in("name.lhv1");
    args[at++] = path_in("distance.lhv1");
    args[at++] = path_in("key.lhv1");
    args[at++] = path_in("meta.lhv1");
    args[at] = NULL;
    return at;
}

START_TEST(verify_text_lines_parse)
{
    const char *args[48] = {"verify"};
    int n = hostile_argv(args, 1);
    run_result *r = run_argv(args);
    ck_assert_int_eq(r->code, 1);
    assert_clean(r->out.data, r->out.len, "verify stdout");
    const char *p = (const char *)r->out.data, *end = p + r->out.len;
    int lines = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        ck_assert_msg(nl != NULL, "last line unterminated");
        ck_assert_int_lt(lines, n - 1);
        assert_verify_line(p, (size_t)(nl - p), args[1 + lines]);
        lines++;
        p = nl + 1;
    }
    ck_assert_int_eq(lines, n - 1);
}
END_TEST

START_TEST(verify_json_lines_parse)
{
    const char *args[48] = {"verify", "--json"};
    int n = hostile_argv(args, 2);
    run_result *r = run_argv(args);
    ck_assert_int_eq(r->code, 1);
    assert_clean(r->out.data, r->out.len, "verify --json stdout");
    char *save, *line = strtok_r((char *)r->out.data, "\n", &save);
    int lines = 0;
    for (; line; line = strtok_r(NULL, "\n", &save), lines++) {
        ck_assert_int_lt(lines, n - 2);
        cJSON *o = cJSON_Parse(line);
        ck_assert_msg(cJSON_IsObject(o), "not a JSON object: %s", line);
        lhv1_buf file, msg;
        lhv1_buf_init(&file);
        lhv1_buf_init(&msg);
        json_field_bytes(cJSON_GetObjectItemCaseSensitive(o, "file"), &file);
        json_field_bytes(cJSON_GetObjectItemCaseSensitive(o, "message"), &msg);
        int same = file.len == strlen(args[2 + lines]) &&
                   memcmp(file.data, args[2 + lines], file.len) == 0;
        lhv1_buf_free(&file);
        lhv1_buf_free(&msg);
        cJSON_Delete(o);
        ck_assert_msg(same, "file field of line %d is not the path given", lines);
    }
    ck_assert_int_eq(lines, n - 2);
}
END_TEST

/* inspect: every line is "<label>: ..." or "layer N ..." with escaped text;
 * one verdict line, one go line; quoted names unescape to the original. */
static void assert_inspect(const char *path, const char *name)
{
    run_result *r = RUN("inspect", path);
    ck_assert_msg(r->code == 0 || r->code == 1, "inspect exit %d", r->code);
    assert_clean(r->out.data, r->out.len, "inspect stdout");
    assert_clean(r->err.data, r->err.len, "inspect stderr");
    static const char *const labels[] = {"file:", "size:", "format:", "envelope:", "graph:", "params:",
                                         "layer ", "total:", "vectors:",
                                         "non-finite components:", "verdict:", "go:"};
    int verdicts = 0, gos = 0;
    char *save, *line = strtok_r((char *)r->out.data, "\n", &save);
    for (; line; line = strtok_r(NULL, "\n", &save)) {
        int known = 0;
        for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
            known |= strncmp(line, labels[i], strlen(labels[i])) == 0;
        ck_assert_msg(known, "inspect line with no known label: %s", line);
        assert_escaped_text(line, strlen(line), "inspect line");
        verdicts += strncmp(line, "verdict:", 8) == 0;
        gos += strncmp(line, "go:", 3) == 0;
        if (strncmp(line, "file:", 5) == 0) {
            const char *v = line + 5 + strspn(line + 5, " ");
            assert_unescapes_to(v, strlen(v), path, "inspect file");
        }
        if (name && strncmp(line, "params:    name \"", 17) == 0) {
            const char *v = line + 17, *q = strchr(v, '"');
            ck_assert_ptr_nonnull(q);
            assert_unescapes_to(v, (size_t)(q - v), name, "inspect name");
        }
    }
    ck_assert_int_eq(verdicts, 1);
    ck_assert_int_eq(gos, 1);
}

START_TEST(inspect_lines_parse)
{
    assert_inspect(path_in("name.lhv1"), hostile_name);
    assert_inspect(path_in("distance.lhv1"), NULL);
    assert_inspect(path_in("key.lhv1"), NULL);
    assert_inspect(path_in("meta.lhv1"), "docs");
    for (size_t i = 0; i < N_HOSTILE; i++)
        assert_inspect(path_in(hostile_files[i]), "docs");
}
END_TEST

/* dump: valid UTF-8 JSON holding the original name; its stderr line (for
 * objects that are not ok) follows verify's grammar. */
START_TEST(dump_parses)
{
    const char *files[] = {path_in("name.lhv1"), path_in("meta.lhv1"), path_in(hostile_files[0]),
                           path_in(hostile_files[1]), path_in(hostile_files[3])};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        run_result *r = RUN("dump", files[i]);
        ck_assert_msg(r->code == 0 || r->code == 1, "dump exit %d", r->code);
        assert_clean(r->out.data, r->out.len, "dump stdout");
        cJSON *d = cJSON_Parse((const char *)r->out.data);
        ck_assert_msg(cJSON_IsObject(d), "dump of %s is not JSON: %s (stderr %s)", files[i],
                      (const char *)r->out.data, (const char *)r->err.data);
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(d, "envelope");
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(env, "params");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
        int same = cJSON_IsString(name) &&
                   strcmp(name->valuestring, i == 0 ? hostile_name : "docs") == 0;
        if (i == 1) { /* the hostile metadata key, whole */
            const cJSON *meta = cJSON_GetObjectItemCaseSensitive(env, "metadata");
            same = same && cJSON_GetObjectItemCaseSensitive(
                               meta, "k\n\x1b]0;x\a\xc2\x85\xe2\x80\xae\x7f") != NULL;
        }
        cJSON_Delete(d);
        ck_assert_msg(same, "dump of %zu lost params.name or the metadata key", i);
        assert_clean(r->err.data, r->err.len, "dump stderr");
        if (r->code == 1) {
            ck_assert(r->err.len > 0 && r->err.data[r->err.len - 1] == '\n');
            ck_assert_ptr_null(memchr(r->err.data, '\n', r->err.len - 1));
            assert_verify_line((const char *)r->err.data, r->err.len - 1, files[i]);
        }
    }
}
END_TEST

/* Errors that quote a file name or an argument (every command, serve too):
 * clean output, the name escaped. */
START_TEST(errors_are_escaped)
{
    static const char *const missing = "missing\n\x1b[2Jx\xff: ok";
    const char *path = path_in(missing);
    run_result *rs[] = {
        RUN("verify", path),
        RUN("dump", path),
        RUN("inspect", path),
        RUN("unframe", path, "--envelope", path_in("e"), "--graph", path_in("g")),
        RUN("frame", "--envelope", path, "--graph", path, "-o", path_in("o")),
        RUN("verify", "--x\n\x1b[2J\xff", path),
        RUN("campaign", "--seed", "1\n\x1b[2J\xff"),
        RUN("no\ncommand\x1b[2J\xff"),
        RUN("serve", "--plan", path),                       /* missing plan file */
        RUN("serve", "--plan", path_in(hostile_files[2])), /* a plan that is not JSON */
        RUN("serve", "--listen", "\x1b[2J\xff:1"),
        RUN("serve", "--x\n\x1b[2J\xff", "1"),
        RUN("conform", "--failure-list", path, "--", "true"), /* missing failure list */
        RUN("conform", "--", path),                           /* a testee that is not there */
        RUN("conform", "--x\n\x1b[2J\xff", "--", "true"),
        RUN("testee", "--x\n\x1b[2J\xff"),
    };
    for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++) {
        ck_assert_msg(rs[i]->code == 2, "case %zu exit %d", i, rs[i]->code);
        assert_clean(rs[i]->out.data, rs[i]->out.len, "stdout");
        assert_clean(rs[i]->err.data, rs[i]->err.len, "stderr");
        ck_assert_msg(rs[i]->err.len > 0, "case %zu says nothing", i);
    }
    /* the missing file's name, escaped, is on the error line */
    const char *e = (const char *)rs[0]->err.data;
    ck_assert_msg(strstr(e, "missing\\n\\x1b[2Jx\\xff\\x3a ok: ") != NULL, "%s", e);
}
END_TEST

Suite *suite_cli_escape(void)
{
    Suite *s = suite_create("cli_escape");
    TCase *tc = tcase_create("cli_escape");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, verify_text_lines_parse);
    tcase_add_test(tc, verify_json_lines_parse);
    tcase_add_test(tc, inspect_lines_parse);
    tcase_add_test(tc, dump_parses);
    tcase_add_test(tc, errors_are_escaped);
    suite_add_tcase(s, tc);
    return s;
}
