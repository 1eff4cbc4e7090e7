#!/usr/bin/env python3
"""ci/planted-bugs' figures.

report.py run BUG DEPTH TARGET DIR BOX
    one tab-separated row from ci/fuzz's output for one target (DIR:
    start_time, end_time, stats.json, crashes/<signature>/): found
    (yes/no), seconds to the first crash (or the box), executions.
report.py report RESULTS_TSV BOX OUT_DIR
    planted.md and planted.json from the rows."""
import csv
import json
import os
import sys


def run(bug, depth, target, d, box):
    def read(name):
        try:
            with open(os.path.join(d, name), encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return ""
    start, end = read("start_time"), read("end_time")
    seconds = float(end) - float(start) if start and end else float(box)
    execs = 0
    try:
        with open(os.path.join(d, "stats.json"), encoding="utf-8") as f:
            execs = int(json.load(f).get("execs", 0))
    except (OSError, ValueError):
        pass
    sigs = sorted(os.listdir(os.path.join(d, "crashes"))) if os.path.isdir(os.path.join(d, "crashes")) else []
    found = "yes" if sigs else "no"
    print("\t".join([bug, depth, target, found, f"{seconds:.1f}", str(execs), ",".join(sigs)]))


def report(results, box, out):
    with open(results, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    targets = []
    for r in rows:
        if r["target"] not in targets:
            targets.append(r["target"])
    bugs = []
    for r in rows:
        if r["bug"] not in [b["bug"] for b in bugs]:
            bugs.append({"bug": r["bug"], "depth": r["depth"], "runs": {}})
        b = next(b for b in bugs if b["bug"] == r["bug"])
        b["runs"][r["target"]] = {"found": r["found"] == "yes", "seconds": float(r["seconds"]),
                                 "execs": int(r["execs"]), "signature": r["signature"]}
    md = ["# Planted bugs: time to the first crash", "",
          f"libFuzzer as the main job runs each target (`ci/fuzz`), at most {box} s per bug and target; "
          "a cell is the wall time to the first crash (seeds loaded included) and the executions it took; "
          "— is a target that does not run the patched code.", "",
          "| bug | depth | " + " | ".join(f"`{t}`" for t in targets) + " |",
          "| --- | --- | " + " | ".join("---:" for _ in targets) + " |"]
    for b in bugs:
        cells = []
        for t in targets:
            r = b["runs"].get(t)
            if r is None:
                cells.append("—")
            elif r["found"]:
                cells.append(f'**{r["seconds"]:.1f} s** ({r["execs"]:,} execs)')
            else:
                cells.append(f'not in {box} s ({r["execs"]:,} execs)')
        md.append(f'| {b["bug"]} | {b["depth"]} | ' + " | ".join(cells) + " |")
    found = sum(1 for b in bugs for r in b["runs"].values() if r["found"])
    runs = sum(len(b["runs"]) for b in bugs)
    md += ["", f"{found} of {runs} runs found their bug; "
           f"{sum(1 for b in bugs if any(r['found'] for r in b['runs'].values()))} of {len(bugs)} bugs found by some target."]
    with open(os.path.join(out, "planted.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(out, "planted.json"), "w", encoding="utf-8") as f:
        json.dump({"box_seconds": int(box), "targets": targets, "bugs": bugs}, f, indent=1)


if __name__ == "__main__":
    if sys.argv[1] == "run" and len(sys.argv) == 7:
        run(*sys.argv[2:])
    elif sys.argv[1] == "report" and len(sys.argv) == 5:
        report(*sys.argv[2:])
    else:
        sys.exit(__doc__)
