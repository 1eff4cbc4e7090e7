#!/usr/bin/env bash
# Go native fuzzing of the Go reference's load path (golden/gen/loadpath),
# one fuzz test (FuzzLoad or FuzzRoundTrip), with liblhv1 linked through cgo
# (tag lhv1cgo). Seeds the tests from corpus/ (tools/go_seeds.py), builds the
# test binary with Go's fuzzing instrumentation (`go test -c -fuzz`), replays
# every seed, fuzzes TEST for SECONDS with one worker, then moves what Go
# found into corpus/regressions/load/ (each also filed under
# OUT_DIR/crashes/<id>/ with its failure line, as ci/fuzz files crashes).
#
# The binary runs directly, as `go test` would run it, but with its cache of
# interesting inputs in OUT_DIR/cache: $GOCACHE/fuzz is shared by every run
# of every checkout on the machine and grows from run to run.
# A run that Go ends with nothing but "context deadline exceeded" at the end
# of its box, on a toolchain before Go 1.27 (the coordinator race of
# golang/go#75804), is a clean stop (fuzz_report.py go-deadline-race;
# docs/FUZZING.md says why).
#
# Writes into OUT_DIR: log.txt (the fuzzing output), log.times (when each of
# its lines came, seconds since the fuzzing started), start_time and end_time
# (of the fuzzing, Unix seconds), replay.log, build.log, seeds.txt,
# failures.txt. A progress line on stderr every 10 s.
# Exit 1 on a finding or a failing seed, 2 on a setup error.
#
# usage: go_fuzz.sh ROOT BUILD_TREE TEST SECONDS OUT_DIR
#   BUILD_TREE: a CMake build of liblhv1 (src/liblhv1.a, lhv1.pc)
set -uo pipefail
[ $# -eq 5 ] || { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
root=$(cd "$1" && pwd) || exit 2
tree=$2 test=$3 seconds=$4 out=$5
tools=$root/harness/fuzz/tools
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 2
rm -rf "$out/crashes" "$out/cache" "$out"/log.* "$out"/*_time "$out/failures.txt"
python3 "$tools/go_seeds.py" seed "$root" > "$out/seeds.txt" || exit 2
# shellcheck source=harness/fuzz/tools/cgo_env.sh
. "$tools/cgo_env.sh" "$root" "$tree" || { echo "go fuzz: no liblhv1 build in $tree" >&2; exit 2; }
bin=$out/loadpath.test
if ! (cd "$root/golden/gen" && go test -c -tags lhv1cgo -fuzz "^$test\$" -o "$bin" ./loadpath) \
     > "$out/build.log" 2>&1; then
  tail -n 30 "$out/build.log" >&2
  echo "go fuzz: $test: building the test binary failed" >&2
  exit 2
fi
cd "$root/golden/gen/loadpath" || exit 2

now() { local t=${EPOCHREALTIME//[!0-9]/}; echo "${t:0:-6}.${t: -6}"; } # any locale's separator
# Copies the fuzzing output to log.txt and the time of each line to
# log.times; every 10 s, Go's latest count on stderr.
record() {
  local t0=${EPOCHREALTIME//[!0-9]/} t line last=0
  while IFS= read -r line || [ -n "$line" ]; do
    t=$(( ${EPOCHREALTIME//[!0-9]/} - t0 ))
    printf '%s\n' "$line" >> "$out/log.txt"
    printf '%d.%06d\n' $((t / 1000000)) $((t % 1000000)) >> "$out/log.times"
    if [[ $line == "fuzz: elapsed: "* ]] && (( t - last >= 10000000 )); then
      last=$t
      echo "go fuzz: $test ${seconds}s box: ${line#fuzz: }" >&2
    fi
  done
}

rc=0
"$bin" -test.run "^$test\$" -test.timeout 10m > "$out/replay.log" 2>&1 || rc=1
# -test.parallel 1: one worker (the machine is shared). The timeout is
# only against a hang: Go's box, then its minimization of a finding.
now > "$out/start_time"
"$bin" -test.run '^$' -test.fuzz "^$test\$" -test.fuzztime "${seconds}s" -test.parallel 1 \
  -test.fuzzcachedir "$out/cache" -test.timeout "$((seconds + 600))s" 2>&1 | record
fuzz_rc=${PIPESTATUS[0]}
now > "$out/end_time"

# What failed, for the findings' titles: the test's own failure lines.
grep -ah "fuzz_test.go:[0-9]*:\|panic: \|^fatal error: " "$out/replay.log" "$out/log.txt" |
  sed 's/^[[:space:]]*//' > "$out/failures.txt"
n=0
while IFS= read -r line; do
  case $line in
    *" -> "*)
      reg=${line##* -> }
      id=$(sha1sum "$root/$reg" | cut -c1-12)
      mkdir -p "$out/crashes/$id"
      cp "$root/$reg" "$out/crashes/$id/crash-minimized"
      echo "$id go/$test: $(head -n 1 "$out/failures.txt" | cut -c1-160) ($reg)" \
        > "$out/crashes/$id/signature.txt"
      echo 1 > "$out/crashes/$id/count"
      echo "go fuzz: $test: FINDING kept as $reg" >&2
      n=$((n + 1)) ;;
  esac
done < <(python3 "$tools/go_seeds.py" import "$root")

if [ "$fuzz_rc" -ne 0 ] && [ $n -eq 0 ] &&
   python3 "$tools/fuzz_report.py" go-deadline-race "$out/log.txt" "$seconds" \
     "$(go version "$bin" | awk '{print $2}')"; then
  echo "go fuzz: $test: Go's coordinator ended the box with \"context deadline exceeded\" and nothing found (golang/go#75804): a clean stop" >&2
  fuzz_rc=0
fi
[ "$fuzz_rc" -eq 0 ] || rc=1
if [ $rc -ne 0 ] && [ $n -eq 0 ]; then
  tail -n 30 "$out/replay.log" "$out/log.txt" >&2
fi
[ $n -gt 0 ] && rc=1
exit $rc
