#!/usr/bin/env python3
"""Prints docs/LHV2.md's table of the campaign on both formats, as
ci/campaign-formats writes it (seed 1).

Usage: formats_table.py LHV1
(ctest docs_lhv2_campaign: harness/tools/doc_block.py compares it with the
document.)
"""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([sys.executable, os.path.join(ROOT, "ci", "campaign-formats"),
                              "--lhv1", sys.argv[1], "--out", tmp, "--seed", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            sys.exit(f"ci/campaign-formats exited {run.returncode}:\n{run.stderr}")
        with open(os.path.join(tmp, "campaign-formats.md"), encoding="utf-8") as f:
            lines = f.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("SILENT-WRONG in all:"):
            out.append(line.split(". ")[0] + ".")
            break
        if not line.startswith("## "):
            out.append(line)
    if not any(l.startswith("| get-bit-flip") for l in out):
        sys.exit("no table in ci/campaign-formats' Markdown")
    print("\n".join(out).strip("\n"))


if __name__ == "__main__":
    main()
