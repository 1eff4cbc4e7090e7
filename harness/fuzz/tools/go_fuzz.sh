#!/usr/bin/env bash
# Go native fuzzing of the Go reference's load path (golden/gen/loadpath),
# one fuzz test (FuzzLoad or FuzzRoundTrip), with liblhv1 linked through cgo
# (tag lhv1cgo). Seeds the tests from corpus/ (tools/go_seeds.py), replays
# every seed, fuzzes TEST for SECONDS with one worker, then moves what Go
# found into corpus/regressions/load/ (each also filed under
# OUT_DIR/crashes/<id>/ with its failure line, as ci/fuzz files crashes).
# Exit 1 on a finding or a failing seed, 2 on a setup error.
#
# usage: go_fuzz.sh ROOT BUILD_TREE TEST SECONDS OUT_DIR
#   BUILD_TREE: a CMake build of liblhv1 (src/liblhv1.a, lhv1.pc)
set -uo pipefail
[ $# -eq 5 ] || { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
root=$(cd "$1" && pwd) tree=$2 test=$3 seconds=$4 out=$5
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/crashes" "$out/log.txt"
python3 "$root/harness/fuzz/tools/go_seeds.py" seed "$root" > "$out/seeds.txt" || exit 2
. "$root/harness/fuzz/tools/cgo_env.sh" "$root" "$tree" || exit 2
cd "$root/golden/gen" || exit 2
rc=0
go test -tags lhv1cgo -run "^$test\$" ./loadpath > "$out/replay.log" 2>&1 || rc=1
# -parallel 1: one worker (the machine is shared).
go test -tags lhv1cgo -run '^$' -fuzz "^$test\$" -fuzztime "${seconds}s" -parallel 1 \
  ./loadpath > "$out/log.txt" 2>&1 || rc=1
# What failed, for the findings' titles: the test's own failure lines.
grep -ah "fuzz_test.go:[0-9]*:\|^panic: \|^fatal error: " "$out/replay.log" "$out/log.txt" |
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
done < <(python3 "$root/harness/fuzz/tools/go_seeds.py" import "$root")
if [ $rc -ne 0 ] && [ $n -eq 0 ]; then
  tail -n 30 "$out/replay.log" "$out/log.txt" >&2
fi
[ $n -gt 0 ] && rc=1
exit $rc
