#!/usr/bin/env python3
"""Writes the hand-made inputs of the planted bugs (harness/planted/bugs.tsv),
one whole LHV1 object each: the smallest object that reaches the planted
line and, with the bug in, crashes the `load` fuzz target. Run it again
after changing an input here; ci/planted-bugs checks every input on the
unpatched library (no crash) and the patched one (a crash)."""
import json
import os
import struct
import sys


def varint(v):
    u = (v << 1) ^ (v >> 63)  # zigzag, as Go's binary.PutVarint
    out = b""
    while u >= 0x80:
        out += bytes([u & 0x7F | 0x80])
        u >>= 7
    return out + bytes([u])


def string(s):
    return varint(len(s)) + s


def header(distance=b"cosine", m=4, ef=20, layers=1):
    return varint(1) + varint(m) + struct.pack("<d", 0.25) + varint(ef) + string(distance) + varint(layers)


def node(key, vec, neighbours):
    out = string(key) + varint(len(vec)) + struct.pack(f"<{len(vec)}f", *vec) + varint(len(neighbours))
    return out + b"".join(string(n) for n in neighbours)


def envelope(m=4, ef=20, count=2, dim=2, metadata=None, raw_m=None):
    params = '{"name":"planted","dimension":%d,"distance":"cosine","m":%s,"ef_search":%d}' % (
        dim, raw_m if raw_m else str(m), ef)
    text = '{"version":1,"params":%s,"count":%d' % (params, count)
    if metadata is not None:
        text += ',"metadata":' + json.dumps(metadata, separators=(",", ":"))
    return (text + "}").encode()


def frame(env, graph):
    return b"LHV1" + struct.pack(">I", len(env)) + env + graph


A, B = b"a", b"b"
two_nodes = header() + varint(2) + node(A, [1, 0], [B]) + node(B, [0, 1], [A])
long_key = b"k" * 40
INPUTS = {
    # envelope_len 4 with 2 bytes after the header: within the body, past its end.
    "frame-length-vs-body": b"LHV1\x00\x00\x00\x04{}",
    # m written with 26 characters (an integer to JSON: 1.0000...).
    "envelope-int-literal-buffer": frame(envelope(raw_m="1.000000000000000000000000"), two_nodes),
    # A graph distance name of 18 bytes.
    "graph-distance-name-buffer": frame(envelope(), header(distance=b"cosinecosinecosine") + varint(0)),
    # Node a's neighbour key claims 2 bytes where 1 is left; node b follows.
    "graph-neighbour-key-bound": frame(envelope(), header() + varint(2) + string(A) + varint(2)
                                       + struct.pack("<2f", 1, 0) + varint(1) + b"\x04b"),
    # A valid object (ok) whose metadata names a node with a 40-byte key.
    "cross-metadata-key-buffer": frame(
        envelope(metadata={long_key.decode(): {"i": 1}}),
        header() + varint(2) + node(long_key, [1, 0], [B]) + node(B, [0, 1], [long_key])),
}

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "inputs")
    for name, data in INPUTS.items():
        with open(os.path.join(out, name + ".lhv1"), "wb") as f:
            f.write(data)
