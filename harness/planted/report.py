#!/usr/bin/env python3
"""ci/planted-bugs' figures.

report.py run BUG DEPTH TARGET DIR BOX
    one tab-separated row from ci/fuzz's output for one target (DIR:
    start_time, end_time, stats.json, crashes/<signature>/): found
    (yes/no), seconds to the first crash (or the box), executions.
report.py report RESULTS_TSV BOX OUT_DIR
    planted.md and planted.json from the rows.
found: yes (a crash whose input reproduces it), mutator (a crash inside
load_structured's custom mutator, which decodes with the patched library:
no input), no."""
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
    crashes = os.path.join(d, "crashes")
    sigs = sorted(os.listdir(crashes)) if os.path.isdir(crashes) else []
    # A crash inside the custom mutator (it decodes with the patched
    # library) leaves an empty input that reproduces nothing: told apart.
    def reproducible(sig):
        path = os.path.join(crashes, sig, "crash-original")
        return os.path.exists(path) and os.path.getsize(path) > 0
    found = "yes" if any(reproducible(x) for x in sigs) else "mutator" if sigs else "no"
    print("\t".join([bug, depth, target, found, f"{seconds:.1f}", str(execs), ",".join(sigs)]))


def report(results, box, out):
    with open(results, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    # The stage targets first, in the order of the stages, then the whole-object ones.
    order = ["unframe", "envelope", "graph", "load", "load_structured"]
    targets = sorted({r["target"] for r in rows}, key=lambda t: (order.index(t) if t in order else len(order), t))
    bugs = []
    for r in rows:
        if r["bug"] not in [b["bug"] for b in bugs]:
            bugs.append({"bug": r["bug"], "depth": r["depth"], "runs": {}})
        b = next(b for b in bugs if b["bug"] == r["bug"])
        b["runs"][r["target"]] = {"found": r["found"], "seconds": float(r["seconds"]),
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
            elif r["found"] == "yes":
                cells.append(f'**{r["seconds"]:.1f} s** ({r["execs"]:,} execs)')
            elif r["found"] == "mutator":
                cells.append(f'{r["seconds"]:.1f} s in the custom mutator, no input ({r["execs"]:,} execs)')
            else:
                cells.append(f'not in {box} s ({r["execs"]:,} execs)')
        md.append(f'| {b["bug"]} | {b["depth"]} | ' + " | ".join(cells) + " |")
    found = sum(1 for b in bugs for r in b["runs"].values() if r["found"] == "yes")
    runs = sum(len(b["runs"]) for b in bugs)
    md += ["", f"{found} of {runs} runs found their bug; "
           f"{sum(1 for b in bugs if any(r['found'] == 'yes' for r in b['runs'].values()))} of {len(bugs)} bugs found by some target "
           "(a crash counts when its input reproduces it)."]
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
