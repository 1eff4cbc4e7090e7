#!/usr/bin/env python3
"""The fault campaign's workload for C, from go/lhv1campaign/workload.tsv
(its comment says what the rows are; the Go campaign embeds the table).

  campaign_workload_gen.py c OUT.h   CAMP_WORKLOAD_CONTENTS, _OPS and _NAMES,
                                     initialisers for campaign_content.c
                                     (CMake, at configure)

The table is checked first, as the Go reader checks it: every row the
right width, contents unique, every save naming a content, the load
order naming every index once; and each content within the C writer's
buffers (dim, n_nodes) and with m >= 2 (its level factor is 1/ln m).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "..", "..", "go", "lhv1campaign", "workload.tsv")
WIDTH = {"content": 10, "save": 3, "delete": 2, "load": 2}
MAX_DIM, MAX_NODES = 64, 256  # campaign_content.c's vec[] and members[]
MAX_LAYERS = 16  # layer l steps by 4^l, an int


def fail(n, msg):
    sys.exit(f"workload.tsv:{n}: {msg}")


def number(n, cell, low, high):
    if not cell.isdigit() or not low <= int(cell) <= high:
        fail(n, f"{cell!r}: want a whole number from {low} to {high}")
    return int(cell)


def load():
    contents, ops, names = [], [], []
    with open(TABLE, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if WIDTH.get(cells[0]) != len(cells) or not all(cells):
                fail(n, f"want a row of {', '.join(f'{k} ({w} cells)' for k, w in WIDTH.items())}")
            kind, index = cells[0], cells[1]
            if kind == "content":
                c = {"index": index, "gen": number(n, cells[2], 1, 1 << 30),
                     "dim": number(n, cells[3], 1, MAX_DIM),
                     "n_nodes": number(n, cells[4], 0, MAX_NODES),
                     "n_layers": number(n, cells[5], 0, MAX_LAYERS),
                     "m": number(n, cells[6], 2, 1 << 20),
                     "distance": cells[7], "value_seed": number(n, cells[8], 0, (1 << 64) - 1),
                     "meta_gen": number(n, cells[9], 0, 1 << 30)}
                if any(o["index"] == index and o["gen"] == c["gen"] for o in contents):
                    fail(n, f"{index}/{c['gen']} twice")
                contents.append(c)
            elif kind == "save":
                gen = number(n, cells[2], 1, 1 << 30)
                at = [i for i, c in enumerate(contents) if c["index"] == index and c["gen"] == gen]
                if not at:
                    fail(n, f"save of {index}/{gen}, which no content row above defines")
                ops.append((index, at[0]))
            elif kind == "delete":
                ops.append((index, -1))
            else:
                if index in names:
                    fail(n, f"{index} loaded twice")
                names.append(index)
    touched = {c["index"] for c in contents} | {i for i, _ in ops}
    if sorted(touched) != sorted(names) or not ops:
        sys.exit(f"workload.tsv: the load rows must name each index of the contents and "
                 f"operations once (they name {names}; the workload has {sorted(touched)})")
    return contents, ops, names


def c_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def c_table(path):
    contents, ops, names = load()
    text = ("/* Generated from go/lhv1campaign/workload.tsv by campaign_workload_gen.py;\n"
            " * do not edit. */\n#define CAMP_WORKLOAD_CONTENTS")
    for c in contents:
        text += (f" \\\n    {{{c_string(c['index'])}, {c['gen']}, {c['dim']}, {c['n_nodes']},"
                 f" {c['n_layers']}, {c['m']}, {c_string(c['distance'])},"
                 f" UINT64_C({c['value_seed']}), {c['meta_gen']}}},")
    text += "\n#define CAMP_WORKLOAD_OPS"
    for index, content in ops:
        text += f" \\\n    {{{c_string(index)}, {content}}},"
    text += "\n#define CAMP_WORKLOAD_NAMES " + ", ".join(c_string(n) for n in names) + "\n"
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
    if old != text:  # unchanged: no rebuild
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "c":
        sys.exit(__doc__)
    c_table(sys.argv[2])
