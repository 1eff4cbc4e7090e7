#!/usr/bin/env python3
"""Do the C plan reader, Go's and lhv1 serve refuse the same faults in the
same words?

  compare_refusals.py CASES PLAN_LINES_TOOL LHV1 GO GO_MODULE_DIR OUT_DIR

CASES (refusals.txt) holds plan lines. Each is read by the C reader
(PLAN_LINES_TOOL, lhv1_fault_parse) and by Go's (lhv1test.ParseFault, `go
test -run TestPlanLinesFromFile`), and, written as a JSON rule, POSTed to a
`lhv1 serve` child's admin API. A case passes when all three refuse it with
the same reason, or all accept it, the two readers write the fault back
alike and the server lists the rule exactly as it was sent. "plan-only:"
cases compare the two readers only. Writes OUT_DIR/fault_refusals.md and
.json; exit 1 on any difference.
"""
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from markdown_cell import md_code, md_text  # noqa: E402


def read_cases(path):
    cases = []
    for line in open(path).read().split("\n"):
        if line.startswith("#") or (not line.strip() and not line.startswith("plan-only:")):
            continue
        if line.startswith("plan-only:"):
            cases.append((line[len("plan-only:"):].strip(), True))
        else:
            cases.append((line, False))
    return cases


def json_value(text):
    """A plan value as the JSON a client would write for it."""
    if text in ("true", "false"):
        return text
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        return text
    return json.dumps(text)


def rule_text(line):
    """The plan line as a JSON rule, members in the line's order (written
    by hand: a member may be given twice)."""
    words = line.split()
    members = [f'"kind":{json.dumps(words[0])}']
    for w in words[1:]:
        if w == "persistent":
            members.append('"persistent":true')
        else:
            name, value = w.split("=", 1)
            members.append(f"{json.dumps(name)}:{json_value(value)}")
    return "{" + ",".join(members) + "}"


class Server:
    def __init__(self, lhv1):
        self.proc = subprocess.Popen([lhv1, "serve", "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://\S+)", line)
        if not m:
            self.stop()
            sys.exit(f"lhv1 serve did not start: {line!r}")
        self.url = m.group(1)

    def call(self, method, path, body=None):
        req = urllib.request.Request(self.url + path, method=method,
                                     data=body.encode() if body is not None else None)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def answer(self, rule):
        """('ok', listed rule) or ('refused', reason)."""
        status, body = self.call("POST", "/_lhv1/rules", rule)
        if status == 400:
            err = ET.fromstring(body)
            if err.findtext("Code") != "InvalidRule":
                return "error", body
            return "refused", err.findtext("Message")
        if status != 200:
            return "error", f"{status} {body}"
        status, listed = self.call("GET", "/_lhv1/rules")
        self.call("DELETE", "/_lhv1/rules")
        return "ok", listed

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def as_written(rule, listed):
    """Whether the server lists the rule with exactly its members, in order."""
    rules = json.loads(listed)
    if len(rules) != 1:
        return False
    got = list(rules[0].items())
    if [k for k, _ in got[:1]] != ["id"] or [k for k, _ in got[-2:]] != ["matches", "fired"]:
        return False
    return got[1:-2] == list(json.loads(rule).items())


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    cases_path, tool, lhv1, go, go_dir, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    cases = read_cases(cases_path)
    lines_path = os.path.join(out, "plan-lines.txt")
    with open(lines_path, "w") as f:
        f.write("".join(line + "\n" for line, _ in cases))
    c = subprocess.run([tool], stdin=open(lines_path), capture_output=True, text=True, check=True)
    c_answers = c.stdout.split("\n")[:-1]
    go_path = os.path.join(out, "go-answers.txt")
    subprocess.run([go, "test", "-count=1", "-run", "^TestPlanLinesFromFile$", ".", "-args",
                    "-plan-lines", lines_path, "-plan-answers", go_path],
                   cwd=go_dir, check=True, stdout=subprocess.DEVNULL)
    go_answers = open(go_path).read().split("\n")[:-1]
    if len(c_answers) != len(cases) or len(go_answers) != len(cases):
        sys.exit(f"answers: C {len(c_answers)}, Go {len(go_answers)}, cases {len(cases)}")

    server = Server(lhv1)
    rows, failed = [], 0
    try:
        for i, (line, plan_only) in enumerate(cases):
            row = {"line": line, "c": c_answers[i], "go": go_answers[i]}
            ok = row["c"] == row["go"]
            if not plan_only:
                rule = rule_text(line)
                kind, what = server.answer(rule)
                row["rule"] = rule
                if kind == "refused":
                    row["serve"] = "refused " + what
                    ok = ok and row["serve"] == row["c"]
                elif kind == "ok":
                    row["serve"] = "ok, listed as written" if as_written(rule, what) \
                        else "ok, listed otherwise: " + what.strip()
                    ok = ok and row["c"].startswith("ok ") and row["serve"] == "ok, listed as written"
                else:
                    row["serve"] = what
                    ok = False
            row["pass"] = ok
            failed += not ok
            rows.append(row)
            print(f"{'ok  ' if ok else 'FAIL'} {line!r}: C {row['c']!r}"
                  + ("" if ok else f"; Go {row['go']!r}; serve {row.get('serve')!r}"))
    finally:
        server.stop()

    with open(os.path.join(out, "fault_refusals.json"), "w") as f:
        json.dump(rows, f, indent=1)
    with open(os.path.join(out, "fault_refusals.md"), "w") as f:
        f.write("| plan line | C plan reader | Go plan reader | lhv1 serve rule | |\n"
                "| --- | --- | --- | --- | --- |\n")
        for r in rows:
            cell = lambda s: md_text(s) if s else "—"
            f.write(f"| `{md_code(r['line']) or '—'}` | {cell(r['c'])} | {cell(r['go'])} | "
                    f"{cell(r.get('serve'))} | {'ok' if r['pass'] else 'FAIL'} |\n")
    refused = sum(r["c"].startswith("refused") for r in rows)
    print(f"fault_refusals: {len(rows)} cases ({refused} refused), "
          f"{sum(1 for r in rows if 'serve' in r)} also as rules; {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
