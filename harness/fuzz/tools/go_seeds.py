#!/usr/bin/env python3
"""The Go fuzz tests' seed corpus, kept in step with corpus/.

  go_seeds.py list ROOT     the fuzz tests golden/gen/loadpath/fuzz_test.go declares
  go_seeds.py seed ROOT     write golden/gen/loadpath/testdata/fuzz/<Fuzz>/corpus-<name>
                            for every file of corpus/load/ and corpus/regressions/load/
                            ("go test fuzz v1" format), replacing older seeds
  go_seeds.py import ROOT   every other file there is a finding of `go test -fuzz`:
                            write its bytes to corpus/regressions/load/go-<Fuzz>-<name>.lhv1
                            and remove it; prints what it imported

testdata/fuzz/ is derived (git-ignored): corpus/ stays the one source.
"""
import os
import re
import sys

FUZZ_SOURCE = "golden/gen/loadpath/fuzz_test.go"
SOURCES = ("corpus/load", "corpus/regressions/load")
TESTDATA = "golden/gen/loadpath/testdata/fuzz"
PREFIX = "corpus-"


def encode(data):
    """One []byte value as Go's fuzz encoder writes it, every byte outside
    printable ASCII (and the quote and backslash) as \\xNN."""
    out = []
    for b in data:
        c = chr(b)
        out.append("\\" + c if c in '"\\' else c if 0x20 <= b < 0x7F else "\\x%02x" % b)
    return 'go test fuzz v1\n[]byte("%s")\n' % "".join(out)


ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34, "'": 39}


def decode(text, path):
    """The []byte of a "go test fuzz v1" file of one []byte argument (Go
    string-literal escapes: \\xNN, octal, \\u, \\U, the single letters)."""
    lines = text.strip("\n").split("\n")
    if lines[0] != "go test fuzz v1" or len(lines) != 2:
        sys.exit("%s: not a one-argument go test fuzz v1 file" % path)
    lit = lines[1]
    if not (lit.startswith('[]byte("') and lit.endswith('")')):
        sys.exit("%s: not a []byte literal" % path)
    s, out, i = lit[len('[]byte("'):-2], bytearray(), 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = s[i + 1]
        if e in ESC:
            out.append(ESC[e])
            i += 2
        elif e == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif e in "01234567":
            out.append(int(s[i + 1:i + 4], 8))
            i += 4
        elif e in "uU":
            n = 4 if e == "u" else 8
            out += chr(int(s[i + 2:i + 2 + n], 16)).encode("utf-8")
            i += 2 + n
        else:
            sys.exit("%s: unknown escape \\%s" % (path, e))
    return bytes(out)


def fuzz_tests(root):
    """The Fuzz functions of the Go fuzz tests' source, in source order."""
    with open(os.path.join(root, FUZZ_SOURCE)) as fh:
        return re.findall(r"^func (Fuzz\w+)\(f \*testing\.F\)", fh.read(), re.M)


def list_tests(root):
    print("\n".join(fuzz_tests(root)))


def seed(root):
    n = 0
    FUZZ_TESTS = fuzz_tests(root)
    for test in FUZZ_TESTS:
        d = os.path.join(root, TESTDATA, test)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.startswith(PREFIX):
                os.remove(os.path.join(d, f))
        for src in SOURCES:
            sd = os.path.join(root, src)
            for f in sorted(os.listdir(sd)):
                p = os.path.join(sd, f)
                if f.startswith(".") or f.startswith("README") or not os.path.isfile(p):
                    continue
                with open(p, "rb") as fh:
                    data = fh.read()
                tag = "regression-" if "regressions" in src else ""
                with open(os.path.join(d, PREFIX + tag + f), "w") as fh:
                    fh.write(encode(data))
                n += 1
    print("go_seeds: %d seeds for each of %s (%s/)" % (n // len(FUZZ_TESTS), ", ".join(FUZZ_TESTS), TESTDATA))


def import_findings(root):
    dest = os.path.join(root, "corpus/regressions/load")
    found = 0
    for test in fuzz_tests(root):
        d = os.path.join(root, TESTDATA, test)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if f.startswith(PREFIX) or f.startswith("."):
                continue
            p = os.path.join(d, f)
            with open(p) as fh:
                data = decode(fh.read(), p)
            out = os.path.join(dest, "go-%s-%s.lhv1" % (test, f[:16]))
            with open(out, "wb") as fh:
                fh.write(data)
            os.remove(p)
            print("go_seeds: %s/%s -> %s" % (test, f, os.path.relpath(out, root)))
            found += 1
    print("go_seeds: %d finding(s) imported" % found)


if __name__ == "__main__":
    cmds = {"list": list_tests, "seed": seed, "import": import_findings}
    if len(sys.argv) != 3 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](os.path.abspath(sys.argv[2]))
