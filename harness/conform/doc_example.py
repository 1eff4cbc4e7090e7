#!/usr/bin/env python3
"""Runs the Python testee of docs/CONFORMANCE.md, taken from the document
itself, under `lhv1 conform` with its failure list: the example cannot rot.

    doc_example.py DOC LHV1 GOLDEN_DIR FAILURE_LIST WORK_DIR [REPORTS]

Reports go to REPORTS.{md,json,xml} (default WORK_DIR/conform).
"""
import os
import subprocess
import sys

doc, lhv1, goldens, failures, work = sys.argv[1:6]
reports = sys.argv[6] if len(sys.argv) > 6 else os.path.join(work, "conform")
text = open(doc).read()
marker = "<!-- testee.py"
start = text.index("```python\n", text.index(marker)) + len("```python\n")
code = text[start:text.index("\n```\n", start) + 1]
os.makedirs(work, exist_ok=True)
testee = os.path.join(work, "testee.py")
with open(testee, "w") as f:
    f.write(code)
sys.exit(subprocess.run([lhv1, "conform", "--goldens", goldens, "--failure-list", failures,
                         "--markdown", reports + ".md", "--json", reports + ".json",
                         "--junit", reports + ".xml",
                         "--", sys.executable, testee]).returncode)
