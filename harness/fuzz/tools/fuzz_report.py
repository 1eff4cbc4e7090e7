#!/usr/bin/env python3
"""Reports for ci/fuzz: engine statistics, crash signatures, run summaries.

  fuzz_report.py stats ENGINE TARGET SECONDS LOG AFL_STATS_OR_- NEW_UNITS SEEDS CRASH_DIR OUT_JSON
  fuzz_report.py signature REPORT            -> "<12-hex> <one-line title>"
  fuzz_report.py go-deadline-race LOG SECONDS GO_VERSION
      exit 0 when a Go fuzz run's only failure is the coordinator race of
      golang/go#75804 (below), 1 otherwise
  fuzz_report.py summary OUT_DIR [--require-execs] STATS_JSON...
      reads the stats of this run, writes OUT_DIR/summary.json
      and OUT_DIR/summary.md, prints the Markdown; exit 1 on a crash, or
      (with --require-execs) on a target that executed nothing.
  fuzz_report.py speed OUT_DIR [BEFORE_SPEED_JSON]
      the throughput table of a `ci/fuzz --speed` run, from its
      summary.json: OUT_DIR/speed.json and OUT_DIR/speed.md (with the
      figures of an earlier speed.json beside them when given).
"""
import hashlib
import json
import os
import re
import sys
import time


def libfuzzer_stats(log):
    s = {"execs": 0, "exec_per_sec": 0.0, "coverage": {}}
    last = None
    for line in open(log, errors="replace"):
        m = re.match(r"stat::number_of_executed_units:\s*(\d+)", line)
        if m:
            s["execs"] = int(m.group(1))
        m = re.match(r"stat::average_exec_per_sec:\s*(\d+)", line)
        if m:
            s["exec_per_sec"] = float(m.group(1))
        m = re.match(r"stat::peak_rss_mb:\s*(\d+)", line)
        if m:
            s["peak_rss_mb"] = int(m.group(1))
        if re.match(r"#\d+\s", line) and " cov: " in line:
            last = line
    if last:
        # "#N DONE cov: C ft: F corp: U/S ..." : the last status line.
        for key, name in (("cov", "edges"), ("ft", "features")):
            m = re.search(rf"\b{key}: (\d+)", last)
            if m:
                s["coverage"][name] = int(m.group(1))
        if not s["execs"]:
            s["execs"] = int(re.match(r"#(\d+)", last).group(1))
    return s


def afl_stats(path):
    kv = {}
    if os.path.exists(path):
        for line in open(path):
            if ":" in line:
                k, v = line.split(":", 1)
                kv[k.strip()] = v.strip()
    def num(k, f=int):
        try:
            return f(kv.get(k, "0").rstrip("%"))
        except ValueError:
            return 0
    return {
        "execs": num("execs_done"),
        "exec_per_sec": num("execs_per_sec", float),
        "coverage": {"edges": num("edges_found"), "total_edges": num("total_edges"),
                     "bitmap_percent": num("bitmap_cvg", float)},
    }


def go_stats(log):
    """go test -fuzz: its last "fuzz: elapsed: ..., execs: N (R/sec), new
    interesting: K (total: T)" line (or, when the box ended while Go still
    ran the seeds, how many it ran); coverage is the corpus it kept."""
    s = {"execs": 0, "exec_per_sec": 0.0, "coverage": {}}
    if os.path.exists(log):
        for line in open(log, errors="replace"):
            # The seeds run first ("gathering baseline coverage: N/M").
            m = re.search(r"fuzz: elapsed: (\d+)s, gathering baseline coverage: (\d+)/", line)
            if m and not s["coverage"]:
                s["execs"] = int(m.group(2))
                s["exec_per_sec"] = float(m.group(2)) / max(int(m.group(1)), 1)
            m = re.search(r"fuzz: elapsed: (\d+)s, execs: (\d+) \((\d+)/sec\), "
                          r"new interesting: (\d+) \(total: (\d+)\)", line)
            if m:
                s["execs"] = int(m.group(2))
                s["exec_per_sec"] = float(m.group(2)) / max(int(m.group(1)), 1)
                s["coverage"] = {"new": int(m.group(4)), "interesting": int(m.group(5))}
    return s


GO_STATS = re.compile(r"fuzz: elapsed: (\d+)s, execs: (\d+) ")
GO_BASELINE = re.compile(r"fuzz: elapsed: \d+s, (?:gathering baseline coverage|testing seed corpus): (\d+)/")
# The first line Go prints about a failure: it found one and minimizes it,
# a seed failed, or the test failed without either.
GO_FAILURE = re.compile(r"^(fuzz: minimizing |failure while testing seed corpus entry: |--- FAIL: )")


def go_first_crash(log):
    """When Go first reported a failure (log.times: the arrival of each line,
    seconds since the fuzzing started) and its count of executions then:
    the last it printed before (every 3 s), so at most that many."""
    times = os.path.join(os.path.dirname(log), "log.times")
    if not (os.path.exists(log) and os.path.exists(times)):
        return None
    execs = 0
    for line, t in zip(open(log, errors="replace"), open(times)):
        m = GO_STATS.search(line) or GO_BASELINE.search(line)
        if m:
            execs = int(m.group(m.lastindex))
        if GO_FAILURE.match(line):
            return {"seconds": round(float(t), 3), "execs": execs, "execs_exact": False}
    return None


def libfuzzer_first_crash(w, execs):
    """The first artifact libFuzzer wrote (it stops there): its time since
    the engine started; execs are libFuzzer's own final count, printed
    when it dies."""
    raw = os.path.join(w, "raw-crashes")
    start = read_float(os.path.join(w, "start_time"))
    files = [os.path.join(raw, f) for f in os.listdir(raw)] if os.path.isdir(raw) else []
    if start is None or not files:
        return None
    first = min(os.path.getmtime(f) for f in files)
    return {"seconds": round(max(first - start, 0.0), 3), "execs": execs, "execs_exact": True}


AFL_CRASH = re.compile(r"^id:(\d+),.*\btime:(\d+),execs:(\d+)")


def afl_first_crash(w):
    """AFL++ names each crash with its time (ms since the start) and its
    count of executions then; id:000000 is the first."""
    d = os.path.join(w, "afl", "main", "crashes")
    found = sorted((int(m.group(1)), int(m.group(2)), int(m.group(3)))
                   for m in map(AFL_CRASH.match, os.listdir(d) if os.path.isdir(d) else []) if m)
    if not found:
        return None
    _, ms, execs = found[0]
    return {"seconds": round(ms / 1000, 3), "execs": execs, "execs_exact": True}


def read_float(path):
    try:
        return float(open(path).read().strip())
    except (OSError, ValueError):
        return None


def cmd_stats(a):
    engine, target, seconds, log, afl, new_units, seeds, crashes, out = a
    s = {"libfuzzer": libfuzzer_stats, "go": go_stats}.get(engine, lambda _: afl_stats(afl))(log)
    s.update(engine=engine, target=target, seconds=int(seconds),
             corpus_seeds=int(seeds), corpus_new=int(new_units))
    found = []
    if os.path.isdir(crashes):
        for d in sorted(os.listdir(crashes)):
            meta = os.path.join(crashes, d, "signature.txt")
            if os.path.exists(meta):
                sig, _, title = open(meta).read().strip().partition(" ")
                cnt = os.path.join(crashes, d, "count")
                found.append({"signature": sig, "title": title,
                              "dir": os.path.join(crashes, d),
                              "inputs": int(open(cnt).read()) if os.path.exists(cnt) else 1})
    s["crashes"] = found
    w = os.path.dirname(log)
    start, end = (read_float(os.path.join(w, f)) for f in ("start_time", "end_time"))
    if start is not None and end is not None:
        s["ran_seconds"] = round(end - start, 1)
    first = None
    if found:
        first = {"libfuzzer": lambda: libfuzzer_first_crash(w, s["execs"]),
                 "afl": lambda: afl_first_crash(w),
                 "go": lambda: go_first_crash(log)}[engine]()
    s["first_crash"] = first
    if first and engine != "afl" and first["seconds"] > 0:
        # libFuzzer and Go stop at the first crash: the rate is up to it
        # (libFuzzer's own is whole seconds, 0 before the first).
        s["exec_per_sec"] = round(first["execs"] / first["seconds"], 1)
    rc_file = os.path.join(w, "engine_rc")
    s["engine_rc"] = int(open(rc_file).read()) if os.path.exists(rc_file) else 0
    # ci/fuzz's `times` before and after the engine ran, and /proc/loadavg.
    cpu = [read_times(os.path.join(w, f)) for f in ("cpu_start", "cpu_end")]
    if None not in cpu:
        s["cpu_seconds"] = round(cpu[1] - cpu[0], 2)
        if s["cpu_seconds"] > 0:
            s["execs_per_cpu_second"] = round(s["execs"] / s["cpu_seconds"])
    for f in ("loadavg_start", "loadavg_end"):
        if os.path.exists(os.path.join(w, f)):
            s[f] = [float(x) for x in open(os.path.join(w, f)).read().split()]
    with open(out, "w") as f:
        json.dump(s, f, indent=1)


def read_times(path):
    """CPU seconds of the children in the output of bash's `times` (second
    line: "0m1.25s 0m0.10s", user and system), or None."""
    lines = open(path).read().splitlines() if os.path.exists(path) else []
    if len(lines) < 2:
        return None
    parts = re.findall(r"(\d+)m([\d.]+)s", lines[1])
    return sum(int(m) * 60 + float(sec) for m, sec in parts) if parts else None


# Functions that say nothing about where the bug is.
NOISE_FUNC = re.compile(r"^(__sanitizer|__asan|__ubsan|__interceptor|__lsan|fuzzer::|"
                        r"LLVMFuzzerRunDriver|ExecuteFilesOnyByOne|__libc_start|_start$|"
                        r"abort$|raise$|__GI_|fuzz_fail$|main$|malloc$|calloc$|realloc$|"
                        r"free$|operator)")
NOISE_FILE = re.compile(r"\(/(usr/)?lib/|compiler-rt|sanitizer_common")


def first_stack(text):
    """Function names of the first stack in a report, noise removed."""
    frames, started = [], False
    for line in text.splitlines():
        f = re.match(r"\s*#\d+ 0x[0-9a-f]+ in (\S+)", line)
        if not f:
            if started:
                break
            continue
        started = True
        if not NOISE_FUNC.search(f.group(1)) and not NOISE_FILE.search(line):
            frames.append(f.group(1))
    return frames


def go_deadline_race(lines, seconds, version):
    """Whether a failed Go fuzz run failed only by the coordinator race of
    golang/go#75804 (Go before 1.27): the -fuzztime deadline, seen before it
    reached the workers' context, returned as the run's error. Then the
    output is Go's progress lines and nothing else but
        --- FAIL: FuzzX (T s)
            context deadline exceeded
        FAIL
    with T at least the box: no finding, no failing seed, no other error
    (Go keeps the first error that is not the deadline's)."""
    m = re.match(r"go(\d+)\.(\d+)", version)
    if not m or (int(m.group(1)), int(m.group(2))) >= (1, 27):
        return False
    lines = [l.rstrip("\n") for l in lines if l.strip()]
    if len(lines) < 3 or lines[-2:] != ["    context deadline exceeded", "FAIL"]:
        return False
    fail = re.fullmatch(r"--- FAIL: Fuzz\w+ \((\d+(?:\.\d+)?)s\)", lines[-3])
    if not fail or float(fail.group(1)) < float(seconds):
        return False
    return all(GO_PROGRESS.match(l) for l in lines[:-3])


GO_PROGRESS = re.compile(r"fuzz: elapsed: \d+s, (execs: \d+ \(\d+/sec\)(, new interesting: \d+ "
                         r"\(total: \d+\))?|gathering baseline coverage: \d+/\d+ completed"
                         r"(, now fuzzing with \d+ workers)?|testing seed corpus: \d+/\d+ completed"
                         r"(, now fuzzing with \d+ workers)?)$")


def cmd_go_deadline_race(a):
    log, seconds, version = a
    sys.exit(0 if go_deadline_race(open(log, errors="replace"), seconds, version) else 1)


def cmd_signature(a):
    text = open(a[0], errors="replace").read()
    # An oracle's assertion names its own place: that is the bug's identity.
    m = re.search(r"FUZZ ASSERTION FAILED (\S+:\d+): (.*)", text)
    if m:
        title = f"assertion {os.path.basename(m.group(1).split(':')[0])}:{m.group(1).split(':')[1]}: {m.group(2)[:120]}"
        key = m.group(1).split("/")[-1]
    else:
        kind = re.search(r"SUMMARY: (\w+Sanitizer: [\w-]+|libFuzzer: [\w-]+)", text)
        ub = re.search(r"(\S+\.c:\d+:\d+): runtime error: (.*)", text)
        frames = first_stack(text)[:3]
        what = kind.group(1) if kind else ("UBSan: " + ub.group(2)[:60] if ub else "crash")
        key = what + "|" + "|".join(frames)
        title = what + (" in " + " < ".join(frames) if frames else "")
    print(hashlib.sha1(key.encode()).hexdigest()[:12], title)


def cmd_summary(a):
    out = a[0]
    require = "--require-execs" in a
    rows = [json.load(open(p)) for p in a[1:] if p != "--require-execs"]
    failed = []
    for r in rows:
        if r["crashes"]:
            failed.append(f"{r['engine']}/{r['target']}: {len(r['crashes'])} crash(es)")
        elif r.get("engine_rc", 0) != 0:
            failed.append(f"{r['engine']}/{r['target']}: the engine exited {r['engine_rc']} "
                          "without a crash (see its log.txt)")
        if require and r["execs"] <= 0:
            failed.append(f"{r['engine']}/{r['target']}: executed nothing")
    summary = {"generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "runs": rows, "failures": failed}
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)

    def cov(r):
        c = r["coverage"]
        if r["engine"] == "libfuzzer":
            return f"cov {c.get('edges', 0)}, ft {c.get('features', 0)}"
        if r["engine"] == "go":
            return f"{c.get('interesting', 0)} interesting inputs"
        return f"{c.get('edges', 0)}/{c.get('total_edges', 0)} edges ({c.get('bitmap_percent', 0)}%)"
    def ran(r):
        return f"{r['ran_seconds']:.1f} / {r['seconds']}" if "ran_seconds" in r else f"— / {r['seconds']}"

    def first_crash(r):
        f = r.get("first_crash")
        if not f:
            return "—"
        return f"at {f['seconds']:.1f} s, {'' if f['execs_exact'] else '≥ '}{f['execs']:,} execs"
    md = ["# Fuzzing summary", "",
          "| engine | target | s (ran / box) | execs | exec/s | corpus (seeds + new) | coverage | "
          "first crash | crashes |",
          "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- |"]
    for r in rows:
        crashes = "; ".join(f"`{c['signature']}` {c['title']}" for c in r["crashes"]) or "0"
        md.append(f"| {r['engine']} | {r['target']} | {ran(r)} | {r['execs']:,} | "
                  f"{r['exec_per_sec']:,.0f} | {r['corpus_seeds']} + {r['corpus_new']} | "
                  f"{cov(r)} | {first_crash(r)} | {crashes} |")
    md.append("")
    md.append("libFuzzer and Go stop at the first crash: their execs and exec/s are up to it. "
              "AFL++ fuzzes on to the end of its box and names the time and count of each crash. "
              "Go prints its count every 3 s, so its count at a crash is the last before it (≥).")
    md.append("Coverage is each engine's own measure (libFuzzer: `cov` edges and `ft` features; "
              "AFL++: map edges; go: inputs kept in its cache); compare runs of one engine only. Line and branch coverage of "
              "`src/`: `ci/coverage`.")
    if failed:
        md += ["", "**Failures:**", ""] + [f"- {f}" for f in failed]
    text = "\n".join(md) + "\n"
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text)
    print(text)
    sys.exit(1 if failed else 0)


GOAL = 50000  # exec/s every target should reach (docs/FUZZING.md)


def cmd_speed(a):
    out = a[0]
    summary = json.load(open(os.path.join(out, "summary.json")))
    before = {}
    if len(a) > 1:
        before = {r["target"]: r for r in json.load(open(a[1]))["targets"]}
    rows = []
    for r in summary["runs"]:
        rows.append({k: r.get(k) for k in (
            "target", "seconds", "execs", "exec_per_sec", "cpu_seconds", "execs_per_cpu_second",
            "loadavg_start", "loadavg_end", "peak_rss_mb")})
        rows[-1]["coverage"] = r["coverage"]
    with open(os.path.join(out, "speed.json"), "w") as f:
        json.dump({"generated": summary["generated"], "goal_exec_per_sec": GOAL,
                   "targets": rows}, f, indent=1)

    def n(x):
        return "—" if x is None else f"{x:,.0f}"
    def load(r):
        return " → ".join(f"{x[0]:.1f}" for x in (r.get("loadavg_start"), r.get("loadavg_end")) if x)
    head = "| target | s | execs | exec/s | CPU s | execs / CPU s | load (1 min) | cov / ft |"
    rule = "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
    if before:
        head += " before: exec/s | before: execs / CPU s |"
        rule += " ---: | ---: |"
    md = [f"# Fuzz throughput ({summary['generated']})", "",
          "libFuzzer, one target at a time, `-seed=1`, the seed corpus, `-max_len` of "
          "harness/fuzz/max_len. exec/s is execs over the wall clock; execs per CPU second "
          f"moves less with the machine's load. Goal: {GOAL:,} exec/s.", "", head, rule]
    for r in rows:
        c = r["coverage"] or {}
        line = (f"| {r['target']} | {r['seconds']} | {n(r['execs'])} | {n(r['exec_per_sec'])} | "
                f"{r['cpu_seconds'] if r['cpu_seconds'] is not None else '—'} | "
                f"{n(r['execs_per_cpu_second'])} | {load(r)} | "
                f"{c.get('edges', 0)} / {c.get('features', 0)} |")
        if before:
            b = before.get(r["target"], {})
            line += f" {n(b.get('exec_per_sec'))} | {n(b.get('execs_per_cpu_second'))} |"
        md.append(line)
    text = "\n".join(md) + "\n"
    with open(os.path.join(out, "speed.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    cmd = sys.argv[1]
    {"stats": cmd_stats, "signature": cmd_signature, "summary": cmd_summary,
     "speed": cmd_speed, "go-deadline-race": cmd_go_deadline_race}[cmd](sys.argv[2:])
