#!/usr/bin/env python3
"""Do the files of each src/ folder include each other in a circle?

  check_include_cycles.py SOURCE_DIR

A header and the .c files that define what it declares are one unit: a
header that includes a second, whose own .c includes the first back, is a
circle even when no header includes itself. Within each folder of src/,
unit H uses unit G when H, or a .c defining a function H declares,
includes G with a quoted include. The uses must form a hierarchy.

Prints what it checked; exit 1 with every circle listed.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
# A function declared at file level: a line ending in ");" (possibly
# continued) whose name is followed by "(" and not inside a macro.
DECL = re.compile(r'^[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\([^;{]*?\)\s*'
                  r'(?:__attribute__\s*\(\(.*?\)\)\s*)?;', re.M | re.S)
DEF = re.compile(r'^(?!static\b)[A-Za-z_][\w \t\*]*?\b([A-Za-z_]\w*)\s*\([^;{]*?\)\s*\{',
                 re.M | re.S)
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)


def text(path):
    return COMMENT.sub(" ", open(path, encoding="utf-8", errors="replace").read())


def folder_units(folder):
    files = sorted(f for f in os.listdir(folder) if f.endswith((".c", ".h")))
    src = {f: text(os.path.join(folder, f)) for f in files}
    headers = [f for f in files if f.endswith(".h")]
    declared_by = {}
    for h in headers:
        for name in DECL.findall(src[h]):
            declared_by.setdefault(name, set()).add(h)
    implementers = {h: set() for h in headers}
    for c in (f for f in files if f.endswith(".c")):
        for name in DEF.findall(src[c]):
            for h in declared_by.get(name, ()):
                implementers[h].add(c)
    uses = {}
    for h in headers:
        deps = set()
        for f in {h} | implementers[h]:
            deps.update(i for i in INCLUDE.findall(src[f]) if i in implementers and i != h)
        uses[h] = deps
    return uses, implementers


def circles(uses):
    found, state = [], {}

    def visit(n, path):
        if state.get(n) == "done":
            return
        if state.get(n) == "open":
            found.append(path[path.index(n):] + [n])
            return
        state[n] = "open"
        for m in sorted(uses[n]):
            visit(m, path + [n])
        state[n] = "done"

    for n in sorted(uses):
        visit(n, [])
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = os.path.join(os.path.realpath(sys.argv[1]), "src")
    errors, units, edges = [], 0, 0
    for d, _, fs in sorted(os.walk(src)):
        if not any(f.endswith(".h") for f in fs):
            continue
        uses, implementers = folder_units(d)
        units += len(uses)
        edges += sum(len(v) for v in uses.values())
        rel = os.path.relpath(d, os.path.dirname(src))
        for c in circles(uses):
            errors.append(f"{rel}: include circle " + " -> ".join(c) + " (by way of "
                          + ", ".join(sorted(set().union(*(implementers[h] for h in c[:-1]))))
                          + ")")
    print(f"include units: {units} headers with their .c files, {edges} uses within folders")
    # A scan that sees nothing passes everything.
    if edges == 0:
        errors.append("found no include between units: the scan is broken")
    for e in errors:
        print("FAIL " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
