#!/usr/bin/env python3
"""ci/coverage's totals: reads OUT/export.json (llvm-cov export
-summary-only of src/), writes OUT/coverage.json (lines, branches,
functions, regions; whether the tests passed) and OUT/coverage.md, prints
the Markdown, and removes export.json.

  summary.py OUT TEST_EXIT_STATUS
"""
import json, os, sys
out, test_rc = sys.argv[1], int(sys.argv[2])
totals = json.load(open(os.path.join(out, "export.json")))["data"][0]["totals"]
os.remove(os.path.join(out, "export.json"))
pick = {k: {"covered": totals[k]["covered"], "count": totals[k]["count"],
            "percent": round(totals[k]["percent"], 2)}
        for k in ("lines", "branches", "functions", "regions")}
pick["tests_passed"] = test_rc == 0
json.dump(pick, open(os.path.join(out, "coverage.json"), "w"), indent=1)
rows = [f"| {k} | {v['covered']}/{v['count']} | {v['percent']:.1f}% |"
        for k, v in pick.items() if isinstance(v, dict)]
md = ["# Coverage of src/ (Check suites + corpus replay)", "", "| measure | covered | % |",
      "| --- | ---: | ---: |"] + rows + ["", "Per file: summary.txt; annotated source: html/index.html."]
if test_rc:
    md += ["", "**Some tests failed** (ctest.log); coverage is from what ran."]
open(os.path.join(out, "coverage.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
