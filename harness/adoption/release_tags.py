#!/usr/bin/env python3
"""A team uses tagged harness modules with no replace line.

  release_tags.py --harness ROOT [--version vX.Y.Z] [--keep]

This checkout's working tree becomes the harness's repository (steps.py);
go/release tags a release in a clone of it, which is pushed back. A new
module outside the checkout then `go get`s go/hnswdump, go/s3stores and
go/lhv1serve at that version (go/lhv1test comes with them), Go fetching
them from the tags with git (GOPRIVATE, no proxy for them), and must
build, vet and pass a test using all four, with a go.mod that has no
replace line and requires the four at the version. Go's module cache for it is scratch
(the release's versions never reach the shared one); other modules come
from the shared cache, read as a file proxy (no network).
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile

import steps as st

MODULES = ["go/lhv1test", "go/hnswdump", "go/s3stores", "go/lhv1serve"]

TEAM_TEST = '''package team

import (
	"context"
	"errors"
	"testing"

	"github.com/lhv1/harness/go/hnswdump"
	"github.com/lhv1/harness/go/lhv1serve"
	"github.com/lhv1/harness/go/lhv1test"
	"github.com/lhv1/harness/go/s3stores"
)

var errMine = errors.New("team: key not found")

func TestTaggedModules(t *testing.T) {
	nf := lhv1test.NotFoundWrapping(errMine)
	fs := lhv1test.NewFaultStore(lhv1test.NewMemStore(), lhv1test.Config{NotFound: nf})
	if _, err := fs.Get(context.Background(), "_vectors/x.lhv1"); !errors.Is(err, errMine) {
		t.Fatal(err)
	}
	if _, err := s3stores.NewAWS(s3stores.Options{Endpoint: "http://127.0.0.1:1", Bucket: "b", NotFound: nf}); err != nil {
		t.Fatal(err)
	}
	if r := lhv1serve.RuleFor(lhv1test.Fault{Kind: lhv1test.GetStale, Lag: 2}, ""); r.Lag != 2 {
		t.Fatal(r)
	}
	if _, err := hnswdump.Parse([]byte("{}")); err == nil {
		t.Fatal("hnswdump.Parse accepted {}")
	}
}
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--harness", required=True)
    ap.add_argument("--version", default="v0.99.0")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    root = os.path.abspath(a.harness)
    tmp = tempfile.mkdtemp(prefix="lhv1-release-tags-")
    shared_cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True,
                                  check=True).stdout.strip()
    remote, clone, team = (os.path.join(tmp, d) for d in ("harness.git", "release", "team"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LHV1_")}
    env.update(st.git_url_env(remote))
    env.update({"GOWORK": "off", "GOFLAGS": "-mod=mod -trimpath", "GOMODCACHE": os.path.join(tmp, "modcache"),
                "GOPROXY": "file://%s/cache/download" % shared_cache, "GOPRIVATE": "github.com/lhv1",
                "GOSUMDB": "off", "GIT_AUTHOR_NAME": "release check", "GIT_AUTHOR_EMAIL": "release@lhv1.invalid",
                "GIT_COMMITTER_NAME": "release check", "GIT_COMMITTER_EMAIL": "release@lhv1.invalid"})
    s = st.Steps("release tags %s" % a.version)
    try:
        s.run("the working tree as the harness repository",
              lambda: "commit " + st.working_tree_remote(root, remote)[:12])
        s.run("go/release %s in a clone, pushed" % a.version, lambda: release(remote, clone, a.version, env))
        s.run("a team module gets the tagged modules", lambda: team_get(team, a.version, env))
        s.run("go vet and go test on the tags", lambda: st.shell("go vet ./... && go test -count=1 ./...", team, env))
        s.run("go.mod: no replace, the four at the version", lambda: check_gomod(team, a.version))
        return s.finish()
    finally:
        if a.keep:
            print("release_tags: kept %s" % tmp)
        else:
            subprocess.run(["chmod", "-R", "u+w", tmp])
            shutil.rmtree(tmp, ignore_errors=True)


def release(remote, clone, version, env):
    subprocess.run(["git", "clone", "-q", remote, clone], check=True, env=env)
    st.shell('go/release "$V"', clone, dict(env, V=version))
    tags = [version] + ["%s/%s" % (m, version) for m in MODULES]
    subprocess.run(["git", "-C", clone, "push", "-q", "origin", "HEAD:main"] + tags, check=True, env=env)
    return "pushed " + " ".join(tags)


def team_get(team, version, env):
    os.makedirs(team)
    with open(os.path.join(team, "go.mod"), "w") as f:
        f.write("module example.com/team\n\ngo 1.26.0\n")
    with open(os.path.join(team, "team_test.go"), "w") as f:
        f.write(TEAM_TEST)
    # lhv1test comes in through the modules that require it, at the
    # version their tagged go.mod files say (so it must be the release's).
    st.shell('go get ' + " ".join("github.com/lhv1/harness/%s@%s" % (m, version) for m in MODULES
                                  if m != "go/lhv1test") + " && go mod tidy", team, env)


def check_gomod(team, version):
    text = open(os.path.join(team, "go.mod")).read()
    if re.search(r"^\s*replace\b", text, re.M):
        raise RuntimeError("go.mod has a replace line:\n" + text)
    for m in MODULES:
        if not re.search(r"^\s*(require\s+)?github\.com/lhv1/harness/%s %s$" % (re.escape(m), re.escape(version)),
                         text, re.M):
            raise RuntimeError("go.mod does not require %s %s:\n%s" % (m, version, text))
    return "go.mod requires the four at %s, no replace" % version


if __name__ == "__main__":
    raise SystemExit(main())
