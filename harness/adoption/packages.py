"""The Debian packages a team's instructions install (a workflow's
packages step, GO.md's apt-get line), checked rather than installed: each
is installed here, the build tools are among them, and every pkg-config
module the CLI-only configure looks up (CMake's trace) comes from them or
what they depend on (cflite_check's Debian lookups)."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "workflows"))
import cflite_check  # noqa: E402

BUILD_TOOLS = {"git", "gcc", "cmake", "ninja-build", "pkg-config"}


def cli_configure_modules(root):
    """pkg-config modules the CLI-only configure (preset cli) looks up (CMake's trace)."""
    with tempfile.TemporaryDirectory() as b:
        p = subprocess.run(["cmake", "-S", root, "--preset", "cli", "-B", b, "--trace-expand"],
                           capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("the CLI-only configure failed:\n" + p.stderr[-2000:])
    mods = set()
    for m in re.finditer(r"^\S+CMakeLists\.txt\(\d+\):\s+pkg_check_modules\((.*)\)", p.stderr, re.M):
        mods |= {w for w in m.group(1).split()[1:] if w not in cflite_check.KEYWORDS}
    return mods


def check(root, names):
    """names install what building the CLI needs, and are installed here
    (the step that installs them is checked, not run). Returns a note."""
    pkgs = set(names)
    if not pkgs:
        raise RuntimeError("no packages named")
    missing = [p for p in sorted(pkgs) if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True).stdout
        != "install ok installed"]
    if missing:
        raise RuntimeError("not installed here (ci/setup): " + " ".join(missing))
    if BUILD_TOOLS - pkgs:
        raise RuntimeError("the packages lack build tools: " + " ".join(sorted(BUILD_TOOLS - pkgs)))
    have = cflite_check.closure(pkgs)
    bad = []
    for mod in sorted(cli_configure_modules(root)):
        pkg = cflite_check.package_of(mod)
        if pkg is None or pkg not in have:
            bad.append("%s (Debian %s)" % (mod, pkg))
    if bad:
        raise RuntimeError("the CLI build needs pkg-config modules the packages do not bring: " + ", ".join(bad))
    return "checked, not run: %d packages installed here, and they bring every module the CLI build looks up" % len(pkgs)
