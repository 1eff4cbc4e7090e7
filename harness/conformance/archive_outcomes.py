#!/usr/bin/env python3
"""A reader's outcomes on a frozen archive (golden/archive/<id>/, docs/GOLDENS.md)
against what the archive recorded.

Two kinds of reader, each named by its binaries:
  - the Go reference: lhv1golden (Persistor.Load in a child, for .lhv1 objects)
    and lhv2golden (the LHV2 reader, for .lhv2 objects): aspects go-ref
    (behaviour and message) and go-ref-dump (the canonical dump);
  - the lhv1 CLI (liblhv1 through `verify --json` and `dump`): aspects verdict,
    go (the prediction of Go) and dump. ci/format-compat --ref uses it for
    readers of other commits; the in-tree C check is test_conformance.c.
Each difference is an id "<file>:<aspect>" as in KNOWN_DIVERGENCES.txt; the
archive's CHANGES.txt lists the reviewed ones. A listed id that no longer
differs is GONE and fails as well.

  archive_outcomes.py --lhv1golden BIN [--lhv2golden BIN] ARCHIVE_DIR...
"""
import argparse, hashlib, json, os, subprocess, sys, tempfile

GO_ASPECTS = ("go-ref", "go-ref-dump")
CLI_ASPECTS = ("verdict", "go", "dump", "read")


def manifest(archive):
    rows = []
    with open(os.path.join(archive, "MANIFEST.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            rows.append(dict(zip(("file", "sha256", "verdict", "reason", "go", "go_message",
                                  "dump", "about"), c)))
    return rows


def changes(archive):
    """The reviewed list: ids of CHANGES.txt (an archive without one has none)."""
    ids = set()
    try:
        with open(os.path.join(archive, "CHANGES.txt"), encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    ids.add(line.split()[0])
    except FileNotFoundError:
        pass
    return ids


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def name_of(file):
    """The index name an LHV1 golden is loaded as (docs/GOLDENS.md)."""
    return file[2:-len(".lhv1")]


def go_outcomes(archive, lhv1golden, lhv2golden, notes=None):
    """{id: message} where the Go reference differs from the record; what it
    could not compare is appended to notes."""
    notes = [] if notes is None else notes
    rows, diff = manifest(archive), {}
    v1 = [r for r in rows if r["file"].endswith(".lhv1")]
    v2 = [r for r in rows if r["file"].endswith(".lhv2")]
    with tempfile.TemporaryDirectory(prefix="archive-go.") as dumps:
        if v1:
            if not lhv1golden:
                raise SystemExit("archive_outcomes: %s has LHV1 objects and no lhv1golden" % archive)
            files = [os.path.join(archive, "objects", r["file"]) for r in v1]
            p = subprocess.run([lhv1golden, "-behaviour", "-dump-dir", dumps] + files,
                               capture_output=True, text=True)
            dumped = True
            if p.returncode != 0 and "-dump-dir" in p.stderr:
                # A Go reference older than -dump-dir: behaviour only.
                dumped = False
                notes.append("Go reference without -dump-dir: Go's dumps not compared")
                p = subprocess.run([lhv1golden, "-behaviour"] + files, capture_output=True, text=True)
            if p.returncode != 0:
                raise SystemExit("archive_outcomes: lhv1golden -behaviour: " + p.stderr.strip())
            got = {os.path.basename(l.split("\t")[0]): l.split("\t") for l in p.stdout.splitlines()}
            for r in v1:
                _, g, msg = got[r["file"]]
                if (g, msg) != (r["go"], r["go_message"]):
                    diff[r["file"] + ":go-ref"] = "recorded Go %s (%s), Go now %s (%s)" % (
                        r["go"], r["go_message"], g, msg)
                d = os.path.join(dumps, r["file"][:-len(".lhv1")] + ".dump")
                want = None if r["dump"] == "-" else sha256(os.path.join(archive, r["dump"]))
                have = sha256(d) if os.path.exists(d) else None
                if want and dumped and have != want:
                    diff[r["file"] + ":go-ref-dump"] = "Go's dump differs from " + r["dump"] + (
                        "" if have else " (Go dumped nothing)")
        if v2:
            if not lhv2golden:
                diff.update({r["file"] + ":go-ref": "no LHV2 reader in this Go reference" for r in v2})
                return diff
            p = subprocess.run([lhv2golden, "-check"] +
                               [os.path.join(archive, "objects", r["file"]) for r in v2],
                               capture_output=True, text=True)
            if p.returncode != 0:
                raise SystemExit("archive_outcomes: lhv2golden -check: " + p.stderr.strip())
            got = {os.path.basename(l.split("\t")[0]): l.split("\t") for l in p.stdout.splitlines()}
            for r in v2:
                _, g, reason, msg, dsum = got[r["file"]]
                want_reason = r["reason"] if r["verdict"] == "bad-format" else "-"
                if (g, reason, msg) != (r["go"], want_reason, r["go_message"]):
                    diff[r["file"] + ":go-ref"] = "recorded Go %s %s (%s), Go now %s %s (%s)" % (
                        r["go"], want_reason, r["go_message"], g, reason, msg)
                want = hashlib.sha256(b"-").hexdigest() if r["dump"] == "-" else \
                    sha256(os.path.join(archive, r["dump"]))
                if dsum != "dump-sha256=" + want:
                    diff[r["file"] + ":go-ref-dump"] = "Go's dump differs from " + r["dump"]
    return diff


def cli_outcomes(archive, lhv1, notes=None):
    """{id: message} where the lhv1 CLI (liblhv1) differs from the record."""
    notes = [] if notes is None else notes
    diff = {}
    with tempfile.TemporaryDirectory(prefix="archive-cli.") as tmp:
        for r in manifest(archive):
            path = os.path.join(archive, "objects", r["file"])
            args = [lhv1, "verify", "--json"]
            if r["file"].endswith(".lhv1"):
                args += ["--name", name_of(r["file"]), "--lhv1-only"]
            p = subprocess.run(args + [path], capture_output=True, text=True)
            if p.returncode == 2 and "--lhv1-only" in args:  # a CLI older than LHV2
                args.remove("--lhv1-only")
                if "lhv1-only" not in notes:
                    notes.append("lhv1-only")
                p = subprocess.run(args + [path], capture_output=True, text=True)
            try:
                v = json.loads(p.stdout.splitlines()[0])
            except (IndexError, ValueError):
                diff[r["file"] + ":read"] = "lhv1 verify said nothing (%s)" % p.stderr.strip()
                continue
            if (v["verdict"], v["reason"]) != (r["verdict"], r["reason"]):
                diff[r["file"] + ":verdict"] = "recorded %s %s, lhv1 says %s %s (%s)" % (
                    r["verdict"], r["reason"], v["verdict"], v["reason"], v.get("message"))
            if r["file"].endswith(".lhv1") and v["go"] != r["go"]:
                diff[r["file"] + ":go"] = "Go did %s (%s), lhv1 predicts %s" % (
                    r["go"], r["go_message"], v["go"])
            if r["dump"] != "-":
                d = subprocess.run([lhv1, "dump", path], capture_output=True)
                with open(os.path.join(archive, r["dump"]), "rb") as f:
                    if d.returncode != 0 or d.stdout != f.read():
                        diff[r["file"] + ":dump"] = "lhv1 dump differs from " + r["dump"]
    if "lhv1-only" in notes:
        notes.remove("lhv1-only")
        notes.append("CLI without verify --lhv1-only: LHV1 objects read by its only path")
    return diff


def compare(diff, listed, aspects):
    """(unexpected ids, gone ids) against the reviewed list, for the aspects
    this reader produces."""
    unexpected = sorted(i for i in diff if i not in listed)
    gone = sorted(i for i in listed if i.rsplit(":", 1)[-1] in aspects and i not in diff)
    return unexpected, gone


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lhv1golden")
    ap.add_argument("--lhv2golden")
    ap.add_argument("archives", nargs="+")
    a = ap.parse_args()
    bad = 0
    for archive in a.archives:
        diff = go_outcomes(archive, a.lhv1golden, a.lhv2golden)
        unexpected, gone = compare(diff, changes(archive), GO_ASPECTS)
        for i in unexpected:
            print("FAIL  %s\n      %s" % (i, diff[i]), file=sys.stderr)
        for i in gone:
            print("GONE  %s: listed in CHANGES.txt, but the Go reference does what was recorded"
                  % i, file=sys.stderr)
        if unexpected or gone:
            print("\nEvery change of this run, as CHANGES.txt lines (paste only after review):",
                  file=sys.stderr)
            for i in sorted(diff):
                print("%s  # %s" % (i, diff[i]), file=sys.stderr)
        print("archive %s: %d objects, Go reference: %d changes (%d listed), %d unexpected, %d gone"
              % (os.path.basename(archive.rstrip("/")), len(manifest(archive)), len(diff),
                 len(diff) - len(unexpected), len(unexpected), len(gone)))
        bad += len(unexpected) + len(gone)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
