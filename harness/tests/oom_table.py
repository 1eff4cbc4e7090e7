#!/usr/bin/env python3
"""Prints docs/TESTING.md's table of allocation-failure points: the
allocation-failure loop's per-golden lines summed per path and mode.

Usage: oom_table.py LHV1_OOMTESTS GOLDEN_OBJECTS
(ctest docs_oom_points: harness/tools/doc_block.py compares it with the
document.)
"""
import re
import subprocess
import sys

LINE = re.compile(r"^(\S+(?: \S+)?)\s+(transient|persistent)\s+\S+\s+(\d+) points\s+(\d+) normal"
                  r"\s+(\d+) out-of-memory$")


def cell(t):
    return f"{t[0]} ({t[1]} normal, {t[2]} out-of-memory)"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    run = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit(f"{sys.argv[1]} exited {run.returncode}:\n{run.stderr}")
    paths = {}
    for line in run.stdout.splitlines():
        m = LINE.match(line.rstrip())
        if m:
            t = paths.setdefault(m.group(1), {}).setdefault(m.group(2), [0, 0, 0])
            for i in range(3):
                t[i] += int(m.group(3 + i))
    if not paths:
        sys.exit("no points in the loop's output")
    total = {"transient": [0, 0, 0], "persistent": [0, 0, 0]}
    print("| path (sum over the goldens) | transient points | persistent points |")
    print("| --- | --- | --- |")
    for path, modes in paths.items():
        for mode, t in modes.items():
            total[mode] = [a + b for a, b in zip(total[mode], t)]
        persistent = cell(modes["persistent"]) if "persistent" in modes else "- (repeats `load`)"
        print(f"| {path} | {cell(modes['transient'])} | {persistent} |")
    print(f"| **all** | {cell(total['transient'])} | {cell(total['persistent'])} |")


if __name__ == "__main__":
    main()
