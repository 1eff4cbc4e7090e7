#!/usr/bin/env python3
"""Runs the job of a team's workflow (examples/vectord/.github/workflows/
lhv1.yml) as a script, on a copy of the team's module, with this checkout
as the pinned harness revision, so that the workflow cannot rot.

  team_workflow.py --harness ROOT --team DIR [--workflow FILE] [--job ID]
                   [--markdown FILE] [--keep]

- The team's repository is a copy of DIR; the revision its
  .github/lhv1-harness.env pins becomes a commit of ROOT's working tree,
  which `git clone https://github.com/lhv1/harness` fetches (steps.py).
- Every `run:` step runs as written, in order, under bash -eo pipefail,
  with the workflow's, the job's and the step's env, GITHUB_WORKSPACE,
  RUNNER_TEMP, and what earlier steps wrote to $GITHUB_ENV and
  $GITHUB_PATH. `if:` may be success(), failure(), always() or
  !cancelled(). A run step may not use ${{ }} expressions (they would not
  be tested): read the environment instead.
- Actions are stood in for: actions/checkout (the copy; the team's own
  repository only), actions/setup-go (Go must be on PATH), actions/cache
  (always a miss), actions/upload-artifact (nothing uploaded). Any other
  action fails the run, as does a job of more than one runner or matrix.
- The step with id `packages` is checked instead of run (it installs with
  apt-get as root): every package of its PACKAGES is installed here, the
  build tools are among them, and every pkg-config module the CLI-only
  configure looks up comes from them or what they depend on.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

import steps as st

import packages

WHEN = {None: "success", "success()": "success", "failure()": "failure",
        "always()": "always", "!cancelled()": "always"}
def read_env_file(path, env):
    """$GITHUB_ENV: NAME=value lines, or NAME<<DELIM ... DELIM."""
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value = []
            while i < len(lines) and lines[i] != delim:
                value.append(lines[i])
                i += 1
            i += 1
            env[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            env[name] = value
        else:
            raise RuntimeError("$GITHUB_ENV: a line GitHub would refuse: %r" % line)
    open(path, "w").close()


def action_stand_in(step, workspace):
    uses = step["uses"]
    name = uses.split("@")[0]
    with_ = step.get("with") or {}
    if name == "actions/checkout":
        if "repository" in with_:
            raise RuntimeError("actions/checkout of another repository is not stood in for: clone it in a run step")
        return lambda: "the team's repository: a copy of the module"
    if name == "actions/setup-go":
        return lambda: subprocess.run(["go", "version"], capture_output=True, text=True,
                                      check=True).stdout.strip() + " (already here)"
    if name == "actions/cache":
        return lambda: "a miss (nothing restored, nothing saved)"
    if name == "actions/upload-artifact":
        return lambda: "not uploaded"
    raise RuntimeError("no stand-in for action %s: teach team_workflow.py or use a run step" % uses)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--harness", required=True)
    ap.add_argument("--team", required=True)
    ap.add_argument("--workflow", default=".github/workflows/lhv1.yml")
    ap.add_argument("--job")
    ap.add_argument("--markdown")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    root, team = os.path.abspath(a.harness), os.path.abspath(a.team)
    wf = yaml.safe_load(open(os.path.join(team, a.workflow)))
    jobs = wf.get("jobs") or {}
    if a.job is None and len(jobs) != 1:
        st.die("team_workflow: %d jobs; name one with --job" % len(jobs))
    job_id = a.job or next(iter(jobs))
    job = jobs[job_id]
    if "strategy" in job:
        st.die("team_workflow: a matrix job is not run")

    tmp = tempfile.mkdtemp(prefix="lhv1-team-workflow-")
    try:
        sha = st.working_tree_remote(root, os.path.join(tmp, "harness.git"))
        workspace = os.path.join(tmp, "work")
        shutil.copytree(team, workspace, symlinks=True)
        pin = os.path.join(workspace, ".github", "lhv1-harness.env")
        text = open(pin).read()
        if not re.search(r"^HARNESS_REF=", text, re.M):
            st.die("team_workflow: %s pins no HARNESS_REF" % pin)
        open(pin, "w").write(re.sub(r"^HARNESS_REF=.*$", "HARNESS_REF=" + sha, text, flags=re.M))
        runner_temp = os.path.join(tmp, "runner-temp")
        os.makedirs(runner_temp)
        env_file, path_file = os.path.join(tmp, "github_env"), os.path.join(tmp, "github_path")
        open(env_file, "w").close()
        open(path_file, "w").close()
        # The environment a runner gives: not the harness's own (no LHV1_*,
        # no GOWORK or GOFLAGS from the ctest).
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("LHV1_") and k not in ("GOWORK", "GOFLAGS")}
        env.update(st.git_url_env(os.path.join(tmp, "harness.git")))
        env.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workspace,
                    "RUNNER_TEMP": runner_temp, "GITHUB_ENV": env_file, "GITHUB_PATH": path_file})
        for scope in (wf.get("env") or {}, job.get("env") or {}):
            for k, v in scope.items():
                if "${{" in str(v):
                    st.die("team_workflow: env %s uses an expression" % k)
                env[k] = str(v)

        s = st.Steps("%s job %s" % (os.path.basename(a.workflow), job_id))
        for i, step in enumerate(job.get("steps") or []):
            name = step.get("name") or step.get("uses") or step["run"].split("\n")[0]
            when = WHEN.get(step.get("if"))
            if when is None:
                st.die("team_workflow: step %r: if: %r is not one this runner evaluates" % (name, step["if"]))
            if step.get("id") == "packages":
                pkgs = (step.get("env") or {}).get("PACKAGES", "").split()
                s.run(name, lambda pkgs=pkgs: packages.check(root, pkgs), when)
            elif "uses" in step:
                s.run(name, action_stand_in(step, workspace), when)
            else:
                script = step["run"]
                if "${{" in script:
                    st.die("team_workflow: step %r: a run step with ${{ }} (read the environment)" % name)

                def run_step(step=step, script=script):
                    senv = dict(env)
                    for k, v in (step.get("env") or {}).items():
                        senv[k] = str(v)
                    cwd = os.path.join(workspace, step.get("working-directory", "."))
                    try:
                        st.shell(script, cwd, senv)
                    finally:
                        read_env_file(env_file, env)
                        extra = [p for p in open(path_file).read().split("\n") if p]
                        if extra:
                            env["PATH"] = ":".join(reversed(extra)) + ":" + env["PATH"]
                            open(path_file, "w").close()
                s.run(name, run_step, when)
        return s.finish(a.markdown)
    finally:
        if a.keep:
            print("team_workflow: kept %s" % tmp)
        else:
            subprocess.run(["chmod", "-R", "u+w", tmp])
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
