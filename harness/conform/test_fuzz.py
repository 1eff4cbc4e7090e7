#!/usr/bin/env python3
"""Tests of `lhv1 conform --fuzz` (differential fuzzing of a testee).

    test_fuzz.py planted LHV1 GOLDEN_DIR WORK_DIR
    test_fuzz.py clean LHV1 GOLDEN_DIR WORK_DIR

planted: a testee that drops the metadata it loads (fake_testee.py
drop-metadata, a proxy in front of `lhv1 testee`) must be caught: exactly one
disagreement class, the dump's; its input minimized (smaller than found)
and written as a candidate golden whose object liblhv1 calls ok and whose
dump the testee still gets wrong, with the testee's and liblhv1's answers
and a MANIFEST row naming the object by its sha256.
clean: liblhv1's own testee must give no disagreement at all.

The seeds (every golden) are all judged before any mutation, however long
that takes, and goldens hold metadata, so the planted defect is found
whatever the machine's speed: its run is short (2 s of fuzzing after the
seeds; what it checks comes from the seeds and minimizing), the clean run
fuzzes longer (8 s) to look for a disagreement of liblhv1 with itself.
"""
import base64
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys

MODE, LHV1, GOLDENS, WORK = sys.argv[1:5]
FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_testee.py")
failures = []


def check(what, cond, more=""):
    print(("ok    " if cond else "FAIL  ") + what + (": " + more if more and not cond else ""))
    if not cond:
        failures.append(what)


def fuzz(out, testee, seconds=8):
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([LHV1, "conform", "--fuzz", str(seconds), "--jobs", "2", "--goldens",
                        GOLDENS, "--out", out, "--", *testee], capture_output=True, text=True)
    report = os.path.join(out, "fuzz.json")
    rep = json.load(open(report)) if os.path.exists(report) else None
    return p.returncode, rep, p.stderr


def load_through(testee, name, obj):
    """One load request to a testee program; its answer."""
    p = subprocess.Popen(testee, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def ask(req):
        body = json.dumps(req).encode()
        p.stdin.write(struct.pack("<I", len(body)) + body)
        p.stdin.flush()
        n = struct.unpack("<I", p.stdout.read(4))[0]
        return json.loads(p.stdout.read(n))

    ask({"op": "hello", "protocol": 1})
    answer = ask({"op": "load", "name": name, "object": base64.b64encode(obj).decode()})
    p.stdin.close()
    p.wait()
    return answer


def planted():
    testee = [sys.executable, FAKE, "drop-metadata", "--", LHV1, "testee"]
    rc, rep, err = fuzz(os.path.join(WORK, "planted"), testee, seconds=2)
    check("planted: exit 1 (a disagreement)", rc == 1, "exit %d: %s" % (rc, err[-800:]))
    if not rep:
        return
    check("planted: inputs were judged", rep["execs"] > 0, str(rep["execs"]))
    cands = rep["candidates"]
    check("planted: one disagreement class", len(cands) == 1, str([c["class"] for c in cands]))
    if not cands:
        return
    c = cands[0]
    check("planted: the class is the dump's",
          c["class"] == "testee ok; spec ok, Go ok (predicted); dump differs", c["class"])
    check("planted: the failure names where the dumps part",
          c["failure"].startswith("dump differs from liblhv1's dump at line 2, column "), c["failure"])
    check("planted: minimized", c["minimized_bytes"] < c["found_bytes"],
          "%d -> %d" % (c["found_bytes"], c["minimized_bytes"]))
    d = c["dir"]
    obj = open(os.path.join(d, "object.lhv1"), "rb").read()
    found = open(os.path.join(d, "found.lhv1"), "rb").read()
    answers = json.load(open(os.path.join(d, "answers.json")))
    check("planted: object.lhv1 is the minimized object", len(obj) == c["minimized_bytes"])
    check("planted: found.lhv1 is the input found", len(found) == c["found_bytes"])
    row = [l for l in open(os.path.join(d, "MANIFEST.row")) if not l.startswith("#")]
    fields = row[0].rstrip("\n").split("\t") if row else []
    check("planted: the MANIFEST row has 8 columns", len(fields) == 8, str(fields))
    if len(fields) == 8:
        check("planted: the row names the object by its sha256",
              fields[1] == hashlib.sha256(obj).hexdigest() and fields[0].startswith("y_fuzz_"),
              str(fields[:2]))
        check("planted: the row says ok, Go ok", fields[2:5] == ["ok", "-", "ok"], str(fields[2:5]))
    v = subprocess.run([LHV1, "verify", "--name", answers["name"], os.path.join(d, "object.lhv1")],
                       capture_output=True, text=True)
    check("planted: liblhv1 calls the minimized object ok", v.returncode == 0, v.stdout + v.stderr)
    dump = subprocess.run([LHV1, "dump", os.path.join(d, "object.lhv1")], capture_output=True,
                          text=True).stdout
    check("planted: answers.json holds liblhv1's dump", answers["liblhv1"]["dump"] == dump)
    again = load_through(testee, answers["name"], obj)
    check("planted: the testee still gets its dump wrong",
          again.get("outcome") == "ok" and again.get("dump") not in (None, dump), str(again)[:300])
    check("planted: answers.json holds the testee's answer",
          answers["testee"]["outcome"] == "ok" and answers["testee"]["dump"] == again.get("dump"))


def clean():
    rc, rep, err = fuzz(os.path.join(WORK, "clean"), [LHV1, "testee"])
    check("clean: exit 0", rc == 0, "exit %d: %s" % (rc, err[-800:]))
    if not rep:
        return
    check("clean: inputs were judged", rep["execs"] > 0, str(rep["execs"]))
    check("clean: no disagreement", rep["disagreements"] == 0 and rep["candidates"] == [],
          str(rep["candidates"])[:500])
    check("clean: new classes joined the corpus", rep["corpus_added"] > 0, str(rep["corpus_added"]))
    check("clean: the summary gives exec/s", "exec/s" in err, err[-300:])


{"planted": planted, "clean": clean}[MODE]()
print("all checks passed" if not failures else "%d checks FAILED" % len(failures))
sys.exit(1 if failures else 0)
