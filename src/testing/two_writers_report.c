/* The two-writer table: each result's cell and the judge, as
 * examples/vectord/twowriters (report.go's Verdict, the test's judge)
 * word them, so the C and Go tables read the same. */
#include <stdio.h>
#include <string.h>

#include "lhv1testing/two_writers.h"
#include "lhv1testing/markdown.h"

static const cJSON *field(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

/* A list field's length (null: 0). */
static int count(const cJSON *res, const char *name)
{
    const cJSON *a = field(res, name);
    return cJSON_IsArray(a) ? cJSON_GetArraySize(a) : 0;
}

static void join(lhv1_buf *b, const cJSON *a)
{
    const cJSON *e;
    int first = 1;
    cJSON_ArrayForEach(e, a)
    {
        if (!first)
            lhv1_buf_puts(b, ", ");
        lhv1_buf_puts(b, cJSON_IsString(e) ? e->valuestring : "?");
        first = 0;
    }
}

/* report.go's Verdict. */
static void verdict(const cJSON *r, lhv1_buf *b)
{
    int lost = count(r, "lost") > 0, unsaved = count(r, "unsaved") > 0, parts = 0;
    const cJSON *retries = field(r, "retries");
    if (lost) {
        lhv1_buf_puts(b, "**lost update**: ");
        join(b, field(r, "lost"));
        lhv1_buf_puts(b, " acknowledged, gone");
        parts++;
    }
    if (count(r, "conflicts")) {
        lhv1_buf_puts(b, parts++ ? "; conflict detected at " : "conflict detected at ");
        join(b, field(r, "conflicts"));
        if (cJSON_IsNumber(retries) && retries->valueint > 0)
            lhv1_buf_printf(b, "; %d retry after reload", retries->valueint);
    }
    if (!lost && !unsaved) {
        lhv1_buf_puts(b, parts++ ? "; all kept" : "all kept");
    } else if (unsaved) {
        lhv1_buf_puts(b, parts++ ? "; not saved, and told: " : "not saved, and told: ");
        join(b, field(r, "unsaved"));
    }
}

static void problem(lhv1_buf *out, size_t *n, const cJSON *row, const char *mode,
                    const char *msg)
{
    const cJSON *plan = field(row, "plan"), *steps = field(row, "steps");
    lhv1_buf_printf(out, "%s (%s), %s persistor: %s\n",
                    cJSON_IsString(plan) ? plan->valuestring : "?",
                    cJSON_IsString(steps) ? steps->valuestring : "?", mode, msg);
    (*n)++;
}

size_t lhv1_tw_judge(const cJSON *rows, lhv1_buf *problems)
{
    static const char *const modes[] = {"plain", "conditional", "retry"};
    size_t n = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        int racy = cJSON_IsTrue(field(row, "racy"));
        for (int m = 0; m < 3; m++) {
            const cJSON *r = field(field(row, "results"), modes[m]);
            if (!cJSON_IsObject(r)) {
                problem(problems, &n, row, modes[m], "no result");
                continue;
            }
            int lost = count(r, "lost") > 0, conflicts = count(r, "conflicts"),
                unsaved = count(r, "unsaved");
            const char *msg = NULL;
            if (m == 0 && racy && !lost)
                msg = "the plain persistor must lose an update here (the workload no longer "
                      "races)";
            else if (m != 0 && lost)
                msg = "an acknowledged Save's additions vanished: a lost update";
            else if (m == 1 && racy && !conflicts)
                msg = "a conflict must be reported";
            else if (m == 1 && racy && !unsaved)
                msg = "the conflicting writer's additions must be reported unsaved";
            else if (m == 2 && (unsaved || count(r, "final") != count(r, "acknowledged")))
                msg = "after retrying, every writer's additions must be in the final object";
            else if (!racy && (lost || conflicts || unsaved))
                msg = "nothing races here: all must be kept, no conflict";
            if (msg)
                problem(problems, &n, row, modes[m], msg);
        }
    }
    return n;
}

int lhv1_tw_markdown(const cJSON *rows, const char *stores_name, lhv1_buf *out)
{
    lhv1_buf_puts(out, "# Two writers in C: lost updates vs detected conflicts\n\n");
    lhv1_buf_printf(out,
                    "Two writers (two liblhv1 persistors) update index `shared` on the %s, "
                    "interleaved as the steps say: `Ar` A loads and adds a vector, `Aw` A "
                    "saves. *plain*: `lhv1_persistor_save` (unconditional Put); *conditional*: "
                    "`lhv1_persistor_save_if` (`If-Match` on the version last read, "
                    "`If-None-Match: *` on create); *+ retry*: on a conflict the writer "
                    "reloads, reapplies its additions and saves again.\n\n",
                    stores_name);
    lhv1_buf_puts(out, "| plan | steps | plain | conditional | conditional + retry |\n"
                       "| --- | --- | --- | --- | --- |\n");
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        const cJSON *plan = field(row, "plan"), *steps = field(row, "steps");
        lhv1_buf_puts(out, "| ");
        lhv1_md_text_str(out, cJSON_IsString(plan) ? plan->valuestring : "?");
        lhv1_buf_puts(out, " | `");
        lhv1_md_code_str(out, cJSON_IsString(steps) ? steps->valuestring : "?");
        lhv1_buf_printf(out, "%s` |", cJSON_IsTrue(field(row, "create")) ? " (empty store)" : "");
        static const char *const modes[] = {"plain", "conditional", "retry"};
        for (int m = 0; m < 3; m++) {
            lhv1_buf_putc(out, ' ');
            verdict(field(field(row, "results"), modes[m]), out);
            lhv1_buf_puts(out, " |");
        }
        lhv1_buf_putc(out, '\n');
    }
    return out->failed ? -1 : 0;
}
