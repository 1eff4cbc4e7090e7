#!/usr/bin/env bash
# ci/fuzz on a planted crash, under each engine, in a scratch copy of the
# source tree: the crash fails the run and is filed, and the summary gives
# the time to the first crash and the executions up to it (not the box and
# 0 exec/s). The copy's `unframe` target and Go's FuzzLoad abort on every
# input longer than their one seed, "LHV1" (not on shorter ones: libFuzzer
# first runs an empty input, AFL++'s driver a 1-byte one), which every
# engine makes within its first few hundred executions: no luck involved.
# Also runs the paths that printed shell errors: every Go run (a table
# lookup of the Go test's name), and a Go run whose seed fails, so Go stops
# without a new finding (go_fuzz.sh shows the tail of its two logs).
# Nothing in ci/fuzz's or go_fuzz.sh's output may be a shell diagnostic.
# usage: check_planted_crash.sh SOURCE_ROOT SCRATCH_DIR
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: check_planted_crash.sh SOURCE_ROOT SCRATCH_DIR" >&2; exit 2; }
root=$(cd "$1" && pwd) || exit 2
scratch=$2
rm -rf "$scratch" && mkdir -p "$scratch/src" && scratch=$(cd "$scratch" && pwd) || exit 2
src=$scratch/src
"$root/harness/source_files.sh" "$root" | (cd "$root" && tar --null -T - -cf -) | tar -C "$src" -xf - ||
  { echo "planted: cannot copy the source tree" >&2; exit 2; }

# The plant: one seed, and a crash on anything longer.
for d in unframe load; do
  rm -rf "${src:?}/corpus/$d" "${src:?}/corpus/regressions/$d"
  mkdir -p "$src/corpus/$d" "$src/corpus/regressions/$d"
  printf 'LHV1' > "$src/corpus/$d/seed"
done
python3 - "$src" <<'PY' || { echo "planted: cannot plant the crashes" >&2; exit 2; }
import sys
src = sys.argv[1]
def plant(path, anchor, code):
    text = open(path).read()
    if anchor not in text:
        sys.exit(f"{path}: no '{anchor}' to plant after")
    open(path, "w").write(text.replace(anchor, anchor + code, 1))
plant(f"{src}/harness/fuzz/fuzz_unframe.c", "LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)\n{",
      "\n    if (size > 4)\n        __builtin_trap(); /* planted */")
plant(f"{src}/golden/gen/loadpath/fuzz_test.go", "f.Fuzz(func(t *testing.T, body []byte) {",
      '\n\t\tif len(body) > 4 {\n\t\t\tpanic("planted")\n\t\t}')
PY

fail=0
verdict() { # status description: the check passed when the status is 0
  if [ "$1" -eq 0 ]; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi
}
no_shell_errors() { # file
  ! grep -E ': line [0-9]+: |unbound variable|invalid context|command not found|syntax error|bad substitution' "$1"
}
run() { # name engine seconds target: ci/fuzz in the copy, its exit status in $name.rc
  local name=$1
  (cd "$src" && ci/fuzz --engine "$2" --seconds "$3" --no-merge --build-dir "$scratch/engines" \
      --out "$scratch/$name" "$4") > "$scratch/$name.out" 2> "$scratch/$name.err"
  echo $? > "$scratch/$name.rc"
  echo "--- $name (exit $(cat "$scratch/$name.rc")): summary"
  grep '^| [a-z]' "$scratch/$name/summary.md" 2>/dev/null
}
# The summary's row for the run, checked with Python (JSON).
summary_says() { # name box exact-execs stops-at-crash
  python3 - "$scratch/$1/summary.json" "$2" "$3" "$4" <<'PY'
import json, sys
path, box, exact, stops = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", sys.argv[4] == "1"
runs = json.load(open(path))["runs"]
assert len(runs) == 1, runs
r = runs[0]
f = r["first_crash"]
problems = []
if not r["crashes"]:
    problems.append("no crash filed")
if not f:
    problems.append("no first crash")
else:
    if not 0 <= f["seconds"] < box:
        problems.append(f"first crash at {f['seconds']} s, not within the {box:.0f} s box")
    if f["execs"] < 1:
        problems.append(f"{f['execs']} execs at the first crash")
    if f["execs_exact"] != exact:
        problems.append(f"execs_exact {f['execs_exact']}")
    if stops:
        # The run ended at the crash: its count and rate are up to it.
        if r["execs"] != f["execs"]:
            problems.append(f"run execs {r['execs']} != execs at the crash {f['execs']}")
        if r["exec_per_sec"] <= 0:
            problems.append(f"exec/s {r['exec_per_sec']}")
        if r["ran_seconds"] >= box:
            problems.append(f"ran {r['ran_seconds']} s, the whole box")
md = open(path.replace("summary.json", "summary.md")).read()
if f and f"at {f['seconds']:.1f} s" not in md:
    problems.append("summary.md does not give the first crash")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
}

run libfuzzer libfuzzer 120 unframe
test "$(cat "$scratch/libfuzzer.rc")" = 1; verdict $? "libFuzzer: the planted crash fails the run"
summary_says libfuzzer 120 1 1; verdict $? "libFuzzer: time to the first crash and execs up to it"
no_shell_errors "$scratch/libfuzzer.err"; verdict $? "libFuzzer: no shell error"

# AFL++ would fuzz on to the end of its box: it stops at the first crash here.
AFL_BENCH_UNTIL_CRASH=1 run afl afl 120 unframe
test "$(cat "$scratch/afl.rc")" = 1; verdict $? "AFL++: the planted crash fails the run"
summary_says afl 120 1 0; verdict $? "AFL++: time to the first crash and execs up to it"
no_shell_errors "$scratch/afl.err"; verdict $? "AFL++: no shell error"

run go go 120 FuzzLoad
test "$(cat "$scratch/go.rc")" = 1; verdict $? "Go: the planted crash fails the run"
summary_says go 120 0 1; verdict $? "Go: time to the first crash and execs up to it"
no_shell_errors "$scratch/go.err"; verdict $? "Go: no shell error"

# A failing seed: Go stops on it, nothing new is found.
printf 'LHV1!' > "$src/corpus/regressions/load/crashing-seed"
run go-seed go 30 FuzzLoad
test "$(cat "$scratch/go-seed.rc")" = 1; verdict $? "Go, failing seed: the run fails"
grep -q '^==> .*/replay.log <==' "$scratch/go-seed.err"; verdict $? "Go, failing seed: the tail of both logs is shown"
no_shell_errors "$scratch/go-seed.err"; verdict $? "Go, failing seed: no shell error"

if [ $fail -ne 0 ]; then
  for f in "$scratch"/*.err; do echo "--- stderr of ${f##*/}"; tail -n 40 "$f"; done
fi
exit $fail
