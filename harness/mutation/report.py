#!/usr/bin/env python3
"""ci/mutation's report: the hand-written mutants (which checks kill each)
and gremlins' mutants (killed by the module's go test, or listed as
equivalent), the score, mutation.md and mutation.json. Exit 1 when a
mutant not listed as equivalent survives or does not build, a listed
equivalent is killed or no longer exists (the list is stale), or the
score is below the goal."""
import argparse
import csv
import json
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from markdown_cell import md_text  # noqa: E402

GOAL = 95.0
CHECK_TITLES = {
    "goldens": "TestGoldens",
    "conform": "lhv1 conform",
    "faults": "fault tests / campaign",
    "fuzz": "FuzzLoad",
}


def read_equivalent(path):
    """'file:line:col TYPE<TAB>why' lines: gremlins mutants that live
    because the program does the same thing (equivalent), or that gremlins
    does not run (not covered) with why that leaves no gap."""
    eq = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, _, why = line.partition("\t")
            eq[key.strip()] = why.strip()
    return eq


def read_hand(path):
    mutants = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            m = mutants.setdefault(row["mutant"], {
                "mutant": row["mutant"], "source": row["source"], "target": row["target"],
                "regression": row["regression"], "killed_by": {}, "error": ""})
            if row["check"] == "build":
                m["error"] = row["what"]
            elif row["killed"] == "yes":
                m["killed_by"][row["check"]] = row["what"]
    return list(mutants.values())


def read_gremlins(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out = []
    for fl in data.get("files", []):
        for mu in fl.get("mutations", []):
            out.append({"key": f'{fl["file_name"]}:{mu["line"]}:{mu["column"]} {mu["type"]}',
                        "status": mu["status"]})
    return out


def short(what):
    """A kill for the table: the count and the first case or two tests
    (mutation.json keeps the whole line)."""
    head, sep, rest = what.partition(": ")
    if not sep:
        return what[:80]
    items = [x for x in rest.split(", ") if x and x != "..."]
    keep = 1 if "cases" in head else 2
    more = ", ..." if len(items) > keep else ""
    return f"{head}: {', '.join(items[:keep])[:90]}{more}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--gremlins", required=True)
    ap.add_argument("--equivalent", required=True)
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    hand = read_hand(a.results)
    grem = read_gremlins(a.gremlins)
    equivalent = read_equivalent(a.equivalent)
    problems = []

    killed = total = n_equiv = 0
    for m in hand:
        total += 1
        if m["error"]:
            problems.append(f'{m["mutant"]}: {m["error"]}')
        elif m["killed_by"]:
            killed += 1
        else:
            problems.append(f'{m["mutant"]}: survived every check')
    g_rows = []
    if grem is not None:
        seen = set()
        for g in grem:
            st = g["status"]
            if st in ("NOT COVERED", "NOT VIABLE"):
                # Not viable: does not compile. Not covered: gremlins saw no
                # test reach it and did not run it; listed with why, it is
                # left out of the score.
                row = {**g, "verdict": "not run" if st == "NOT COVERED" else "not viable"}
                if st == "NOT COVERED" and g["key"] in equivalent:
                    seen.add(g["key"])
                    row["why"] = equivalent[g["key"]]
                elif st == "NOT COVERED":
                    problems.append(f'gremlins {g["key"]}: not covered: cover it, or list it with why')
                g_rows.append(row)
                continue
            total += 1
            if g["key"] in equivalent:
                seen.add(g["key"])
                n_equiv += 1
                if st in ("KILLED", "TIMED OUT"):
                    problems.append(f'gremlins {g["key"]}: listed as equivalent but killed: remove it from the list')
                g_rows.append({**g, "verdict": "equivalent", "why": equivalent[g["key"]]})
            elif st in ("KILLED", "TIMED OUT"):
                killed += 1
                g_rows.append({**g, "verdict": "killed"})
            else:
                problems.append(f'gremlins {g["key"]}: survived ({st})')
                g_rows.append({**g, "verdict": "survived"})
        for k in sorted(set(equivalent) - seen):
            problems.append(f"equivalent.tsv lists {k}, which gremlins no longer makes: remove it")
    scored = total - n_equiv
    score = 100.0 * killed / scored if scored else 0.0
    if score < GOAL:
        problems.append(f"score {score:.1f} % is below the goal of {GOAL:.0f} %")

    checks = list(CHECK_TITLES)
    per_check = {c: sum(1 for m in hand if c in m["killed_by"]) for c in checks}
    only = {c: sum(1 for m in hand if list(m["killed_by"]) == [c]) for c in checks}
    md = ["# Mutation score of the team-facing checks", ""]
    md.append(f"**{killed} of {scored} non-equivalent mutants killed: {score:.1f} %** (goal {GOAL:.0f} %); "
              f"{len(hand)} hand-written, {len([r for r in g_rows if r['verdict'] in ('killed', 'survived', 'equivalent')])} "
              f"run by gremlins v0.6.0 ({len([r for r in g_rows if r['verdict'] == 'not run'])} more not run, listed), "
              f"{n_equiv} equivalent; {a.seconds} s.")
    md += ["", "## Hand-written mutants (every check run on every mutant)", "",
           "| mutant | target | " + " | ".join(CHECK_TITLES[c] for c in checks) + " |",
           "| --- | --- | " + " | ".join("---" for _ in checks) + " |"]
    for m in hand:
        cells = []
        for c in checks:
            if m["error"]:
                cells.append("—")
            elif c in m["killed_by"]:
                cells.append("**killed**: " + md_text(short(m["killed_by"][c])))
            else:
                cells.append("passes")
        md.append(f'| {m["mutant"]} | `{m["target"]}` | ' + " | ".join(cells) + " |")
    md.append("| kills (only this check) | | " + " | ".join(f"{per_check[c]} ({only[c]})" for c in checks) + " |")
    md += ["", "Each mutant's regression:", ""]
    md += [f'- `{m["mutant"]}` ({m["source"]}): {m["regression"]}' for m in hand]
    if grem is not None:
        md += ["", "## gremlins v0.6.0 over persistor.go, conditional.go and index.go",
               "", "Killed means the module's `go test ./...` failed (TestGoldens, the fault tests, the "
               "testee's and the Persistor's own tests, FuzzLoad's seeds).", "",
               "| mutant | status | why (equivalent, or not run) |", "| --- | --- | --- |"]
        for r in g_rows:
            md.append(f'| {r["key"]} | {r["verdict"]} | {r.get("why", "")} |')
    if problems:
        md += ["", "## Problems", ""] + [f"- {p}" for p in problems]
    with open(os.path.join(a.out, "mutation.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(a.out, "mutation.json"), "w", encoding="utf-8") as f:
        json.dump({"killed": killed, "scored": scored, "equivalent": n_equiv, "score": round(score, 2),
                   "goal": GOAL, "seconds": a.seconds, "hand": hand, "gremlins": g_rows,
                   "per_check": per_check, "only_check": only, "problems": problems}, f, indent=1)
    print(f"mutation: {killed} of {scored} non-equivalent mutants killed ({score:.1f} %), "
          f"{n_equiv} equivalent; report {a.out}/mutation.md", file=sys.stderr)
    for p in problems:
        print(f"mutation: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
