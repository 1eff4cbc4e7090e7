#!/usr/bin/env python3
"""The out-of-scope table (out_of_scope.tsv) for its two readers.

  out_of_scope_gen.py c OUT.h   the rows as C initialisers of s3_not_implemented.c's table
  out_of_scope_gen.py md        docs/S3.md's table: rows with one reason grouped
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def rows():
    with open(os.path.join(HERE, "out_of_scope.tsv"), encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    head, out = lines[0].split("\t"), []
    for n, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) != len(head) or not all(cells):
            sys.exit(f"out_of_scope.tsv: row {n}: {len(head)} non-empty cells expected")
        out.append(dict(zip(head, cells)))
    return out


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def c_table(path):
    text = "/* Generated from out_of_scope.tsv by out_of_scope_gen.py; do not edit. */\n"
    for r in rows():
        methods = "NULL" if r["methods"] == "*" else c_string(r["methods"])
        why = c_string(r["feature"] + ": " + r["why"])
        text += f"{{{c_string(r['arg'])}, {methods}, {why}}},\n"
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
    if old != text:  # unchanged: no rebuild
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def md_table():
    groups = {}
    for r in rows():
        g = groups.setdefault(r["why"], {"args": [], "features": []})
        g["args"].append(f"`{r['arg']}`" + ("" if r["methods"] == "*" else f" ({r['methods']})"))
        if r["feature"] not in g["features"]:
            g["features"].append(r["feature"])
    print("| query argument | operations | why out of scope |")
    print("| --- | --- | --- |")
    for why, g in groups.items():
        why_md = why.replace("--auth", "`--auth`").replace("?versions", "`?versions`")
        print(f"| {', '.join(g['args'])} | {', '.join(g['features'])} | {why_md} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["c"] and len(sys.argv) == 3:
        c_table(sys.argv[2])
    elif sys.argv[1:] == ["md"]:
        md_table()
    else:
        sys.exit(__doc__)
