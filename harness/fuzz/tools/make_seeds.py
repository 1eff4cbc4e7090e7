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
  5. s3_listing: ListObjectsV2 pages as S3, MinIO and lhv1 serve write them,
     and the shapes the client's parser refuses (listing_pages below).
  6. sigv4, aws_chunked: lhv1 serve's parsers (serve_seeds.py).
  7. fault_rules: `lhv1 serve` fault rules, one of each kind (of the one
     table of kinds, src/testing/fault_kinds.json) with the fields it takes,
     the plan of docs/FAULTS.md, the wrapper and list forms, and rules the
     parser must refuse (unknown, duplicate and mistyped fields, a field the
     kind does not take, values out of range).
  8. testee_wire: testee protocol messages, answers and requests, built
     from the small goldens and their dumps (wire_messages below).

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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_seeds  # noqa: E402

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


S3_NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def listing_pages():
    """ListObjectsV2 pages (and an error document) for the s3_listing target."""
    def page(body, root="ListBucketResult", ns=S3_NS, decl=True):
        head = '<?xml version="1.0" encoding="UTF-8"?>\n' if decl else ""
        return (f"{head}<{root} {ns}>{body}</{root}>").encode()

    def contents(key, size=10):
        return (f"<Contents><Key>{key}</Key><LastModified>2024-05-01T12:00:00.000Z"
                f"</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>"
                f"<Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents>")

    url = "<EncodingType>url</EncodingType>"
    pages = {
        "aws-truncated": page("<Name>b</Name><Prefix>_vectors%2F</Prefix><KeyCount>3</KeyCount>"
                              "<MaxKeys>3</MaxKeys>" + url + "<IsTruncated>true</IsTruncated>" +
                              contents("_vectors/alpha.lhv1") + contents("_vectors/beta+gamma.lhv1") +
                              contents("_vectors/%E2%82%AC.lhv1") +
                              "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="
                              "</NextContinuationToken>"),
        "aws-last": page("<Name>b</Name><Prefix>_vectors%2F</Prefix><KeyCount>2</KeyCount>" + url +
                         "<ContinuationToken>abc</ContinuationToken><IsTruncated>false</IsTruncated>" +
                         contents("_vectors/x.lhv1") + contents("_vectors/y.lhv1")),
        "minio": page("<Name>b</Name><Prefix>_vectors/</Prefix><StartAfter></StartAfter><KeyCount>1"
                      "</KeyCount><MaxKeys>1000</MaxKeys><Delimiter></Delimiter><IsTruncated>false"
                      "</IsTruncated>" + contents("_vectors/one.lhv1") + url),
        "lhv1-serve": page("<Name>b</Name><Prefix>_vectors%2F</Prefix><MaxKeys>1000</MaxKeys>" + url +
                           "<KeyCount>1</KeyCount><IsTruncated>true</IsTruncated>" +
                           contents("_vectors/p0000") +
                           "<NextContinuationToken>X3ZlY3RvcnMvcDAwMDA=</NextContinuationToken>"),
        "raw-entities": page("<IsTruncated>false</IsTruncated>" + contents("_vectors/a&amp;b&#x9;&lt;.lhv1") +
                             "<Contents><Key><![CDATA[_vectors/c<d>.lhv1]]></Key></Contents>"),
        "prefixed": page("<s3:IsTruncated>false</s3:IsTruncated><s3:Contents><s3:Key>k</s3:Key>"
                         "</s3:Contents>", root="s3:ListBucketResult",
                         ns='xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"'),
        "no-namespace": page("<IsTruncated>false</IsTruncated>" + contents("k"), ns="", decl=False),
        "empty-truncated": page("<KeyCount>0</KeyCount><IsTruncated>true</IsTruncated>"
                                "<NextContinuationToken>t1</NextContinuationToken>"),
        "odd-keys": page(url + "<IsTruncated>false</IsTruncated>" + contents("_vectors/a%00b.lhv1") +
                         contents("secrets/x.lhv1") + contents("_vectors/%FF%1B%5B2J.lhv1") +
                         contents("_vectors/a+b%2Bc.lhv1")),
        "bad-escape": page(url + "<IsTruncated>false</IsTruncated>" + contents("a%4") + contents("a%zz")),
        "common-prefixes": page("<Delimiter>/</Delimiter>" + url + "<IsTruncated>false</IsTruncated>" +
                                "<CommonPrefixes><Prefix>_vectors/sub/</Prefix></CommonPrefixes>" +
                                contents("_vectors/top.lhv1")),
        "owner-key": page("<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Owner><ID>i</ID>"
                          "<Key>not-a-key</Key></Owner></Contents>"),
        "contents-without-key": page("<IsTruncated>false</IsTruncated><Contents><Size>1</Size></Contents>"),
        "contents-two-keys": page("<IsTruncated>false</IsTruncated><Contents><Key>a</Key><Key>b</Key>"
                                  "</Contents>"),
        "twice": page("<IsTruncated>true</IsTruncated><IsTruncated>false</IsTruncated>"
                      "<NextContinuationToken>a</NextContinuationToken>"
                      "<NextContinuationToken>b</NextContinuationToken>"),
        "no-token": page("<IsTruncated>true</IsTruncated>" + contents("a")),
        "long-key": page("<IsTruncated>false</IsTruncated>" + contents("_vectors/" + "k" * 3000)),
        "doctype": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaa"><!ENTITY b '
                   b'"&a;&a;&a;&a;&a;&a;&a;&a;">]><ListBucketResult><IsTruncated>false</IsTruncated>'
                   b'<Contents><Key>&b;</Key></Contents></ListBucketResult>',
        "cut": page("<IsTruncated>false</IsTruncated>" + contents("a"))[:90],
        "latin1": ('<?xml version="1.0" encoding="ISO-8859-1"?><ListBucketResult>'
                   '<IsTruncated>false</IsTruncated><Contents><Key>caf\xe9</Key></Contents>'
                   '</ListBucketResult>').encode("latin-1"),
        "utf16": ('<?xml version="1.0" encoding="UTF-16"?><ListBucketResult><IsTruncated>false'
                  '</IsTruncated><Contents><Key>k</Key></Contents></ListBucketResult>').encode("utf-16"),
        "error-nosuchkey": b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
                           b'<Message>The specified key does not exist.</Message><Key>_vectors/x.lhv1'
                           b'</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>',
    }
    return pages


def fault_kinds(root):
    """The fault kinds: (name, the fields of its own it takes)."""
    with open(os.path.join(root, "src", "testing", "fault_kinds.json")) as f:
        table = json.load(f)
    kinds = [(k["name"], k["takes"]) for k in table["kinds"] if k["name"] != "none"]
    if len(kinds) < 10:
        sys.exit("make_seeds: fewer fault kinds than expected in fault_kinds.json")
    return kinds


def fault_rule_seeds(root):
    """Rule documents for the fault_rules target, named by what they hold."""
    kinds = fault_kinds(root)
    params = {"cut": 20, "reply": 200, "bit": 100, "lag": 1, "delay_ms": 10, "retry_after": 2,
              "done": True, "code": "NoSuchBucket"}
    rules = [dict({"kind": k, "key": "*/_vectors/*", "nth": i % 3}, **{t: params[t] for t in takes})
             for i, (k, takes) in enumerate(kinds)]
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
        "field-not-taken": {"kind": "put-lost", "cut": 3},
        "place-in-rule": {"kind": "put-torn-prefix", "cut": "layer0.node3"},
        "http-field-not-taken": {"kind": "http-slowdown", "code": "NoSuchBucket"},
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


def wire_messages(root):
    """Testee protocol messages (docs/CONFORMANCE.md) for testee_wire: hello,
    load, save and use requests and answers, over the smallest goldens."""
    import base64
    msgs = {}

    def put(name, obj):
        msgs[name] = json.dumps(obj, separators=(",", ":")).encode()

    put("hello-req", {"op": "hello", "protocol": 1})
    put("hello-ans", {"protocol": 1, "testee": "go-reference", "version": "go1.26.8",
                      "capabilities": ["load", "save", "use", "lhv2"]})
    put("hello-reader-only", {"protocol": 1, "testee": "python", "version": "3.11",
                              "capabilities": ["load"]})
    put("unsupported", {"outcome": "unsupported"})
    put("error", {"outcome": "error", "message": "decode envelope: unknown distance \"dot\""})
    put("panic", {"outcome": "panic", "message": "runtime error: makeslice: len out of range"})
    small = []
    for path in sorted(glob.glob(os.path.join(root, "golden", "objects", "y_*.lhv1"))):
        stem = os.path.splitext(os.path.basename(path))[0]
        dump = os.path.join(root, "golden", "expected", stem + ".dump")
        if os.path.getsize(path) <= 1200 and os.path.exists(dump):
            small.append((stem, open(path, "rb").read(), open(dump).read()))
    for stem, obj, dump in small[:6]:
        name = stem[2:]
        b64 = base64.b64encode(obj).decode()
        put("load-req-" + stem, {"op": "load", "name": name, "object": b64})
        put("load-ans-" + stem, {"outcome": "ok", "dump": dump})
        put("save-req-" + stem, {"op": "save", "name": name, "dump": dump})
        put("save-ans-" + stem, {"outcome": "ok", "object": b64})
    put("load-ans-no-dump", {"outcome": "ok", "dump": None})
    vec = struct.pack("<4f", 0.5, -1.0, 0.0, 2.5).hex()
    put("use-req", {"op": "use", "queries": [{"vector": vec, "k": 3}, {"vector": vec, "k": 1}],
                    "add": {"key": "lhv1-conform-added", "vector": vec}})
    put("use-req-hex-key", {"op": "use", "queries": [], "add": {"key": {"hex": "ff00fe"}, "vector": vec}})
    put("use-ans", {"outcome": "ok", "results": [["a", "b\u0000c", {"hex": "ff"}], []],
                    "added": True, "count": 5})
    put("use-ans-no-count", {"outcome": "ok", "results": [["x"]]})
    return msgs


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

    for name, data in sorted(listing_pages().items()):
        seeds["s3_listing"][f"gen-listing-{name}-{sha8(data)}.xml"] = data
    seeds["sigv4"].update(serve_seeds.sigv4_seeds())
    seeds["aws_chunked"].update(serve_seeds.aws_chunked_seeds())
    seeds["fault_rules"] = fault_rule_seeds(root)

    for name, data in sorted(wire_messages(root).items()):
        seeds["testee_wire"][f"gen-wire-{name}-{sha8(data)}.json"] = data

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
