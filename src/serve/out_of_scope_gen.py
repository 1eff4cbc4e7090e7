#!/usr/bin/env python3
"""The out-of-scope tables (out_of_scope.tsv: query arguments;
out_of_scope_headers.tsv: request headers) for their two readers.

  out_of_scope_gen.py c OUT.h      both as C initialisers for s3_not_implemented.c
                                   (OUT_OF_SCOPE_ARGS, OUT_OF_SCOPE_HEADERS)
  out_of_scope_gen.py md           docs/S3.md's table of query arguments, rows with
                                   one reason grouped
  out_of_scope_gen.py md-headers   docs/S3.md's table of headers, grouped alike
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def rows(name="out_of_scope.tsv"):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    head, out = lines[0].split("\t"), []
    for n, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) != len(head) or not all(cells):
            sys.exit(f"{name}: row {n}: {len(head)} non-empty cells expected")
        out.append(dict(zip(head, cells)))
    return out


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def c_table(path):
    text = ("/* Generated from out_of_scope.tsv and out_of_scope_headers.tsv by\n"
            " * out_of_scope_gen.py; do not edit. */\n#define OUT_OF_SCOPE_ARGS")
    for r in rows():
        methods = "NULL" if r["methods"] == "*" else c_string(r["methods"])
        why = c_string(r["feature"] + ": " + r["why"])
        text += f" \\\n    {{{c_string(r['arg'])}, {methods}, {why}}},"
    text += "\n#define OUT_OF_SCOPE_HEADERS"
    for r in rows("out_of_scope_headers.tsv"):
        value = "NULL" if r["value"] == "*" else c_string(r["value"])
        why = c_string(r["feature"] + ": " + r["why"])
        text += f" \\\n    {{{c_string(r['header'])}, {value}, {why}}},"
    text += "\n"
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


def md_headers():
    groups = {}
    for r in rows("out_of_scope_headers.tsv"):
        g = groups.setdefault((r["feature"], r["why"]), [])
        g.append(f"`{r['header']}`" if r["value"] == "*" else f"`{r['header']}: {r['value']}`")
    print("| header | operation | why out of scope |")
    print("| --- | --- | --- |")
    for (feature, why), headers in groups.items():
        print(f"| {', '.join(headers)} | {feature} | {why} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["c"] and len(sys.argv) == 3:
        c_table(sys.argv[2])
    elif sys.argv[1:] == ["md"]:
        md_table()
    elif sys.argv[1:] == ["md-headers"]:
        md_headers()
    else:
        sys.exit(__doc__)
