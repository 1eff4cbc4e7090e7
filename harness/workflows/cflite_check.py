#!/usr/bin/env python3
"""Would the ClusterFuzzLite workflows run on GitHub (docs/CI.md)?

  cflite_check.py SOURCE_DIR

1. The image has what the fuzz build configures with: every pkg-config
   module the engine build (.clusterfuzzlite/build.sh's cmake line) asks for,
   as CMake's trace shows it, comes from a Debian package that
   .clusterfuzzlite/Dockerfile installs or that one of those depends on.
2. SARIF reaches code scanning: run_fuzzers' `output-sarif` only writes
   cifuzz-sarif/results.sarif; a later step of the same job must upload it
   (github/codeql-action/upload-sarif) and the job must hold
   `security-events: write`.
3. A job that runs ci/test or ci/main checks out the whole history
   (`fetch-depth: 0`): ctest format_compat_ref builds the first commit with
   golden/archive, and in actions/checkout's default depth-1 clone that
   commit is HEAD itself, so the check compares the tree with itself.
"""
import os, re, subprocess, sys, tempfile

SARIF = "cifuzz-sarif/results.sarif"
# pkg_check_modules' options (CMake's FindPkgConfig), not module names.
KEYWORDS = {"REQUIRED", "QUIET", "NO_CMAKE_PATH", "NO_CMAKE_ENVIRONMENT_PATH",
            "IMPORTED_TARGET", "GLOBAL"}


def dockerfile_packages(root):
    text = open(os.path.join(root, ".clusterfuzzlite", "Dockerfile")).read().replace("\\\n", " ")
    pkgs = set()
    for m in re.finditer(r"apt-get install ([^&\n]*)", text):
        pkgs |= {w for w in m.group(1).split() if not w.startswith("-")}
    return pkgs


def closure(pkgs):
    """The packages and everything they depend on (the local apt cache)."""
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                          "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"]
                         + sorted(pkgs), capture_output=True, text=True).stdout
    names = set(pkgs)
    for line in out.splitlines():
        line = line.strip()
        m = re.match(r"(?:\|?(?:Pre)?Depends: )?<?([a-z0-9][a-z0-9+.-]*)(?::\w+)?>?$", line)
        if m:
            names.add(m.group(1))
    return names


def engine_build_modules(root):
    """pkg-config modules the engine build's configure looks up."""
    with tempfile.TemporaryDirectory() as b:
        p = subprocess.run(["cmake", "-S", root, "-B", b, "-G", "Ninja", "-DLHV1_SANITIZE=OFF",
                            "-DLHV1_FUZZ_ENGINE=external", "-DLHV1_FUZZ_LINK_FLAGS=-fsanitize=fuzzer",
                            "-DLHV1_FUZZ_DIFFERENTIAL=OFF", "--trace-expand"],
                           capture_output=True, text=True)
    mods = set()
    for m in re.finditer(r"^\S+CMakeLists\.txt\(\d+\):\s+pkg_check_modules\((.*)\)", p.stderr, re.M):
        mods |= {w for w in m.group(1).split()[1:] if w not in KEYWORDS}
    return mods


def package_of(module):
    pc = subprocess.run(["pkg-config", "--path", module], capture_output=True, text=True).stdout.strip()
    if not pc:
        return None
    out = subprocess.run(["dpkg", "-S", os.path.realpath(pc)], capture_output=True, text=True).stdout
    return out.split(":")[0] if out else None


def check_image(root):
    bad = []
    have = closure(dockerfile_packages(root))
    mods = engine_build_modules(root)
    if not mods:
        return ["no pkg_check_modules call in the engine build's CMake trace"]
    for mod in sorted(mods):
        pkg = package_of(mod)
        if pkg is None:
            bad.append("pkg-config module %s: no Debian package owns its .pc here" % mod)
        elif pkg not in have:
            bad.append(".clusterfuzzlite/Dockerfile: the fuzz build needs pkg-config module %s "
                       "(Debian %s), which the image does not install" % (mod, pkg))
    return bad


def check_sarif(root):
    """Line-based (no YAML module on a bare Debian): each job is the text from
    its `  name:` line to the next one."""
    bad = []
    wdir = os.path.join(root, ".github", "workflows")
    for name in sorted(os.listdir(wdir)):
        text = open(os.path.join(wdir, name)).read()
        head, _, jobs = text.partition("\njobs:\n")
        for job in re.split(r"\n(?=  [A-Za-z0-9_-]+:\n)", jobs):
            job_name = job.split(":", 1)[0].strip()
            m = re.search(r"run_fuzzers@.*?\n(?:\s{8,}.*\n)*?\s+output-sarif: true", job)
            if not m:
                continue
            where = "%s job %s" % (name, job_name)
            rest = job[m.end():]
            if not re.search(r"uses: github/codeql-action/upload-sarif@\S+\n(?:\s{8,}.*\n)*?"
                             r"\s+sarif_file: " + re.escape(SARIF), rest):
                bad.append("%s: output-sarif writes %s but no later step uploads it" % (where, SARIF))
            if not re.search(r"^\s+security-events: write$", job + "\n" + head, re.M) \
                    and not re.search(r"^permissions: write-all$", head, re.M):
                bad.append("%s: uploading SARIF needs 'security-events: write'" % where)
    return bad


def check_history(root):
    bad = []
    wdir = os.path.join(root, ".github", "workflows")
    for name in sorted(os.listdir(wdir)):
        text = open(os.path.join(wdir, name)).read()
        _, _, jobs = text.partition("\njobs:\n")
        for job in re.split(r"\n(?=  [A-Za-z0-9_-]+:\n)", jobs):
            if not re.search(r"run: ci/(test|main)\b", job):
                continue
            m = re.search(r"uses: actions/checkout@\S+\n((?:\s{8,}.*\n)*)", job)
            if not m or not re.search(r"^\s+fetch-depth: 0\s*(#.*)?$", m.group(1), re.M):
                bad.append("%s job %s: runs the tests from a shallow clone (actions/checkout "
                           "needs 'fetch-depth: 0')" % (name, job.split(":", 1)[0].strip()))
    gitlab = os.path.join(root, ".gitlab-ci.yml")
    if os.path.exists(gitlab) and not re.search(r'^\s+GIT_DEPTH: "?0"?\s*(#.*)?$', open(gitlab).read(), re.M):
        bad.append(".gitlab-ci.yml: runs the tests from a shallow clone (needs GIT_DEPTH: 0)")
    return bad


def main():
    root = os.path.abspath(sys.argv[1])
    bad = check_image(root) + check_sarif(root) + check_history(root)
    for b in bad:
        print("cflite_check: FAIL " + b, file=sys.stderr)
    if not bad:
        print("cflite_check: ok: the image has the fuzz build's packages; SARIF is uploaded; "
              "the tests see the whole history")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
