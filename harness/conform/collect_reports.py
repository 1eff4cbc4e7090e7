#!/usr/bin/env python3
"""Collects the lhv1 conform reports the test command wrote (ctest writes
every conform run's JUnit, Markdown and JSON into <build>/conform-reports/)
into a directory the main job publishes, with an index.

    collect_reports.py REPORTS_DIR OUT_DIR

Writes OUT_DIR/<run>.{json,md,xml} (copies), OUT_DIR/index.md (one row per
run: testee, version, cases, how they ended, restarts, its reports) and
OUT_DIR/go-toolchains.md (toolchain_table.py's table). Exit 1 when a run
failed or a run the test command always makes is missing (liblhv1, and each
Go testee under each toolchain), so the main job's summary shows it.
"""
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import toolchain_table  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
from markdown_cell import md_text  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    runs = sorted(f[:-5] for f in os.listdir(src) if f.endswith(".json")) if os.path.isdir(src) else []
    want = ["liblhv1-plain"] + ["%s-%s" % (name, tc) for name, _ in toolchain_table.TESTEES
                                for tc in toolchain_table.toolchains()]
    problems = ["no report of run %s in %s" % (w, src) for w in want if w not in runs]
    rows = ["| run | testee | version | cases | pass | listed failures | unexpected | now pass | "
            "message changed | restarts | result | reports |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for run in runs:
        for ext in ("json", "md", "xml"):
            if os.path.exists(os.path.join(src, run + "." + ext)):
                shutil.copy(os.path.join(src, run + "." + ext), out)
        with open(os.path.join(src, run + ".json")) as f:
            rep = json.load(f)
        c = rep["counts"]
        if rep["failed"]:
            problems.append("run %s failed" % run)
        rows.append("| %s | %s | %s | %d | %d | %d | %d | %d | %d | %d | %s | [md](%s.md), [json](%s.json), [junit](%s.xml) |" % (
            run, rep.get("testee", "?"), md_text(rep.get("version", "?")), len(rep["cases"]),
            c["pass"], c["expected"], c["fail"], c["now_passes"], c["message_changed"], rep["restarts"],
            "FAILED" if rep["failed"] else "passed", run, run, run))
    with open(os.path.join(out, "index.md"), "w") as f:
        f.write("# lhv1 conform: every testee the test command runs\n\n"
                "Each run with its failure list (docs/CONFORMANCE.md); the per-case reports beside.\n\n")
        f.write("\n".join(rows) + "\n")
    have_go = all("%s-%s" % (n, tc) in runs for n, _ in toolchain_table.TESTEES
                  for tc in toolchain_table.toolchains())
    if have_go:
        with open(os.path.join(out, "go-toolchains.md"), "w") as f:
            f.write("# The Go testees under each Go toolchain\n\n" + toolchain_table.table(src))
    for p in problems:
        print("collect_reports: " + p, file=sys.stderr)
    print("collect_reports: %d runs into %s" % (len(runs), out), file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
