#!/usr/bin/env python3
"""Prints the tables of docs/FAULT-RESULTS.md's generated block: the
campaign's summary and its SILENT-WRONG cases by place, as
`lhv1 campaign --seed 1` writes them in Markdown, without the run time.

Usage: fault_results.py LHV1
(ctest docs_fault_results: harness/tools/doc_block.py compares them with
the document.)
"""
import os
import re
import subprocess
import sys
import tempfile

COMMAND = ["campaign", "--seed", "1", "--quiet"]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        md = os.path.join(tmp, "campaign.md")
        run = subprocess.run([sys.argv[1], *COMMAND, "--markdown", md],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            sys.exit(f"lhv1 {' '.join(COMMAND)} exited {run.returncode}:\n{run.stderr}")
        with open(md, encoding="utf-8") as f:
            lines = f.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("Every case:"):
            break
        if line.startswith("## Fault campaign"):
            line = re.sub(r" in [0-9.]+ s$", "", line)
        out.append(line)
    if not any(l.startswith("| put-torn-prefix") for l in out):
        sys.exit("no campaign table in the program's Markdown")
    print("\n".join(out).strip("\n"))


if __name__ == "__main__":
    main()
