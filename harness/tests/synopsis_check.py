#!/usr/bin/env python3
"""Do the README and the docs show each command as `lhv1 CMD --help` does?

  synopsis_check.py LHV1 ROOT

The tool's own help is the one source: `lhv1 --help` names the commands,
`lhv1 CMD --help` opens with the command's synopsis ("usage: lhv1 CMD ...",
its indented continuation lines, and indented "lhv1 CMD ..." lines of its
other forms with theirs). Checked against it:

- README.md, the first code block of "## The CLI": every command is there,
  no other, and the options of its synopsis lines (the left column: an
  entry starts with "lhv1 CMD", continues on indented lines that start with
  "[" or "-"; the description follows after three spaces) are exactly the
  options of the command's synopsis.
- docs/*.md: a synopsis a document quotes in a code block (a line "lhv1 CMD
  ..." holding "[-", with its continuation lines; the forms of one command
  in one block together) names exactly those options too. Examples (no
  "[-") are not synopses.

Prints each drift; exit 0 when there is none, 1 otherwise.
"""
import glob
import os
import re
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][A-Za-z0-9-]*)")


def options(text):
    return {o for o in OPTION.findall(text) if o not in ("--help", "-h")}


def run(lhv1, *args):
    return subprocess.run([lhv1, *args], capture_output=True, text=True, timeout=60).stdout


def commands(lhv1):
    text = run(lhv1, "--help")
    block = text.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def help_synopsis(lhv1, cmd):
    lines = run(lhv1, cmd, "--help").splitlines()
    if not lines or not lines[0].startswith("usage: lhv1 " + cmd):
        raise RuntimeError("lhv1 %s --help does not open with 'usage: lhv1 %s'" % (cmd, cmd))
    block = [lines[0]]
    for line in lines[1:]:
        rest = line.strip()
        if not line.startswith(" ") or not (rest.startswith(("[", "-")) or
                                            rest.startswith("lhv1 %s " % cmd)):
            break
        block.append(line)
    return options("\n".join(block))


def code_blocks(text):
    return re.findall(r"^```[a-z]*\n(.*?)^```$", text, re.M | re.S)


def entries(block, synopses_only):
    """(command, options, first line) of each "lhv1 CMD" entry of a block."""
    found = []
    for line in block.splitlines():
        m = re.match(r"lhv1 ([a-z]+)\b(.*)", line)
        if m:
            if synopses_only and "[-" not in line:
                found.append(None)
                continue
            found.append([m.group(1), options(re.split(r" {3,}", m.group(2).strip())[0]
                                              if m.group(2).strip() else ""), line])
        elif found and found[-1] and line.startswith(" ") and \
                line.strip().startswith(("[", "-")):
            found[-1][1] |= options(re.split(r" {3,}", line.strip())[0])
        elif not line.startswith(" "):
            found.append(None)
    return [e for e in found if e]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lhv1, root = sys.argv[1], sys.argv[2]
    cmds = commands(lhv1)
    want = {c: help_synopsis(lhv1, c) for c in cmds}
    drift = []

    readme = open(os.path.join(root, "README.md")).read()
    section = readme.split("\n## The CLI\n", 1)[1]
    have = {}
    for cmd, opts, _ in entries(code_blocks(section)[0], synopses_only=False):
        have.setdefault(cmd, set()).update(opts)
    for cmd in cmds:
        if cmd not in have:
            drift.append("README.md: no synopsis of lhv1 %s" % cmd)
        elif have[cmd] != want[cmd]:
            drift.append("README.md: lhv1 %s: missing %s, not in --help %s" % (
                cmd, sorted(want[cmd] - have[cmd]), sorted(have[cmd] - want[cmd])))
    for cmd in sorted(set(have) - set(cmds)):
        drift.append("README.md: lhv1 %s is no command of lhv1 --help" % cmd)

    quoted = 0
    for path in sorted(glob.glob(os.path.join(root, "docs", "*.md"))):
        for block in code_blocks(open(path).read()):
            forms = {}
            for cmd, opts, line in entries(block, synopses_only=True):
                forms.setdefault(cmd, [set(), line])[0].update(opts)
            for cmd, (opts, line) in forms.items():
                quoted += 1
                name = os.path.relpath(path, root)
                if cmd not in want:
                    drift.append("%s: %r: no such command" % (name, line))
                elif opts != want[cmd]:
                    drift.append("%s: lhv1 %s: missing %s, not in --help %s" % (
                        name, cmd, sorted(want[cmd] - opts), sorted(opts - want[cmd])))

    for d in drift:
        print("DRIFT: " + d)
    print("synopses: %d commands against README.md, %d synopses quoted in docs/: %s" % (
        len(cmds), quoted, "%d drift" % len(drift) if drift else "all as --help"))
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
