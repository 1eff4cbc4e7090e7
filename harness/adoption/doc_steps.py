#!/usr/bin/env python3
"""Runs the steps of a document (docs/GO.md) as a reader would type them,
so that the document cannot rot.

  doc_steps.py --harness ROOT [--doc docs/GO.md] [--markdown FILE]
               [--fresh-caches] [--keep]

A step is a fenced block right after a line `<!-- step: NAME -->`. The
steps run in order, in a scratch directory, as one terminal session would:
each starts in the directory and with the exported environment the
previous one ended with, under bash -eo pipefail. The reader's machine
has no LHV1_* variables and no GOWORK or GOFLAGS; `git clone
https://github.com/lhv1/harness` fetches ROOT's working tree (steps.py).
A step marked `<!-- step: NAME (packages) -->` is an apt-get line: its
packages are checked (packages.py), not installed. --fresh-caches gives Go
empty module and build caches (to time a first run; downloads through the
module proxy), --markdown writes the steps with their timings.
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile

import packages
import steps as st

MARKER = re.compile(r"^<!-- step: (.+?)( \(packages\))? -->\n```[a-z]*\n(.*?)^```$", re.M | re.S)


def doc_steps(text):
    found = [(m.group(1), bool(m.group(2)), m.group(3)) for m in MARKER.finditer(text)]
    if text.count("<!-- step:") != len(found):
        st.die("doc_steps: a '<!-- step:' marker not followed by a fenced block")
    return found


def apt_packages(script):
    m = re.search(r"apt-get install((?:\s+[^\s&;|]+)+)", script)
    if not m:
        raise RuntimeError("a packages step without 'apt-get install'")
    return [w for w in m.group(1).split() if not w.startswith("-")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--harness", required=True)
    ap.add_argument("--doc", default="docs/GO.md")
    ap.add_argument("--markdown")
    ap.add_argument("--fresh-caches", action="store_true")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    root = os.path.abspath(a.harness)
    found = doc_steps(open(os.path.join(root, a.doc)).read())
    if not found:
        st.die("doc_steps: %s marks no step" % a.doc)
    tmp = tempfile.mkdtemp(prefix="lhv1-doc-steps-")
    home, state = os.path.join(tmp, "home"), os.path.join(tmp, "state")
    os.makedirs(home)
    os.makedirs(state)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LHV1_") and k not in ("GOWORK", "GOFLAGS")}
    if a.fresh_caches:
        env.update({"GOMODCACHE": os.path.join(tmp, "gomodcache"), "GOCACHE": os.path.join(tmp, "gocache")})
    session = {"cwd": home, "env": env}
    s = st.Steps(os.path.basename(a.doc))
    try:
        s.run("the working tree as https://github.com/lhv1/harness",
              lambda: "commit " + st.working_tree_remote(root, os.path.join(tmp, "harness.git"))[:12])
        env.update(st.git_url_env(os.path.join(tmp, "harness.git")))
        for name, is_packages, script in found:
            if is_packages:
                s.run(name, lambda script=script: packages.check(root, apt_packages(script)))
            else:
                s.run(name, lambda script=script: run_in_session(script, session, state))
        return s.finish(a.markdown)
    finally:
        if a.keep:
            print("doc_steps: kept %s" % tmp)
        else:
            subprocess.run(["chmod", "-R", "u+w", tmp])
            shutil.rmtree(tmp, ignore_errors=True)


def run_in_session(script, session, state):
    """One step in the session: its directory and exported variables carry
    over to the next, as in one terminal."""
    env = dict(session["env"], LHV1_DOC_STATE=state)
    wrapped = ('trap \'pwd > "$LHV1_DOC_STATE/cwd"; env -0 > "$LHV1_DOC_STATE/env"\' EXIT\n' + script)
    try:
        st.shell(wrapped, session["cwd"], env)
    finally:
        cwd = open(os.path.join(state, "cwd")).read().strip()
        raw = open(os.path.join(state, "env"), "rb").read().split(b"\0")
        new = dict(kv.decode().split("=", 1) for kv in raw if b"=" in kv)
        for k in ("LHV1_DOC_STATE", "PWD", "OLDPWD", "SHLVL", "_"):
            new.pop(k, None)
        session["cwd"], session["env"] = cwd, new


if __name__ == "__main__":
    raise SystemExit(main())
