#!/usr/bin/env python3
"""Tests of `lhv1 conform` with misbehaving testees (fake_testee.py).

    test_runner.py LHV1 GOLDEN_DIR WORK_DIR [GROUP...]

Each check runs `lhv1 conform` over a fake testee that proxies `lhv1
testee` and adds one defect, then reads the JSON report: the defect must
fail exactly the cases it should (crash -> crash and a restart, hang ->
timeout, garbage -> crash, a dropped field or rescaled vectors -> the
dump, a broken search -> use, a broken writer -> save), and the failure
list must behave as protobuf's. Groups: failures, dumps, use, lists,
handshake (default: all).
"""
import json
import os
import subprocess
import sys

LHV1, GOLDENS, WORK = sys.argv[1:4]
GROUPS = sys.argv[4:] or ["failures", "dumps", "use", "lists", "handshake"]
FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_testee.py")
failures = []


def conform(name, testee, *opts, edits=0):
    """Runs lhv1 conform; returns (exit code, report or None, stderr)."""
    report = os.path.join(WORK, name + ".json")
    if os.path.exists(report):
        os.remove(report)
    cmd = [LHV1, "conform", "--goldens", GOLDENS, "--json", report, "--edits", str(edits),
           *opts, "--", *testee]
    p = subprocess.run(cmd, capture_output=True, text=True)
    rep = json.load(open(report)) if os.path.exists(report) else None
    return p.returncode, rep, p.stderr


def fake(mode, target=None):
    return [sys.executable, FAKE, mode] + ([target] if target else []) + ["--", LHV1, "testee"]


def check(what, cond, more=""):
    print(("ok    " if cond else "FAIL  ") + what + (": " + more if more and not cond else ""))
    if not cond:
        failures.append(what)


def failing(rep):
    return {c["name"]: c for c in rep["cases"] if c["result"] not in ("pass", "skipped")}


def expected_dumps():
    """golden/<file> cases that have an expected dump, with its text."""
    out = {}
    for line in open(os.path.join(GOLDENS, "MANIFEST.tsv")):
        f = line.rstrip("\n").split("\t")
        if line.startswith("#") or f[6] == "-":
            continue
        out["golden/" + f[0]] = open(os.path.join(GOLDENS, f[6])).read()
    return out


def only_these_fail(what, rep, cases, outcome, failure, detail_has):
    bad = failing(rep)
    case = cases[0]
    c = bad.get(case, {})
    check(what + ": only " + " and ".join(cases) + " fail", sorted(bad) == sorted(cases),
          str(sorted(bad))[:300])
    check(what + ": outcome " + outcome, c.get("outcome") == outcome, str(c))
    check(what + ": failure '" + failure + "'", c.get("failure") == failure, str(c.get("failure")))
    check(what + ": detail has '" + detail_has + "'", detail_has in (c.get("detail") or ""),
          str(c.get("detail")))


def group_failures():
    # The index few_nodes is loaded twice: the golden and its archived copy.
    case = "golden/y_few_nodes.lhv1"
    cases = [case, "archive/lhv1-2026-12/y_few_nodes.lhv1"]
    for mode, outcome, failure, detail in [
        ("crash", "crash", "testee crash; spec ok, Go ok", "exited with status 3; stderr: fake testee: crashing on purpose"),
        ("abort", "crash", "testee crash; spec ok, Go ok", "killed by signal 6"),
        ("garbage", "crash", "testee crash; spec ok, Go ok", "malformed answer"),
        ("oversize", "crash", "testee crash; spec ok, Go ok", "announced a 268435457-byte answer"),
        ("close-stdout", "crash", "testee crash; spec ok, Go ok", "closed its stdout"),
        ("hang", "timeout", "testee timeout; spec ok, Go ok", "no answer within 10000 ms"),
        ("panic", "panic", "testee panic; spec ok, Go ok", "on purpose"),
        ("bomb", "crash", "testee crash; spec ok, Go ok", "MemoryError"),
        # The same behind a wrapper (a shell that forks the reader, as `go
        # run` does): the cap must reach the child too.
        ("bomb-wrapped", "crash", "testee crash; spec ok, Go ok", "MemoryError"),
    ]:
        testee = fake(mode, "few_nodes")
        if mode == "bomb-wrapped":
            testee = ["sh", "-c", '"$@"; exit $?', "sh"] + fake("bomb", "few_nodes")
        # The bomb asks for 1 GiB; the testee may map 256 MiB more than after hello.
        # 10 s a case: the hang costs that twice, and the other cases, in
        # Python on a loaded machine, stay far inside it.
        rc, rep, err = conform(mode, testee, "--timeout", "10", "--memory-headroom", "256")
        check(mode + ": exit 1", rc == 1, "exit %d: %s" % (rc, err[-500:]))
        if not rep:
            continue
        only_these_fail(mode, rep, cases, outcome, failure, detail)
        restarts = 0 if mode == "panic" else 2
        check(mode + ": %d restarts" % restarts, rep["restarts"] == restarts, str(rep["restarts"]))
        use = [c for c in rep["cases"] if c["name"] == case + "/use"]
        check(mode + ": its use is skipped", use and use[0]["result"] == "skipped", str(use))
        # The cases after it ran on the restarted testee and passed.
        after = [c for c in rep["cases"] if c["name"] == "golden/y_m_2.lhv1"]
        check(mode + ": later cases run and pass", after and after[0]["result"] == "pass", str(after))


def group_dumps():
    dumps = expected_dumps()
    def meta_of(d):
        return d.split("\n")[1].split(',"metadata":', 1)[1]
    with_meta = {n for n, d in dumps.items() if meta_of(d) != "null},"}
    nonzero = {n for n, d in dumps.items() if any(ch not in '0' for ch in
               "".join(x.split('"')[0] for x in d.split('"vector":"')[1:]))}
    with_nb = {n for n, d in dumps.items() if '"neighbors":[]' != "" and
               any(not seg.startswith("[]") for seg in d.split('"neighbors":')[1:])}
    header = lambda d: d.split("\n")[2]
    import re
    ef = {n for n, d in dumps.items() if re.search(r'"ef_search":(\d+)', header(d)).group(1) != "20"}
    m = {n for n, d in dumps.items() if re.search(r'"m":(\d+)', header(d)).group(1) != "16"}
    ml = {n for n, d in dumps.items() if '"ml":"000000000000d03f"' not in header(d)}
    dist = {n for n, d in dumps.items() if '"distance":"euclidean"' in header(d)}
    for mode, want in [("drop-metadata", with_meta), ("rescale", nonzero), ("nil-neighbors", with_nb),
                       ("ef-default", ef), ("m-default", m), ("ml-default", ml),
                       ("distance-default", dist)]:
        check(mode + ": some golden can tell", len(want) > 0, "no dumped golden differs from the default")
        rc, rep, err = conform(mode, fake(mode))
        check(mode + ": exit 1", rc == 1, "exit %d" % rc)
        if not rep:
            continue
        bad = {n for n, c in failing(rep).items() if n.startswith("golden/") and "/" not in n[7:]}
        check(mode + ": the goldens that tell fail", bad == want,
              "fail %s, want %s" % (sorted(bad - want)[:5], sorted(want - bad)[:5]))
        msgs = {failing(rep)[n]["failure"].split(" at ")[0] for n in bad}
        check(mode + ": by the dump", msgs <= {"dump differs from the expected dump"}, str(msgs))
        others = [n for n in failing(rep) if not n.startswith("golden/") and not n.startswith("archive/")
                  and not n.startswith("lhv2/")]
        check(mode + ": nothing else fails", others == [], str(others[:5]))


def group_use():
    for mode, failure in [("use-entry-only", "use: stored vectors: query 1: the search returns only its starting node (no links followed)"),
                          ("use-foreign-key", "use: stored vectors: query 1: a result that is no node of the index"),
                          ("use-no-add", "use: the add is not acknowledged (\"added\": true)"),
                          ("save-rescale", "save: the written object's dump differs")]:
        rc, rep, err = conform(mode, fake(mode))
        check(mode + ": exit 1", rc == 1, "exit %d" % rc)
        if not rep:
            continue
        bad = failing(rep)
        kind = "save" if mode.startswith("save") else "use"
        check(mode + ": only %s cases fail" % kind, bad and all(n.endswith("/" + kind) for n in bad),
              str(sorted(bad)[:5]))
        check(mode + ": with '%s'" % failure, any(c["failure"].startswith(failure) for c in bad.values()),
              str({c["failure"] for c in bad.values()}))
    # A clean run: no use case empty-handed, every save round trip equal.
    rc, rep, err = conform("clean", [LHV1, "testee"], edits=200)
    check("clean: exit 0", rc == 0, err[-500:])
    if rep:
        kinds = {}
        for c in rep["cases"]:
            kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
        check("clean: every kind of case", all(kinds.get(k, 0) > 0 for k in
              ["golden", "use", "save", "lhv2", "archive", "edit"]), str(kinds))
        check("clean: 200 edits", kinds.get("edit") == 200, str(kinds))
        edits = [c for c in rep["cases"] if c["kind"] == "edit"]
        check("clean: edits ok and not ok", any(c["spec"] == "ok" for c in edits) and
              any(c["spec"] != "ok" for c in edits))
        rc2, rep2, _ = conform("clean-again", [LHV1, "testee"], edits=200)
        same = rep2 and [(c["name"], c["spec"], c["about"]) for c in rep2["cases"]] == \
            [(c["name"], c["spec"], c["about"]) for c in rep["cases"]]
        check("clean: the same cases twice (seeded edits)", bool(same))


def write(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def group_lists():
    case = "golden/y_few_nodes.lhv1"
    archived = "archive/lhv1-2026-12/y_few_nodes.lhv1"
    msg = "testee crash; spec ok, Go ok"
    lst = write("crash.list", "# the crash is known\n%s  # %s\n\n%s\t#\t%s\n" % (case, msg, archived, msg))
    rc, rep, _ = conform("list-expected", fake("crash", "few_nodes"), "--failure-list", lst)
    check("listed failure: exit 0", rc == 0, "exit %d" % rc)
    check("listed failure: counted as expected", rep and rep["counts"]["expected"] == 2, str(rep and rep["counts"]))
    lst = write("crash-any.list", case + "\n" + archived + "\n")
    rc, rep, _ = conform("list-any", fake("crash", "few_nodes"), "--failure-list", lst)
    check("listed without a message: exit 0", rc == 0, "exit %d" % rc)
    lst = write("crash-other.list", "%s  # testee timeout; spec ok, Go ok\n%s\n" % (case, archived))
    rc, rep, err = conform("list-other", fake("crash", "few_nodes"), "--failure-list", lst)
    check("listed with another message: exit 1", rc == 1, "exit %d" % rc)
    check("listed with another message: reported", "MESSAGE CHANGED  " + case in err, err[-300:])
    rc, rep, err = conform("list-passes", [LHV1, "testee"], "--failure-list", lst)
    check("listed, now passes: exit 1", rc == 1, "exit %d" % rc)
    check("listed, now passes: reported", "NOW PASSES  " + case in err, err[-300:])
    check("listed, now passes: counted", rep and rep["counts"]["now_passes"] == 2)
    lst = write("stale.list", "golden/n_no_such_golden.lhv1\n")
    rc, rep, err = conform("list-stale", [LHV1, "testee"], "--failure-list", lst)
    check("listed, no such case: exit 1", rc == 1, "exit %d" % rc)
    check("listed, no such case: reported", "NOT RUN  golden/n_no_such_golden.lhv1" in err, err[-300:])
    # What --write-failure-list writes, read back, makes the same run pass.
    written = os.path.join(WORK, "written.list")
    rc, _, _ = conform("write-list", fake("drop-metadata"), "--write-failure-list", written)
    check("write-failure-list: the run fails", rc == 1)
    rc, rep, err = conform("read-written", fake("drop-metadata"), "--failure-list", written)
    check("written list read back: exit 0", rc == 0, err[-300:])
    check("written list read back: all expected", rep and rep["counts"]["fail"] == 0 and
          rep["counts"]["expected"] > 0, str(rep and rep["counts"]))
    lst = write("twice.list", case + "\n" + case + "\n")
    rc, _, err = conform("list-twice", [LHV1, "testee"], "--failure-list", lst)
    check("a name listed twice: exit 2", rc == 2 and "listed twice" in err, err[-300:])


def group_handshake():
    rc, rep, err = conform("protocol-2", fake("protocol-2"))
    check("protocol 2: exit 2", rc == 2, "exit %d" % rc)
    check("protocol 2: says so", "speaks testee protocol 2" in err, err[-300:])
    rc, rep, err = conform("no-load", fake("no-load"))
    check("no load capability: exit 2", rc == 2 and '"load"' in err, err[-300:])
    rc, rep, err = conform("reader-only", fake("reader-only"))
    check("reader-only: exit 0", rc == 0, err[-300:])
    check("reader-only: no use or save case", rep and not any(c["kind"] in ("use", "save") for c in rep["cases"]))
    rc, rep, err = conform("missing", [os.path.join(WORK, "no-such-testee")])
    check("a testee that does not start: exit 2", rc == 2 and "cannot start" in err, err[-300:])
    rc, rep, err = conform("lhv1-only", [LHV1, "testee", "--lhv1-only"])
    check("an LHV1-only reader: exit 0", rc == 0, err[-300:])
    lhv2 = [c for c in rep["cases"] if c["name"].startswith("lhv2/")] if rep else []
    check("an LHV1-only reader: LHV2 judged as LHV1-only", lhv2 and all(
        c["spec"].startswith("bad-format") and c["go_predicted"] for c in lhv2), str(lhv2[:1]))


os.makedirs(WORK, exist_ok=True)
for g in GROUPS:
    print("== " + g, flush=True)
    globals()["group_" + g]()
if failures:
    print("%d checks failed" % len(failures))
    sys.exit(1)
print("all checks passed")
