/* The campaign's reports: Markdown for people and CI summaries, JSON for
 * tools. Both hold the table fault x outcome, the listed cases and the
 * failed checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lhv1testing/campaign.h"
#include "lhv1testing/markdown.h"

static void md_cases(lhv1_buf *out, const lhv1_campaign_result *res, int silent)
{
    lhv1_buf_puts(out, "| fault | op | where | index | outcome | detail |\n"
                       "| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < res->n_listed; i++) {
        const lhv1_campaign_case *c = &res->listed[i];
        if (silent ? c->outcome != LHV1_OUT_SILENT_WRONG : c->expected)
            continue;
        char off[48] = "";
        if (c->fault.kind == LHV1_FAULT_PUT_TORN_PREFIX ||
            c->fault.kind == LHV1_FAULT_PUT_TORN_OVER_OLD)
            snprintf(off, sizeof off, " cut=%llu", (unsigned long long)c->fault.cut);
        else if (c->fault.kind == LHV1_FAULT_GET_BIT_FLIP)
            snprintf(off, sizeof off, " bit=%llu", (unsigned long long)c->fault.bit);
        lhv1_buf_printf(out, "| %s | #%llu%s | ", c->row, (unsigned long long)c->fault.nth,
                        off);
        lhv1_md_text_str(out, c->offset_class);
        lhv1_buf_printf(out, " | %s | %s | ", c->index, lhv1_outcome_name(c->outcome));
        lhv1_md_text_str(out, c->detail);
        lhv1_buf_puts(out, " |\n");
    }
}

/* The region of an offset class: "vector L0#3" -> "vector",
 * "sample in key L1#2" -> "key", "envelope-end+2" -> "envelope-end". */
static void region_key(const char *label, char *out, size_t n)
{
    if (!strncmp(label, "sample in ", 10))
        label += 10;
    size_t i = 0;
    for (; label[i] && i + 1 < n; i++) {
        char c = label[i];
        if (c == '+' || c == '#' || (c >= '0' && c <= '9') ||
            (c == ' ' && label[i + 1] == 'L' && label[i + 2] >= '0' && label[i + 2] <= '9'))
            break;
        out[i] = c;
    }
    while (i > 0 && (out[i - 1] == '-' || out[i - 1] == ' '))
        i--;
    out[i] = '\0';
}

/* SILENT-WRONG cases counted by fault row and region. */
static void md_regions(lhv1_buf *out, const lhv1_campaign_result *res)
{
    lhv1_buf_puts(out, "| fault | where | cases |\n| --- | --- | ---: |\n");
    for (size_t i = 0; i < res->n_listed; i++) {
        const lhv1_campaign_case *c = &res->listed[i];
        if (c->outcome != LHV1_OUT_SILENT_WRONG)
            continue;
        char key[48], other[48];
        region_key(c->offset_class, key, sizeof key);
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            region_key(res->listed[j].offset_class, other, sizeof other);
            seen = res->listed[j].outcome == LHV1_OUT_SILENT_WRONG &&
                   !strcmp(res->listed[j].row, c->row) && !strcmp(other, key);
        }
        if (seen)
            continue;
        size_t count = 0;
        for (size_t j = i; j < res->n_listed; j++) {
            region_key(res->listed[j].offset_class, other, sizeof other);
            count += res->listed[j].outcome == LHV1_OUT_SILENT_WRONG &&
                     !strcmp(res->listed[j].row, c->row) && !strcmp(other, key);
        }
        lhv1_buf_printf(out, "| %s | %s | %zu |\n", c->row, key, count);
    }
}

int lhv1_campaign_markdown(const lhv1_campaign_result *res, lhv1_buf *out)
{
    lhv1_buf_printf(out, "## Fault campaign (%s objects, seed %llu): %llu cases in %.1f s\n\n",
                    lhv1_format_name(res->format), (unsigned long long)res->seed, (unsigned long long)res->total_cases,
                    res->seconds);
    lhv1_buf_puts(out, "| fault | cases | fired |");
    for (int o = 0; o < LHV1_OUTCOME_COUNT; o++)
        lhv1_buf_printf(out, " %s |", lhv1_outcome_name((lhv1_outcome)o));
    lhv1_buf_puts(out, " Go loads a rejected object |\n| --- | ---: | ---: |");
    for (int o = 0; o <= LHV1_OUTCOME_COUNT; o++)
        lhv1_buf_puts(out, " ---: |");
    lhv1_buf_puts(out, "\n");
    for (size_t i = 0; i < res->n_rows; i++) {
        const lhv1_campaign_row *r = &res->rows[i];
        lhv1_buf_printf(out, "| %s | %llu | %llu |", r->name, (unsigned long long)r->cases,
                        (unsigned long long)r->fired);
        for (int o = 0; o < LHV1_OUTCOME_COUNT; o++) {
            /* Mark counts in a column this fault is not expected to reach. */
            int bad = r->counts[o] && r->kind != LHV1_FAULT_NONE &&
                      !lhv1_campaign_expected_in(res->format, r->kind, (lhv1_outcome)o);
            lhv1_buf_printf(out, " %s%llu%s |", bad ? "**" : "",
                            (unsigned long long)r->counts[o], bad ? "**" : "");
        }
        lhv1_buf_printf(out, " %llu |\n", (unsigned long long)r->go_silent);
    }
    size_t n_silent = 0, n_unexpected = 0;
    for (size_t i = 0; i < res->n_listed; i++) {
        n_silent += res->listed[i].outcome == LHV1_OUT_SILENT_WRONG;
        n_unexpected += !res->listed[i].expected;
    }
    lhv1_buf_printf(out, "\n### SILENT-WRONG cases (%zu)\n\n", n_silent);
    if (n_silent) {
        lhv1_buf_puts(out, "By where the cut or the flipped bit fell:\n\n");
        md_regions(out, res);
        lhv1_buf_puts(out, "\nEvery case:\n\n");
        md_cases(out, res, 1);
    }
    lhv1_buf_printf(out, "\n### Unexpected outcomes (%zu)\n\n", n_unexpected);
    if (n_unexpected)
        md_cases(out, res, 0);
    lhv1_buf_puts(out, "\n### Checks\n\n");
    if (res->failures.len) {
        lhv1_buf_puts(out, "```\n");
        lhv1_buf_append(out, res->failures.data, res->failures.len);
        lhv1_buf_puts(out, "```\n");
    } else {
        lhv1_buf_puts(out, "All checks hold: every fault fired in every case and had its "
                           "effect; no unexpected outcome.\n");
    }
    return out->failed ? -1 : 0;
}

int lhv1_campaign_json(const lhv1_campaign_result *res, lhv1_buf *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "seed", (double)res->seed);
    cJSON_AddStringToObject(root, "format", lhv1_format_name(res->format));
    cJSON_AddNumberToObject(root, "cases", (double)res->total_cases);
    cJSON_AddNumberToObject(root, "seconds", res->seconds);
    cJSON *rows = cJSON_AddArrayToObject(root, "rows");
    for (size_t i = 0; i < res->n_rows; i++) {
        const lhv1_campaign_row *r = &res->rows[i];
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "fault", r->name);
        if (r->extra) {
            /* A store hook's fault: its name leads the row's; it is allowed
             * the outcomes of `expected_as`. */
            char kind[64];
            snprintf(kind, sizeof kind, "%.*s", (int)strcspn(r->name, " "), r->name);
            cJSON_AddStringToObject(row, "kind", kind);
            cJSON_AddStringToObject(row, "expected_as", lhv1_fault_kind_name(r->kind));
        } else {
            cJSON_AddStringToObject(row, "kind", lhv1_fault_kind_name(r->kind));
        }
        cJSON_AddNumberToObject(row, "cases", (double)r->cases);
        cJSON_AddNumberToObject(row, "fired", (double)r->fired);
        cJSON_AddNumberToObject(row, "go_loads_rejected", (double)r->go_silent);
        cJSON *counts = cJSON_AddObjectToObject(row, "outcomes");
        for (int o = 0; o < LHV1_OUTCOME_COUNT; o++)
            cJSON_AddNumberToObject(counts, lhv1_outcome_name((lhv1_outcome)o),
                                    (double)r->counts[o]);
        cJSON_AddItemToArray(rows, row);
    }
    cJSON *listed = cJSON_AddArrayToObject(root, "cases_listed");
    for (size_t i = 0; i < res->n_listed; i++) {
        const lhv1_campaign_case *c = &res->listed[i];
        char fault[160];
        lhv1_fault_format(&c->fault, fault, sizeof fault);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "row", c->row);
        cJSON_AddStringToObject(o, "fault", fault);
        cJSON_AddNumberToObject(o, "nth", (double)c->fault.nth);
        cJSON_AddNumberToObject(o, "cut", (double)c->fault.cut);
        cJSON_AddNumberToObject(o, "bit", (double)c->fault.bit);
        cJSON_AddStringToObject(o, "where", c->offset_class);
        cJSON_AddStringToObject(o, "index", c->index);
        cJSON_AddStringToObject(o, "outcome", lhv1_outcome_name(c->outcome));
        cJSON_AddBoolToObject(o, "expected", c->expected);
        cJSON_AddStringToObject(o, "detail", c->detail);
        cJSON_AddStringToObject(o, "log", c->log ? c->log : "");
        cJSON_AddItemToArray(listed, o);
    }
    cJSON *fails = cJSON_AddArrayToObject(root, "failed_checks");
    const char *p = (const char *)res->failures.data, *end = p + res->failures.len;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        cJSON_AddItemToArray(fails, cJSON_CreateString(line));
        p += n + 1;
    }
    cJSON_AddBoolToObject(root, "passed", res->failures.len == 0);
    char *txt = cJSON_Print(root);
    cJSON_Delete(root);
    if (!txt)
        return -1;
    lhv1_buf_puts(out, txt);
    lhv1_buf_putc(out, '\n');
    cJSON_free(txt);
    return out->failed ? -1 : 0;
}

static void xml_text(lhv1_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        switch (s[i]) {
        case '&': lhv1_buf_puts(out, "&amp;"); break;
        case '<': lhv1_buf_puts(out, "&lt;"); break;
        case '>': lhv1_buf_puts(out, "&gt;"); break;
        case '"': lhv1_buf_puts(out, "&quot;"); break;
        default: lhv1_buf_putc(out, (uint8_t)s[i]);
        }
    }
}

/* The failed-check lines that belong to a row ("<row>: ..."). */
static void row_failures(const lhv1_campaign_result *res, const char *row, lhv1_buf *out)
{
    const char *p = (const char *)res->failures.data, *end = p + res->failures.len;
    size_t rl = strlen(row);
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > rl + 1 && !memcmp(p, row, rl) && p[rl] == ':') {
            lhv1_buf_append(out, p, n);
            lhv1_buf_putc(out, '\n');
        }
        p += n + 1;
    }
}

int lhv1_campaign_junit(const lhv1_campaign_result *res, lhv1_buf *out)
{
    size_t failed = 0;
    lhv1_buf *why = calloc(res->n_rows ? res->n_rows : 1, sizeof *why);
    if (!why)
        return -1;
    for (size_t i = 0; i < res->n_rows; i++) {
        row_failures(res, res->rows[i].name, &why[i]);
        if (res->rows[i].unexpected)
            lhv1_buf_printf(&why[i], "%llu cases with an unexpected outcome\n",
                            (unsigned long long)res->rows[i].unexpected);
        failed += why[i].len > 0;
    }
    lhv1_buf_printf(out,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<testsuite name=\"lhv1.campaign\" tests=\"%zu\" failures=\"%zu\" "
                    "time=\"%.3f\">\n",
                    res->n_rows, failed, res->seconds);
    for (size_t i = 0; i < res->n_rows; i++) {
        const lhv1_campaign_row *r = &res->rows[i];
        lhv1_buf_puts(out, "  <testcase classname=\"lhv1.campaign\" name=\"");
        xml_text(out, r->name, sizeof r->name);
        lhv1_buf_puts(out, "\">\n    <system-out>");
        lhv1_buf_printf(out, "cases=%llu fired=%llu", (unsigned long long)r->cases,
                        (unsigned long long)r->fired);
        for (int o = 0; o < LHV1_OUTCOME_COUNT; o++)
            lhv1_buf_printf(out, " %s=%llu", lhv1_outcome_name((lhv1_outcome)o),
                            (unsigned long long)r->counts[o]);
        lhv1_buf_puts(out, "</system-out>\n");
        if (why[i].len) {
            lhv1_buf_puts(out, "    <failure message=\"");
            xml_text(out, (const char *)why[i].data, why[i].len);
            lhv1_buf_puts(out, "\"/>\n");
        }
        lhv1_buf_puts(out, "  </testcase>\n");
        lhv1_buf_free(&why[i]);
    }
    free(why);
    lhv1_buf_puts(out, "</testsuite>\n");
    return out->failed ? -1 : 0;
}
