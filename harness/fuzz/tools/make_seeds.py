#!/usr/bin/env python3
"""Generate the seed corpora corpus/<target>/ from generators, never by hand.

Sources, in order:
  1. golden/objects/*.lhv1 and golden/*.lhv1 (the Go-written goldens), when present: whole objects for
     load and unframe, their envelope and graph sections for envelope and
     graph.
  2. The roundtrip fuzz target as a generator: deterministic build plans are
     replayed with LHV1_FUZZ_EMIT_DIR set, and the objects it builds (valid
     ones and ones with exactly one planted defect, named by reason code)
     become seeds; the plans that built them seed roundtrip itself.
  3. Derived invalid objects: truncations, a wrong magic, an overrunning
     envelope length, envelope fields removed or mistyped, graph headers
     with a bad version, an unknown distance, negative or huge counts.
  4. persistor: deterministic random operation scripts.
  5. fault_rules: `lhv1 serve` fault rules, one of each kind (named in the
     kind tables, src/campaign/include/lhv1/fault_kinds.h and
     src/serve/http_faults.h) with its parameters, the plan of
     docs/FAULTS.md, the wrapper and list forms, and rules the parser must
     refuse (unknown, duplicate and mistyped fields, values out of range).

Generated files are named gen-* or golden-*; the script replaces exactly
those and leaves merged fuzzer finds (hash names) alone.
usage: make_seeds.py REPO_ROOT ROUNDTRIP_REPLAY_BINARY
"""
import glob
import hashlib
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

MAX_SEED = 64 * 1024


def corpora():
    """The seed corpora of harness/fuzz/targets.tsv, in table order."""
    table = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "targets.tsv")
    with open(table) as f:
        rows = [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]
    names = []
    for row in rows[1:]:  # rows[0] is the header
        if len(row) != 5:
            sys.exit(f"make_seeds: targets.tsv: bad row {row}")
        if row[2] not in names:
            names.append(row[2])
    return names


TARGETS = corpora()


def sha8(b):
    return hashlib.sha1(b).hexdigest()[:8]


def unframe(obj):
    if len(obj) < 8 or obj[:4] != b"LHV1":
        return None
    n = struct.unpack(">I", obj[4:8])[0]
    if n + 8 > len(obj):
        return None
    return obj[8:8 + n], obj[8 + n:]


def frame(env, graph):
    return b"LHV1" + struct.pack(">I", len(env)) + env + graph


def put_varint(v):
    u = (v << 1) ^ (v >> 63) if v < 0 else v << 1
    u &= (1 << 64) - 1
    out = bytearray()
    while u >= 0x80:
        out.append((u & 0x7F) | 0x80)
        u >>= 7
    out.append(u)
    return bytes(out)


def read_varint(b, i):
    u, shift = 0, 0
    while True:
        c = b[i]
        i += 1
        u |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            break
    v = (u >> 1) ^ -(u & 1)
    return v, i


def graph_header(g):
    """(version, m, ml bytes, ef, distance, n_layers, rest) of a graph section."""
    i = 0
    version, i = read_varint(g, i)
    m, i = read_varint(g, i)
    ml = g[i:i + 8]
    i += 8
    ef, i = read_varint(g, i)
    dlen, i = read_varint(g, i)
    dist = g[i:i + dlen]
    i += dlen
    n_layers, i = read_varint(g, i)
    return version, m, ml, ef, dist, n_layers, g[i:]


def build_graph(version, m, ml, ef, dist, n_layers, rest):
    return (put_varint(version) + put_varint(m) + ml + put_varint(ef) + put_varint(len(dist))
            + dist + put_varint(n_layers) + rest)


def derived(obj):
    """Invalid variants of a valid object, each named by what was done."""
    env, graph = unframe(obj)
    out = {
        "short-0": b"", "short-7": obj[:7], "magic": b"LHV2" + obj[4:],
        "overrun": obj[:4] + struct.pack(">I", len(env) + len(graph) + 1) + obj[8:],
        "envelope-len-0": frame(b"", env + graph),
        "truncated-graph": obj[:-1],
        "truncated-header": frame(env, graph[:5]),
        "trailing-json": frame(env + b" x", graph),
        "trailing-graph": obj + b"\x00",
    }
    doc = json.loads(env)
    for name, edit in [
        ("no-count", lambda d: d.pop("count")),
        ("no-params", lambda d: d.pop("params")),
        ("version-2", lambda d: d.update(version=2)),
        ("count-float", lambda d: d.update(count=1.5)),
        ("count-string", lambda d: d.update(count="1")),
        ("dimension-0", lambda d: d["params"].update(dimension=0)),
        ("distance-dot", lambda d: d["params"].update(distance="dot")),
        ("name-empty", lambda d: d["params"].update(name="")),
        ("metadata-array", lambda d: d.update(metadata=[1])),
        ("metadata-orphan", lambda d: d.update(metadata={"no-such-node": {"a": 1}})),
        ("huge-m", lambda d: d["params"].update(m=2 ** 53 + 2)),
    ]:
        d = json.loads(env)
        edit(d)
        out["env-" + name] = frame(json.dumps(d, separators=(",", ":")).encode(), graph)
    out["env-duplicate-key"] = frame(env[:-1] + b',"count":0}', graph)
    out["env-invalid-utf8"] = frame(env[:-1] + b',"x":"\xff"}', graph)
    out["env-nul-escape"] = frame(env[:-1] + b',"x":"\\u0000"}', graph)
    try:
        version, m, ml, ef, dist, n_layers, rest = graph_header(graph)
    except IndexError:
        return out
    for name, fields in [
        ("version-2", (2, m, ml, ef, dist, n_layers)),
        ("distance-dot", (version, m, ml, ef, b"dot", n_layers)),
        ("m-0", (version, 0, ml, ef, dist, n_layers)),
        ("ml-nan", (version, m, struct.pack("<d", float("nan")), ef, dist, n_layers)),
        ("layers-negative", (version, m, ml, ef, dist, -1)),
        ("layers-huge", (version, m, ml, ef, dist, 1 << 40)),
    ]:
        out["graph-" + name] = frame(env, build_graph(*fields, rest))
    out["graph-varint-overflow"] = frame(env, b"\xff" * 10 + b"\x01" + graph[1:])
    out["graph-overlong-version"] = frame(env, b"\x82\x00" + graph[1:])
    return out


def fault_kinds(root):
    """The fault kinds' names, from the X-macro tables that define them."""
    names = []
    for rel, table in (("src/campaign/include/lhv1/fault_kinds.h", "LHV1_FAULT_KINDS"),
                       ("src/serve/http_faults.h", "HTTP_FAULT_KINDS")):
        with open(os.path.join(root, rel)) as f:
            text = f.read()
        body = text[text.index(f"#define {table}(X)"):]
        body = body[:body.index("typedef enum")]
        names += [n for n in re.findall(r'X\(\w+, "([a-z0-9-]+)"', body) if n != "none"]
    if len(names) < 10:
        sys.exit("make_seeds: fewer fault kinds than expected in the kind tables")
    return names


def fault_rule_seeds(root):
    """Rule documents for the fault_rules target, named by what they hold."""
    kinds = fault_kinds(root)
    params = {"cut": 20, "reply": 200, "bit": 100, "lag": 1, "delay_ms": 10, "retry_after": 2,
              "done": True, "code": "NoSuchBucket"}
    rules = [dict({"kind": k, "key": "*/_vectors/*", "nth": i % 3}, **params)
             for i, k in enumerate(kinds)]
    docs = {f"kind-{r['kind']}": r for r in rules}
    docs["plan-faults-md"] = {"rules": [
        {"kind": "put-torn-prefix", "key": "*/_vectors/alpha.lhv1", "nth": 1, "cut": 20, "reply": 200},
        {"kind": "get-bit-flip", "key": "*/_vectors/*", "probability": 0.05, "bit": 100},
        {"kind": "http-slowdown", "op": "put", "nth": 0, "retry_after": 2},
        {"kind": "http-body-cut", "op": "get", "key": "*/_vectors/beta.lhv1", "cut": 10,
         "persistent": True}]}
    docs["list-every-kind"] = rules
    docs["wrapper-every-kind"] = {"rules": rules}
    docs["op-any-probability"] = {"kind": "http-delay", "op": "any", "probability": 1,
                                  "persistent": True, "delay_ms": 0}
    docs["key-class-and-escape"] = {"kind": "get-fail", "key": "[a-c]?/\\*x*"}
    docs["empty-list"] = []
    refused = {
        "unknown-field": {"kind": "get-fail", "nht": 1},
        "wrong-type": {"kind": "get-fail", "nth": "1"},
        "negative-nth": {"kind": "get-fail", "nth": -1},
        "probability-0": {"kind": "get-fail", "probability": 0},
        "delay-too-long": {"kind": "http-delay", "delay_ms": 600001},
        "code-nosuchkey": {"kind": "http-404-code", "code": "NoSuchKey"},
        "op-mismatch": {"kind": "put-lost", "op": "get"},
        "unknown-kind": {"kind": "get-nothing"},
        "wrapper-extra": {"rules": [{"kind": "get-fail"}], "typo": 1},
        "not-an-object": [1],
    }
    out = {f"gen-{n}.json": json.dumps(d, separators=(",", ":")).encode() for n, d in docs.items()}
    out.update({f"gen-refused-{n}.json": json.dumps(d, separators=(",", ":")).encode()
                for n, d in refused.items()})
    # json.dumps cannot write a member twice
    out["gen-refused-duplicate-field.json"] = b'{"kind":"http-delay","delay_ms":10,"delay_ms":0}'
    out["gen-refused-duplicate-rules.json"] = b'{"rules":[{"kind":"get-fail"}],"rules":[]}'
    out["gen-refused-json-lines.json"] = b'{"kind":"get-fail"}\n{"kind":"put-lost"}\n'
    out["gen-refused-not-utf8.json"] = b'{"kind":"get-fail","key":"b/\xff*"}'
    return out


def run_generator(binary, tmp):
    """Replays random build plans through roundtrip; returns {reason: [(obj, plan)]}."""
    rng = random.Random(20261124)
    emit = os.path.join(tmp, "emit")
    os.makedirs(emit)
    by_reason = {}
    env = dict(os.environ, LHV1_FUZZ_EMIT_DIR=emit)
    for i in range(1500):
        plan = bytes(rng.getrandbits(8) for _ in range(rng.randint(8, 96)))
        path = os.path.join(tmp, "plan")
        with open(path, "wb") as f:
            f.write(plan)
        subprocess.run([binary, path], env=env, check=True, stderr=subprocess.DEVNULL)
        for name in os.listdir(emit):
            with open(os.path.join(emit, name), "rb") as f:
                obj = f.read()
            os.remove(os.path.join(emit, name))
            reason = name.rsplit("-", 1)[0]
            by_reason.setdefault(reason, []).append((obj, plan))
    for reason in by_reason:
        by_reason[reason].sort(key=lambda p: (len(p[0]), p[0]))
        seen, keep = set(), []
        for obj, plan in by_reason[reason]:
            if obj not in seen:
                seen.add(obj)
                keep.append((obj, plan))
        # The smallest (fast to mutate) and a spread of larger ones (more
        # layers, nodes and neighbours to reach deep states).
        picks = {0, 1, len(keep) // 2, (len(keep) * 4) // 5, len(keep) - 1}
        by_reason[reason] = [keep[i] for i in sorted(picks) if i < len(keep)]
    return by_reason


def main():
    root, binary = sys.argv[1], os.path.abspath(sys.argv[2])
    corpus = os.path.join(root, "corpus")
    seeds = {t: {} for t in TARGETS}

    def add_object(tag, obj):
        if len(obj) > MAX_SEED:
            return
        seeds["load"][f"{tag}-{sha8(obj)}.lhv1"] = obj
        seeds["unframe"][f"{tag}-{sha8(obj)}.lhv1"] = obj
        parts = unframe(obj)
        if parts:
            seeds["envelope"][f"{tag}-{sha8(parts[0])}.json"] = parts[0]
            seeds["graph"][f"{tag}-{sha8(parts[1])}.bin"] = parts[1]

    goldens = sorted(glob.glob(os.path.join(root, "golden", "*.lhv1")) +
                     glob.glob(os.path.join(root, "golden", "objects", "*.lhv1")))
    for path in goldens:
        with open(path, "rb") as f:
            add_object("golden-" + os.path.splitext(os.path.basename(path))[0], f.read())

    with tempfile.TemporaryDirectory() as tmp:
        by_reason = run_generator(binary, tmp)
    valid = by_reason.get("none", [])
    if not valid:
        sys.exit("make_seeds: the generator built no valid object")
    for reason, pairs in sorted(by_reason.items()):
        for obj, plan in pairs:
            add_object("gen-" + reason, obj)
            seeds["roundtrip"][f"gen-{reason}-{sha8(plan)}.plan"] = plan
    # Derive invalid objects from a small valid one with at least one node.
    nonempty = [o for o, _ in valid if b'"count":0' not in o]
    base = nonempty[len(nonempty) // 2] if nonempty else valid[0][0]
    for name, obj in derived(base).items():
        add_object("gen-bad-" + name, obj)

    rng = random.Random(4)
    for i in range(24):
        script = bytes(rng.getrandbits(8) for _ in range(rng.randint(16, 160)))
        seeds["persistor"][f"gen-ops-{i:02d}-{sha8(script)}.bin"] = script

    seeds["fault_rules"] = fault_rule_seeds(root)

    for target in TARGETS:
        d = os.path.join(corpus, target)
        os.makedirs(d, exist_ok=True)
        for old in glob.glob(os.path.join(d, "gen-*")) + glob.glob(os.path.join(d, "golden-*")):
            os.remove(old)
        for name, data in sorted(seeds[target].items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        os.makedirs(os.path.join(corpus, "regressions", target), exist_ok=True)
        print(f"make_seeds: corpus/{target}: {len(seeds[target])} seeds")
    print(f"make_seeds: {len(goldens)} golden(s), {len(by_reason)} reason codes from the generator")


if __name__ == "__main__":
    main()
