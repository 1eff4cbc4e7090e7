/* lhv1 conform's reports (lhv1testing/conform.h): Markdown for people and CI
 * summaries, JSON for tools, JUnit XML for CI, and the failure list to
 * paste back. Every text a testee gave was made safe when it was
 * recorded (conform_clean_text): printable UTF-8, no control byte. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "lhv1testing/conform.h"
#include "lhv1testing/markdown.h"

static const char *const cap_names[] = {"load", "save", "use", "lhv2"};

static void caps_text(lhv1_buf *out, unsigned caps)
{
    int first = 1;
    for (unsigned i = 0; i < 4; i++)
        if (caps & (1u << i)) {
            lhv1_buf_printf(out, "%s%s", first ? "" : ", ", cap_names[i]);
            first = 0;
        }
}

static const char *str_or(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

static void md_row(lhv1_buf *out, const lhv1_conform_case *c)
{
    lhv1_buf_puts(out, "| `");
    lhv1_md_code_str(out, c->name);
    lhv1_buf_printf(out, "` | %s | %s%s | %s | %c | %c | %s | %s | ", c->spec, c->go,
                    c->go_predicted ? " (predicted)" : "", c->outcome, c->agrees_spec,
                    c->agrees_go, c->dump, lhv1_case_result_name(c->result));
    lhv1_md_text_str(out, c->failure);
    if (c->listed_message) {
        lhv1_buf_puts(out, " (listed: ");
        lhv1_md_text_str(out, c->listed_message);
        lhv1_buf_putc(out, ')');
    }
    lhv1_buf_puts(out, " | ");
    lhv1_md_text_str(out, c->detail);
    lhv1_buf_puts(out, " |\n");
}

static const char md_head[] =
    "| case | spec | Go | testee | spec? | Go? | dump | result | failure | detail |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";

int lhv1_conform_markdown(const lhv1_conform_result *res, lhv1_buf *out)
{
    lhv1_buf_puts(out, "## lhv1 conform: ");
    lhv1_md_text_str(out, str_or(res->testee, "?"));
    lhv1_buf_puts(out, "\n\nTestee `");
    lhv1_md_code_str(out, res->command);
    lhv1_buf_puts(out, "` (");
    lhv1_md_text_str(out, str_or(res->version, "?"));
    lhv1_buf_printf(out, "), protocol %d, capabilities: ", LHV1_TESTEE_PROTOCOL);
    caps_text(out, res->caps);
    lhv1_buf_printf(out, ".\n\n**%s**: %zu cases in %.1f s; %zu pass, %zu unexpected failures, "
                         "%zu expected failures (failure list), %zu now pass, %zu fail with "
                         "another message, %zu skipped, %zu listed but not run; the testee was "
                         "restarted %zu times.\n\n",
                    res->failed ? "FAILED" : "passed", res->n, res->seconds,
                    res->counts[LHV1_CASE_PASS], res->counts[LHV1_CASE_FAIL],
                    res->counts[LHV1_CASE_EXPECTED], res->counts[LHV1_CASE_NOW_PASSES],
                    res->counts[LHV1_CASE_MESSAGE_CHANGED], res->counts[LHV1_CASE_SKIPPED],
                    res->n_stale, res->restarts);
    lhv1_buf_puts(out, "Columns: the spec's verdict; Go's behaviour (recorded by the Go "
                       "reference, or predicted by liblhv1 where there is no record); what the "
                       "testee did; whether that agrees with the spec and with Go; the dump "
                       "against the expected one.\n\n");
    int any = 0;
    for (size_t i = 0; i < res->n; i++) {
        const lhv1_conform_case *c = &res->cases[i];
        if (c->result == LHV1_CASE_PASS || c->result == LHV1_CASE_SKIPPED)
            continue;
        if (!any)
            lhv1_buf_printf(out, "### Failures\n\n%s", md_head);
        any = 1;
        md_row(out, c);
    }
    for (size_t i = 0; i < res->n_stale; i++) {
        lhv1_buf_printf(out, "%s| `", any || i ? "" : md_head);
        lhv1_md_code_str(out, res->stale[i]);
        lhv1_buf_puts(out, "` | | | | | | | listed, no such case | | |\n");
    }
    lhv1_buf_printf(out, "\n### Every case\n\n%s", md_head);
    for (size_t i = 0; i < res->n; i++)
        md_row(out, &res->cases[i]);
    return out->failed ? -1 : 0;
}

static void json_str(lhv1_buf *out, const char *s)
{
    if (!s) {
        lhv1_buf_puts(out, "null");
        return;
    }
    lhv1_json_str_append(out, lhv1_bytes_str(s));
}

int lhv1_conform_json(const lhv1_conform_result *res, lhv1_buf *out)
{
    lhv1_buf_puts(out, "{\"testee\":");
    json_str(out, res->testee);
    lhv1_buf_puts(out, ",\"version\":");
    json_str(out, res->version);
    lhv1_buf_puts(out, ",\"command\":");
    json_str(out, res->command);
    lhv1_buf_printf(out, ",\"protocol\":%d,\"capabilities\":[", LHV1_TESTEE_PROTOCOL);
    int first = 1;
    for (unsigned i = 0; i < 4; i++)
        if (res->caps & (1u << i)) {
            lhv1_buf_printf(out, "%s\"%s\"", first ? "" : ",", cap_names[i]);
            first = 0;
        }
    lhv1_buf_printf(out, "],\"failed\":%s,\"seconds\":%.3f,\"restarts\":%zu,\"counts\":{",
                    res->failed ? "true" : "false", res->seconds, res->restarts);
    static const char *const keys[] = {"pass", "fail", "expected", "now_passes",
                                       "message_changed", "skipped"};
    for (int k = 0; k < LHV1_CASE_RESULT_COUNT; k++)
        lhv1_buf_printf(out, "%s\"%s\":%zu", k ? "," : "", keys[k], res->counts[k]);
    lhv1_buf_puts(out, "},\"listed_not_run\":[");
    for (size_t i = 0; i < res->n_stale; i++) {
        if (i)
            lhv1_buf_putc(out, ',');
        json_str(out, res->stale[i]);
    }
    lhv1_buf_puts(out, "],\"cases\":[");
    for (size_t i = 0; i < res->n; i++) {
        const lhv1_conform_case *c = &res->cases[i];
        lhv1_buf_puts(out, i ? ",\n{\"name\":" : "\n{\"name\":");
        json_str(out, c->name);
        lhv1_buf_printf(out, ",\"kind\":\"%s\",\"spec\":", c->kind);
        json_str(out, c->spec);
        lhv1_buf_printf(out, ",\"go\":\"%s\",\"go_predicted\":%s,\"outcome\":\"%s\","
                             "\"agrees_spec\":\"%c\",\"agrees_go\":\"%c\",\"dump\":\"%s\","
                             "\"result\":\"%s\",\"failure\":",
                        c->go, c->go_predicted ? "true" : "false", c->outcome, c->agrees_spec,
                        c->agrees_go, c->dump, keys[c->result]);
        json_str(out, c->failure);
        lhv1_buf_puts(out, ",\"listed_message\":");
        json_str(out, c->listed_message);
        lhv1_buf_puts(out, ",\"detail\":");
        json_str(out, c->detail);
        lhv1_buf_puts(out, ",\"about\":");
        json_str(out, c->about);
        lhv1_buf_putc(out, '}');
    }
    lhv1_buf_puts(out, "]}\n");
    return out->failed ? -1 : 0;
}

static void xml_text(lhv1_buf *out, const char *s)
{
    for (s = str_or(s, ""); *s; s++) {
        switch (*s) {
        case '&': lhv1_buf_puts(out, "&amp;"); break;
        case '<': lhv1_buf_puts(out, "&lt;"); break;
        case '>': lhv1_buf_puts(out, "&gt;"); break;
        case '"': lhv1_buf_puts(out, "&quot;"); break;
        default: lhv1_buf_putc(out, (uint8_t)*s);
        }
    }
}

int lhv1_conform_junit(const lhv1_conform_result *res, lhv1_buf *out)
{
    size_t failures = res->counts[LHV1_CASE_FAIL] + res->counts[LHV1_CASE_NOW_PASSES] +
                      res->counts[LHV1_CASE_MESSAGE_CHANGED] + res->n_stale;
    size_t skipped = res->counts[LHV1_CASE_EXPECTED] + res->counts[LHV1_CASE_SKIPPED];
    lhv1_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"lhv1.conform.");
    xml_text(out, res->testee);
    lhv1_buf_printf(out, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
                    res->n + res->n_stale, failures, skipped, res->seconds);
    for (size_t i = 0; i < res->n; i++) {
        const lhv1_conform_case *c = &res->cases[i];
        lhv1_buf_printf(out, "  <testcase classname=\"lhv1.conform.%s\" name=\"", c->kind);
        xml_text(out, c->name);
        lhv1_buf_puts(out, "\">\n");
        switch (c->result) {
        case LHV1_CASE_FAIL:
            lhv1_buf_puts(out, "    <failure message=\"");
            xml_text(out, c->failure);
            lhv1_buf_puts(out, "\"/>\n");
            break;
        case LHV1_CASE_NOW_PASSES:
            lhv1_buf_puts(out, "    <failure message=\"in the failure list, but passes now: "
                               "remove it from the list\"/>\n");
            break;
        case LHV1_CASE_MESSAGE_CHANGED:
            lhv1_buf_puts(out, "    <failure message=\"fails with another message than listed: ");
            xml_text(out, c->failure);
            lhv1_buf_puts(out, " (listed: ");
            xml_text(out, c->listed_message);
            lhv1_buf_puts(out, ")\"/>\n");
            break;
        case LHV1_CASE_EXPECTED:
            lhv1_buf_puts(out, "    <skipped message=\"expected failure (failure list): ");
            xml_text(out, c->failure);
            lhv1_buf_puts(out, "\"/>\n");
            break;
        case LHV1_CASE_SKIPPED:
            lhv1_buf_puts(out, "    <skipped message=\"");
            xml_text(out, c->detail);
            lhv1_buf_puts(out, "\"/>\n");
            break;
        default:
            break;
        }
        lhv1_buf_printf(out, "    <system-out>spec %s; Go %s%s; testee %s; dump %s",
                        c->spec, c->go, c->go_predicted ? " (predicted)" : "", c->outcome,
                        c->dump);
        if (c->detail) {
            lhv1_buf_puts(out, "; ");
            xml_text(out, c->detail);
        }
        lhv1_buf_puts(out, "</system-out>\n  </testcase>\n");
    }
    for (size_t i = 0; i < res->n_stale; i++) {
        lhv1_buf_puts(out, "  <testcase classname=\"lhv1.conform.list\" name=\"");
        xml_text(out, res->stale[i]);
        lhv1_buf_puts(out, "\">\n    <failure message=\"in the failure list, but no case of "
                           "this run has that name: remove it from the list\"/>\n  </testcase>\n");
    }
    lhv1_buf_puts(out, "</testsuite>\n");
    return out->failed ? -1 : 0;
}

int lhv1_conform_failure_list(const lhv1_conform_result *res, lhv1_buf *out)
{
    lhv1_buf_printf(out, "# Failure list of %s for lhv1 conform (docs/CONFORMANCE.md), written by\n"
                         "# --write-failure-list: one case a line, '  # ' and the failure it\n"
                         "# is expected to have. Keep a line only for a failure you accept.\n",
                    str_or(res->testee, "?"));
    for (size_t i = 0; i < res->n; i++) {
        const lhv1_conform_case *c = &res->cases[i];
        if (c->failed && c->result != LHV1_CASE_SKIPPED)
            lhv1_buf_printf(out, "%s  # %s\n", c->name, c->failure);
    }
    return out->failed ? -1 : 0;
}
