#!/usr/bin/env bash
# One Go native fuzz test of a module run the way a team runs it (`go test
# -fuzz`), judged the way ci/fuzz judges its own Go runs: used by the ctest
# example_vectord_fuzz and by ci/mutation's fuzz check.
#
# -fuzzminimizetime 100x: Go minimizes each new interesting input before it
# fuzzes on, for up to 60 s by default. An LHV1 seed is kilobytes and every
# attempt a Load, so the first new input took the whole of a short box:
# 10 s gave about 20 executions past the seeds (with 100 attempts, about
# 100,000), and the box ended inside the minimization.
# A run that Go ends with nothing but "context deadline exceeded" at the end
# of its box, on a toolchain before Go 1.27 (golang/go#75804), is a clean
# stop (fuzz_report.py go-deadline-race; docs/FUZZING.md says why).
#
# Writes the output to LOG. Exit 0 when nothing was found, 1 on a finding
# or a failing seed (Go files the input under testdata/fuzz/TEST/), with
# the first failure line on stdout.
#
# usage: go_test_fuzz.sh MODULE_DIR PACKAGE TEST SECONDS LOG
set -uo pipefail
[ $# -eq 5 ] || { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
dir=$1 pkg=$2 test=$3 seconds=$4 log=$5
judge=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/fuzz_report.py

(cd "$dir" && exec go test -count=1 -run '^$' -fuzz "^$test\$" -fuzztime "${seconds}s" \
   -fuzzminimizetime 100x -parallel 1 "$pkg") > "$log" 2>&1 && exit 0
# go test's own last lines ("exit status 1", "FAIL <pkg> <time>") set aside.
if grep -v -E $'^(exit status [0-9]+|FAIL\t[^\t]+\t[0-9.]+s)$' "$log" |
     python3 "$judge" go-deadline-race /dev/stdin "$seconds" "$(cd "$dir" && go env GOVERSION)"; then
  echo "go fuzz: $test: Go's coordinator ended the box with \"context deadline exceeded\" and nothing found (golang/go#75804): a clean stop" >> "$log"
  exit 0
fi
what=$(grep -m1 -E '_test\.go:[0-9]+:|testing\.go:[0-9]+: panic|^panic:|^fatal error:' "$log" | sed 's/^[[:space:]]*//' | cut -c1-100)
echo "$test failed: ${what:-see $log}"
exit 1
