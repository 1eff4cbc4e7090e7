#!/usr/bin/env python3
"""The Go toolchain table of docs/FORMAT-EVOLUTION.md, from the lhv1 conform
reports of the Go testees under each toolchain (conform_go.sh writes them:
REPORT_DIR/<testee>-<toolchain>.json).

    toolchain_table.py REPORT_DIR                  print the table (Markdown)
    toolchain_table.py --write DOC REPORT_DIR      put it into DOC between the markers
    toolchain_table.py --check DOC REPORT_DIR      exit 1 when DOC holds another table

The testees are the rows of TESTEES, the toolchains those of
go_toolchains.tsv beside this script. Per testee and toolchain: the cases,
how they ended, what the testee did on the loads, its dumps, use and save;
then every case whose outcome, dump, result or failure differs between two
toolchains.
"""
import json
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from markdown_cell import md_code, md_text  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TESTEES = [("go-reference", "the Go reference (golden/gen/cmd/testee)"),
           ("vectord", "examples/vectord (cmd/testee)")]
BEGIN = ("<!-- go-toolchain-table: written by harness/conform/toolchain_table.py from the "
         "lhv1 conform reports; ctest go_toolchain_table fails when it is stale -->")
END = "<!-- end go-toolchain-table -->"
LOADS = ("golden", "lhv2", "archive", "edit")


def toolchains():
    rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(HERE, "go_toolchains.tsv"))
            if line.strip() and not line.startswith("#")]
    return [r[0] for r in rows[1:]]


def load(report_dir, name, tc):
    path = os.path.join(report_dir, "%s-%s.json" % (name, tc))
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("toolchain_table: %s: %s (run ctest -L go-toolchains first)" % (path, e))


def summary_row(label, tc, rep):
    cases = rep["cases"]
    loads = [c for c in cases if c["kind"] in LOADS]
    outcomes = {}
    for c in loads:
        outcomes[c["outcome"]] = outcomes.get(c["outcome"], 0) + 1
    shown = " / ".join("%s %d" % (o, outcomes[o]) for o in
                       ("ok", "error", "panic", "crash", "timeout", "unsupported") if o in outcomes)
    dumped = [c for c in loads if c["dump"] in ("equal", "differs")]
    equal = sum(c["dump"] == "equal" for c in dumped)

    def kind(k):
        of = [c for c in cases if c["kind"] == k and c["result"] != "skipped"]
        return "%d / %d" % (sum(c["result"] == "pass" for c in of), len(of))

    counts = rep["counts"]
    return "| %s | %s | %s | %d | %d | %d | %s | %d / %d | %s | %s | %d |" % (
        label, tc, md_text(rep.get("version", "?").split(", ")[-1]), len(cases), counts.get("pass", 0),
        counts.get("expected", 0), shown, equal, len(dumped), kind("use"),
        kind("save"), rep["restarts"])


def differences(name, label, reports, tcs):
    """Rows for every case whose outcome, dump, result or failure differs."""
    rows = []
    by_tc = {tc: {c["name"]: c for c in reports[tc]["cases"]} for tc in tcs}
    names = sorted(set().union(*(set(v) for v in by_tc.values())))
    for n in names:
        seen = [by_tc[tc].get(n) for tc in tcs]
        shown = ["-" if c is None else "%s, dump %s, %s%s" % (
            c["outcome"], c["dump"], c["result"],
            (": " + c["failure"]) if c.get("failure") else "") for c in seen]
        if len(set(shown)) > 1:
            rows.append("| %s | `%s` | %s |" % (label, md_code(n), " | ".join(md_text(s) for s in shown)))
    return rows


def table(report_dir):
    tcs = toolchains()
    out = ["| testee | GOTOOLCHAIN | built with | cases | pass | listed failures | loads: testee outcome | "
           "dumps equal / compared | use pass | save pass | restarts |",
           "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
    diffs, total = [], 0
    for name, label in TESTEES:
        reports = {tc: load(report_dir, name, tc) for tc in tcs}
        for tc in tcs:
            out.append(summary_row(label, tc, reports[tc]))
        total = max(total, *(len(r["cases"]) for r in reports.values()))
        diffs += differences(name, label, reports, tcs)
    out.append("")
    if diffs:
        out.append("Cases that differ between the toolchains (outcome, dump, result: failure):")
        out.append("")
        out.append("| testee | case | " + " | ".join(tcs) + " |")
        out.append("| --- | --- | " + " | ".join("---" for _ in tcs) + " |")
        out += diffs
    else:
        out.append("No case differs between %s for either testee: the same outcome, dump, "
                   "result and failure on each of the %d cases." % (" and ".join(tcs), total))
    return "\n".join(out) + "\n"


def splice(doc_text, body):
    if BEGIN not in doc_text or END not in doc_text:
        sys.exit("toolchain_table: the document has no %s ... %s markers" % (BEGIN, END))
    head, rest = doc_text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + BEGIN + "\n\n" + body + "\n" + END + tail


def main():
    args = sys.argv[1:]
    mode = None
    if args[:1] in (["--write"], ["--check"]):
        if len(args) != 3:
            sys.exit(__doc__)
        mode, doc, args = args[0], args[1], args[2:]
    if len(args) != 1:
        sys.exit(__doc__)
    body = table(args[0])
    if mode is None:
        sys.stdout.write(body)
        return
    text = open(doc).read()
    want = splice(text, body)
    if mode == "--write":
        with open(doc, "w") as f:
            f.write(want)
    elif want != text:
        sys.stderr.write("toolchain_table: %s holds another Go toolchain table than the conform "
                         "reports give; run harness/conform/toolchain_table.py --write %s %s\n"
                         "the reports give:\n%s" % (doc, doc, args[0], body))
        sys.exit(1)
    else:
        print("toolchain_table: %s is current" % doc)


if __name__ == "__main__":
    main()
