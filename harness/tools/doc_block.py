#!/usr/bin/env python3
"""A document's generated block is what a program prints, never pasted.

Usage: doc_block.py --doc DOC --block NAME [--update] -- COMMAND [ARG...]

Runs COMMAND; its stdout is the block NAME of DOC, the lines between
  <!-- generated: NAME; do not edit (harness/tools/doc_block.py) -->
  <!-- end generated: NAME -->
Without --update, exits 1 with a diff when the document differs (a stale
number fails its ctest); with --update, writes the block.
"""
import argparse
import difflib
import shlex
import subprocess
import sys


def markers(name):
    return (f"<!-- generated: {name}; do not edit (harness/tools/doc_block.py) -->",
            f"<!-- end generated: {name} -->")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--doc", required=True)
    ap.add_argument("--block", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("no command")
    begin, end = markers(args.block)
    with open(args.doc, encoding="utf-8") as f:
        doc = f.read().split("\n")
    if doc.count(begin) != 1 or doc.count(end) != 1 or doc.index(end) < doc.index(begin):
        sys.exit(f"doc_block: {args.doc} needs one '{begin}' and, after it, one '{end}'")
    b, e = doc.index(begin), doc.index(end)
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit(f"doc_block: {shlex.join(command)} exited {run.returncode}:\n{run.stderr}")
    body = run.stdout.rstrip("\n").split("\n")
    want = [""] + body + [""]
    have = doc[b + 1:e]
    if args.update:
        if have != want:
            with open(args.doc, "w", encoding="utf-8") as f:
                f.write("\n".join(doc[:b + 1] + want + doc[e:]))
        print(f"doc_block: {args.doc} [{args.block}] written")
        return 0
    if have == want:
        print(f"doc_block: {args.doc} [{args.block}] is what the program prints")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        [l + "\n" for l in have], [l + "\n" for l in want],
        f"{args.doc} [{args.block}] (committed)", "what the program prints now"))
    print(f"doc_block: {args.doc} [{args.block}] is stale; rewrite it with\n"
          f"  harness/tools/doc_block.py --doc {args.doc} --block {args.block} --update -- "
          f"{shlex.join(command)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
