#!/usr/bin/env python3
"""lhv1 serve on out-of-memory: a test build whose allocations (its own,
liblhv1's, the testing library's: harness/tests/failing_malloc_wrap.c) fail
one at a time, each in turn, under one workload of S3 and admin requests.
Whichever allocation fails, the server either stops at start with "out of
memory" on stderr and exit 2, or serves: the first reply that differs from
the run where nothing fails is 503 SlowDown saying "out of memory" (a HEAD's
has no body, and a connection the server could not track is closed unread:
then its stderr says "out of memory"); later replies may differ as its
consequence (an object not stored is then missing); the server keeps
serving, and SIGTERM ends it with exit 0. Never a crash, a hang or another
error for the allocation itself.

Usage: serve_oom.py LHV1_SERVE_FAILALLOC
"""
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time

WORKLOAD = [
    ("PUT", "/oom", b""),
    ("PUT", "/oom/k", b"hello out of memory"),
    ("GET", "/oom/k", b""),
    ("HEAD", "/oom/k", b""),
    ("GET", "/oom?list-type=2", b""),
    ("POST", "/_lhv1/rules", b'{"kind":"get-fail","key":"oom/other"}'),
    ("GET", "/_lhv1/rules", b""),
    ("GET", "/oom/other", b""),
    ("GET", "/_lhv1/log", b""),
    ("DELETE", "/oom/k", b""),
    ("GET", "/", b""),
]


def start(binary, env):
    p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line.startswith("listening on http://"):
        rc = p.wait(timeout=60)
        return p, None, rc, p.stderr.read()
    return p, int(line.rsplit(":", 1)[1]), None, None


def request(port, method, path, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        c.request(method, path, body=body if body else None)
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as e:
        return None, f"no reply: {e}"
    finally:
        c.close()


def run(binary, k, count_file=None):
    env = dict(os.environ)
    env.pop("LHV1_TEST_FAIL_ALLOC_AT", None)
    if k is not None:
        env["LHV1_TEST_FAIL_ALLOC_AT"] = str(k)
    if count_file:
        env["LHV1_TEST_COUNT_ALLOC"] = count_file
    p, port, rc, err = start(binary, env)
    if port is None:
        return {"started": False, "rc": rc, "stderr": err}
    replies = [request(port, m, path, body) for m, path, body in WORKLOAD]
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = "hung after SIGTERM"
    return {"started": True, "rc": rc, "replies": replies, "stderr": p.stderr.read()}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        count = os.path.join(tmp, "count")
        base = run(binary, None, count)
        with open(count) as f:
            n = int(f.read())
    if not base["started"] or base["rc"] != 0:
        sys.exit(f"FAIL: with no allocation failing: {base}")
    want = [status for status, _ in base["replies"]]
    ks = range(n)
    print(f"serve_oom: {n} allocations with nothing failing; failing {len(ks)} of them in turn",
          flush=True)
    fails, at_start, reported, unaffected = [], 0, 0, 0
    t0 = time.monotonic()
    for i, k in enumerate(ks):
        if i and i % 100 == 0:
            print(f"serve_oom: {i}/{len(ks)} ({time.monotonic() - t0:.0f} s)", flush=True)
        r = run(binary, k)
        if not r["started"]:
            if r["rc"] == 2 and "out of memory" in r["stderr"]:
                at_start += 1
            else:
                fails.append(f"allocation {k}: stopped at start with exit {r['rc']}: "
                             f"{r['stderr'][:300]}")
            continue
        if r["rc"] != 0:
            fails.append(f"allocation {k}: exit {r['rc']} after SIGTERM: {r['stderr'][-600:]}")
            continue
        got = r["replies"]
        first = next((i for i, (st, _) in enumerate(got) if st != want[i]), None)
        if first is None:
            unaffected += 1
            continue
        st, body = got[first]
        method, path, _ = WORKLOAD[first]
        logged = "out of memory" in r["stderr"]
        if st == 503 and "SlowDown" in body and "out of memory" in body and logged:
            reported += 1
        elif (st is None or (st == 503 and method == "HEAD")) and logged:
            reported += 1
        else:
            fails.append(f"allocation {k}: {method} {path}: {st} (want {want[first]}, or 503 "
                         f"SlowDown \"out of memory\" and the same on stderr): {body[:300]} "
                         f"stderr: {r['stderr'][-300:]}")
    print(f"serve_oom: {len(ks)} allocations failed in turn: {at_start} stopped the server at "
          f"start (exit 2, out of memory), {reported} reported (503 SlowDown \"out of memory\", "
          f"or a connection closed unread, and stderr), {unaffected} changed no reply, "
          f"{len(fails)} wrong")
    for f in fails[:40]:
        print("FAIL:", f)
    if reported == 0:
        print("FAIL: no failing allocation was reported as out of memory")
        return 1
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
