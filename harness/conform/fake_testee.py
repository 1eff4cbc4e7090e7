#!/usr/bin/env python3
"""A testee that misbehaves on purpose, for the tests of `lhv1 conform`.

    fake_testee.py MODE [TARGET] -- REAL-TESTEE ARGS...

It passes every request to a real testee (`lhv1 testee`) and its answers
back, except that MODE changes what it does: on the load of index TARGET
(crash, abort, hang, garbage, oversize, close-stdout, panic), on every
answer of a kind (the dump, use and save regressions), or in its hello.
Each mode is a defect a reader could have; test_runner.py checks that
`lhv1 conform` reports each one where it should and nowhere else.
"""
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time

MODE = sys.argv[1]
split = sys.argv.index("--")
TARGET = sys.argv[2] if split > 2 else None
real = subprocess.Popen(sys.argv[split + 1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out = sys.stdout.buffer


def read_msg(f):
    head = f.read(4)
    if len(head) < 4:
        return None
    return f.read(struct.unpack("<I", head)[0])


def write_msg(f, body):
    f.write(struct.pack("<I", len(body)) + body)
    f.flush()


def ask(req):
    write_msg(real.stdin, json.dumps(req).encode())
    return json.loads(read_msg(real.stdout))


def put(answer):
    write_msg(out, json.dumps(answer).encode())


def map_vectors(dump, fn):
    def one(m):
        raw = bytes.fromhex(m.group(1))
        vals = struct.unpack("<%df" % (len(raw) // 4), raw)
        return '"vector":"%s"' % struct.pack("<%df" % len(vals), *map(fn, vals)).hex()
    return re.sub(r'"vector":"([0-9a-f]*)"', one, dump)


def header_lines(dump, fn):
    """Applies fn to the envelope line and the graph's header line."""
    lines = dump.split("\n")
    lines[1] = fn(lines[1])
    lines[2] = fn(lines[2])
    return "\n".join(lines)


def drop_metadata(dump):
    lines = dump.split("\n")
    at = lines[1].index(',"metadata":')
    lines[1] = lines[1][:at] + ',"metadata":null},'
    return "\n".join(lines)


def no_neighbors(dump):
    dec = json.JSONDecoder()
    lines = dump.split("\n")
    for i, line in enumerate(lines):
        at = line.rfind(',"neighbors":[')
        if line.startswith('{"key":') and at >= 0:
            start = at + len(',"neighbors":')
            _, end = dec.raw_decode(line, start)
            lines[i] = line[:start] + "[]" + line[end:]
    return "\n".join(lines)


# coder/hnsw's defaults (NewGraph): what a loader that drops a field keeps.
DUMP_EDITS = {
    "drop-metadata": drop_metadata,
    "rescale": lambda d: map_vectors(d, lambda x: x * 2),
    "ef-default": lambda d: header_lines(d, lambda l: re.sub(r'"ef_search":\d+', '"ef_search":20', l)),
    "m-default": lambda d: header_lines(d, lambda l: re.sub(r'"m":\d+', '"m":16', l)),
    "ml-default": lambda d: re.sub(r'"ml":"[0-9a-f]{16}"', '"ml":"%s"' % struct.pack("<d", 0.25).hex(), d),
    "distance-default": lambda d: header_lines(d, lambda l: l.replace('"euclidean"', '"cosine"')),
    "nil-neighbors": no_neighbors,
}


def on_load(req):
    name = req.get("name")
    if name == TARGET:
        if MODE == "crash":
            sys.stderr.write("fake testee: crashing on purpose\n")
            sys.stderr.flush()
            os._exit(3)
        if MODE == "abort":
            os.kill(os.getpid(), signal.SIGABRT)
        if MODE == "hang":
            while True:
                time.sleep(3600)
        if MODE == "garbage":
            write_msg(out, b"this is not JSON")
            return
        if MODE == "oversize":
            out.write(struct.pack("<I", (256 << 20) + 1))
            out.flush()
            while True:
                time.sleep(3600)
        if MODE == "close-stdout":
            out.close()
            os.close(1)
            while True:
                time.sleep(3600)
        if MODE == "bomb":
            # 1 GiB, written: under the runner's address-space cap this
            # fails inside the testee (MemoryError) instead of on the machine.
            bomb = bytearray(1 << 30)
            bomb[::4096] = b"x" * len(bomb[::4096])
        if MODE == "panic":
            ask(req)
            put({"outcome": "panic", "message": "runtime error: invalid memory address (on purpose)"})
            return
    answer = ask(req)
    if MODE in DUMP_EDITS and answer.get("outcome") == "ok" and answer.get("dump"):
        answer["dump"] = DUMP_EDITS[MODE](answer["dump"])
    put(answer)


def on_use(req):
    answer = ask(req)
    if MODE == "use-entry-only" and answer.get("outcome") == "ok":
        # Each search returns the node it started from: a graph whose
        # loaded nodes have no links.
        answer["results"] = [r[-1:] for r in answer["results"]]
    if MODE == "use-foreign-key" and answer.get("outcome") == "ok":
        # A key that is no node of the index: keys decoded wrongly.
        answer["results"] = [["no such key"] + r[1:] for r in answer["results"]]
    if MODE == "use-no-add" and req.get("add"):
        answer["added"] = False
        answer["count"] = answer["count"] - 1
    put(answer)


def on_save(req):
    if MODE == "save-rescale":
        req = dict(req, dump=map_vectors(req["dump"], lambda x: x * 2))
    put(ask(req))


def on_hello(req):
    answer = ask(req)
    if MODE == "protocol-2":
        answer["protocol"] = 2
    if MODE == "reader-only":
        answer["capabilities"] = ["load", "lhv2"]
    if MODE == "no-load":
        answer["capabilities"] = ["save"]
    answer["testee"] = "fake-" + MODE
    put(answer)


def main():
    handlers = {"hello": on_hello, "load": on_load, "use": on_use, "save": on_save}
    while True:
        body = read_msg(sys.stdin.buffer)
        if body is None:
            break
        req = json.loads(body)
        handlers.get(req.get("op"), lambda r: put(ask(r)))(req)
    real.stdin.close()
    real.wait()


main()
