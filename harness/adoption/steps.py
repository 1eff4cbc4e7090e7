"""What the adoption checks share (team_workflow.py, doc_steps.py,
release_tags.py): the harness as a team would fetch it, and steps run in
order with a progress line, timings and a Markdown report.

The team's commands fetch https://github.com/lhv1/harness. Here that URL
is this checkout: `working_tree_remote` commits the working tree (tracked
and untracked files, not ignored ones: what a fresh clone of it holds,
uncommitted edits included) into a scratch repository, and `git_url_env`
makes git (and Go's module fetches through git) read the URL from it.
"""
import os
import shutil
import subprocess
import sys
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from markdown_cell import md_text  # noqa: E402

HARNESS_URL = "https://github.com/lhv1/harness"
GIT_ID = ["-c", "user.name=lhv1 adoption check", "-c", "user.email=adoption@lhv1.invalid"]


def working_tree_remote(root, dest):
    """A bare git repository at dest whose one commit, on main, is root's
    working tree. Returns the commit's SHA."""
    out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], capture_output=True, check=True).stdout
    tree = dest + ".tree"
    os.makedirs(tree)
    for rel in sorted(set(p.decode() for p in out.split(b"\0") if p)):
        src, dst = os.path.join(root, rel), os.path.join(tree, rel)
        if not os.path.lexists(src):
            continue  # deleted in the working tree
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    git = ["git", "-C", tree] + GIT_ID
    subprocess.run(git + ["init", "-q", "-b", "main"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "the working tree under test"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", tree, dest], check=True)
    shutil.rmtree(tree)
    return subprocess.run(["git", "-C", dest, "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()


def git_url_env(remote):
    """Environment under which git fetches HARNESS_URL from remote."""
    return {"GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "url.file://%s.insteadOf" % os.path.abspath(remote),
            "GIT_CONFIG_VALUE_0": HARNESS_URL}


class Steps:
    """Runs named steps in order; each prints a progress line and is timed.
    A failed step fails the run, and later steps are recorded as not run
    unless they ask to run anyway."""

    def __init__(self, title):
        self.title = title
        self.results = []  # (name, status, seconds, note)
        self.failed = False

    def run(self, name, fn, when="success"):
        """fn() returns None or a note; raises or returns False to fail.
        when: success (run if nothing failed), failure, always."""
        go = {"success": not self.failed, "failure": self.failed, "always": True}[when]
        n = len(self.results) + 1
        if not go:
            self.results.append((name, "not run", 0.0, "if: %s()" % when))
            print("%s: step %d %s: not run (if: %s())" % (self.title, n, name, when), flush=True)
            return
        print("%s: step %d %s ..." % (self.title, n, name), flush=True)
        t0 = time.monotonic()
        try:
            note = fn()
            ok = note is not False
        except Exception as e:  # noqa: BLE001 (a step's failure, reported)
            ok, note = False, str(e)
        dt = time.monotonic() - t0
        status = "ok" if ok else "FAILED"
        self.failed |= not ok
        self.results.append((name, status, dt, note if isinstance(note, str) else ""))
        print("%s: step %d %s: %s (%.1f s)%s" % (self.title, n, name, status, dt,
                                                ": " + note if not ok and note else ""), flush=True)

    def markdown(self):
        lines = ["# %s" % self.title, "", "| step | result | seconds |", "| --- | --- | ---: |"]
        for name, status, dt, _ in self.results:
            lines.append("| %s | %s | %.1f |" % (md_text(name), status, dt))
        total = sum(r[2] for r in self.results)
        lines += ["", "Total: %.1f s." % total, ""]
        return "\n".join(lines)

    def finish(self, markdown_path=None):
        if markdown_path:
            with open(markdown_path, "w") as f:
                f.write(self.markdown())
        print("%s: %s" % (self.title, "FAILED" if self.failed else "ok"), flush=True)
        return 1 if self.failed else 0


def shell(script, cwd, env, shell_cmd=("bash", "--noprofile", "--norc", "-eo", "pipefail")):
    """Runs a script; its output goes to ours. Raises on a non-zero exit."""
    p = subprocess.run(list(shell_cmd) + ["-c", script], cwd=cwd, env=env)
    if p.returncode != 0:
        raise RuntimeError("exit status %d" % p.returncode)


def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(2)
