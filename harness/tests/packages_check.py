#!/usr/bin/env python3
"""Is every copy of the Debian package lists the list of ci/packages.tsv?

  packages_check.py ROOT

ci/packages.tsv is the one place: each package and the lists it is on.
Checked against it:
- ci/setup reads it (names it, and lists no packages of its own);
- each literal copy holds exactly its list(s): the apt-get lines of
  .github/workflows/conformance.yml (base), .gitlab-ci.yml (gitlab),
  .clusterfuzzlite/Dockerfile (fuzz), docs/GO.md's packages step (cli),
  and PACKAGES of the packages step of the team's workflow
  examples/vectord/.github/workflows/lhv1.yml (cli);
- README.md and docs/*.md hold no other copy: a line naming four or more of
  the packages is one (README points to the file instead).

Prints each difference; exit 0 when there is none, 1 otherwise.
"""
import glob
import os
import re
import sys

import yaml

APT = re.compile(r"apt-get[ \t]+install((?:[ \t]+[^\s&;|\\]+)+)")


def read_lists(root):
    lists, names = {}, set()
    for line in open(os.path.join(root, "ci", "packages.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        pkg, tags = line.rstrip("\n").split("\t")[:2]
        names.add(pkg)
        for t in tags.split():
            lists.setdefault(t, set()).add(pkg)
    return lists, names


def apt_lines(text):
    """The package sets of every apt-get install in text (options dropped)."""
    text = text.replace("\\\n", " ")
    return [{w for w in m.group(1).split() if not w.startswith("-")}
            for m in APT.finditer(text)]


def go_md_step(text):
    m = re.search(r"<!-- step: [^>]*\(packages\) -->\n```[a-z]*\n(.*?)^```$", text, re.M | re.S)
    return apt_lines(m.group(1)) if m else []


def workflow_packages(text):
    found = []
    for job in (yaml.safe_load(text).get("jobs") or {}).values():
        for step in job.get("steps") or []:
            if step.get("id") == "packages":
                found.append(set(step.get("env", {}).get("PACKAGES", "").split()))
    return found


COPIES = [
    (".github/workflows/conformance.yml", apt_lines, ["base"]),
    (".gitlab-ci.yml", apt_lines, ["gitlab"]),
    (".clusterfuzzlite/Dockerfile", apt_lines, ["fuzz"]),
    ("docs/GO.md", go_md_step, ["cli"]),
    ("examples/vectord/.github/workflows/lhv1.yml", workflow_packages, ["cli"]),
]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    lists, names = read_lists(root)
    bad = []
    copies = 0
    for path, extract, tags in COPIES:
        want = set().union(*(lists.get(t, set()) for t in tags))
        found = [s for s in extract(open(os.path.join(root, path)).read()) if s]
        if not found:
            bad.append("%s: no package list found (list %s)" % (path, "+".join(tags)))
        for have in found:
            copies += 1
            if have != want:
                bad.append("%s: list %s: missing %s, not on it %s" % (
                    path, "+".join(tags), sorted(want - have), sorted(have - want)))

    setup = open(os.path.join(root, "ci", "setup")).read()
    if "ci/packages.tsv" not in setup:
        bad.append("ci/setup does not read ci/packages.tsv")
    for path in ["ci/setup", "README.md"] + sorted(glob.glob(os.path.join(root, "docs", "*.md"))):
        text = open(os.path.join(root, path)).read()
        if path.endswith("GO.md"):  # its step is checked above
            text = re.sub(r"<!-- step: [^>]*\(packages\) -->\n```.*?^```$", "", text,
                          flags=re.M | re.S)
        for n, line in enumerate(text.splitlines(), 1):
            named = {w.strip("`,.;()") for w in line.split()} & names
            if len(named) >= 4:
                bad.append("%s:%d: a copy of package names (%s): point to ci/packages.tsv"
                           % (os.path.relpath(path, root) if os.path.isabs(path) else path, n,
                              " ".join(sorted(named))))

    for b in bad:
        print("DIFFERS: " + b)
    print("packages: %d lists in ci/packages.tsv, %d literal copies checked: %s" % (
        len(lists), copies, "%d differ" % len(bad) if bad else "all the same"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
