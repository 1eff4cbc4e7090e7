# shellcheck shell=bash
# The checks a team runs on its own code, as ci/mutation runs them on a
# mutant of examples/vectord (sourced; bash). Each check_<name> runs in the
# module copy $1, writes what it saw under $2 (a directory of its own) and
# returns 0 when the check fails on the mutant (it kills it), 1 when it
# passes, with one line on stdout saying which cases or tests failed.
# A check whose cases may fail on the unmutated code too (the goldens and
# lhv1 conform, each with its known failures) kills only with a case the
# unmutated run ($BASE/<check>/cases.txt) does not have.
#
# Needs: LHV1 (the lhv1 tool), FUZZ_SECONDS, BASE, and the environment
# ci/mutation sets (GOWORK=off, LHV1_GOLDEN_DIR, LHV1_BIN, GOFLAGS).
# The checks, in the order they run (harness/mutation/report.py names them).
export CHECKS="goldens conform faults fuzz"

# Case names of a failure list ('<case>  # <message>' lines), sorted.
case_names() { grep -v '^#' "$1" 2>/dev/null | sed 's/[[:space:]].*//' | grep . | sort -u; }

# Cases in $1 that $2 does not list: "N new failing cases: first, second, ..."
new_cases() {
  local new n
  new=$(comm -23 <(case_names "$1") <(case_names "$2"))
  n=$(printf '%s' "$new" | grep -c . || true)
  [ "$n" -gt 0 ] || return 1
  echo "$n new failing cases: $(printf '%s\n' "$new" | head -3 | paste -sd, | sed 's/,/, /g')$([ "$n" -gt 3 ] && echo ", ...")"
}

# The failed Go tests of a go test log: "go test failed: TestA, TestB".
failed_tests() {
  local t
  t=$(grep -o -- '--- FAIL: [^ ]*' "$1" | sed 's/--- FAIL: //' | sort -u | head -4 | paste -sd, | sed 's/,/, /g')
  echo "go test failed: ${t:-$(grep -m1 -E 'panic:|cannot|error' "$1" | cut -c1-100)}"
}

check_goldens() { # dir out
  (cd "$1" && LHV1_WRITE_FAILURE_LIST=$2/cases.txt go test -count=1 ./conformance) > "$2/log.txt" 2>&1
  local status=$?
  [ "$status" -ne 0 ] || return 1
  [ -f "$2/cases.txt" ] || { failed_tests "$2/log.txt"; return 0; }
  new_cases "$2/cases.txt" "$BASE/goldens/cases.txt"
}

check_conform() { # dir out
  (cd "$1" && go build -o "$2/testee" ./cmd/testee) > "$2/log.txt" 2>&1 || { echo "the testee does not build"; return 0; }
  "$LHV1" conform --timeout 60 --write-failure-list "$2/cases.txt" --json "$2/conform.json" -- "$2/testee" >> "$2/log.txt" 2>&1
  # Exit 2: the testee cannot be run at all (no hello), which a team sees.
  [ $? -ne 2 ] || { echo "lhv1 conform cannot run the testee: $(tail -1 "$2/log.txt" | cut -c1-100)"; return 0; }
  new_cases "$2/cases.txt" "$BASE/conform/cases.txt"
}

check_faults() { # dir out
  local pkgs=(. ./s3faults)
  [ -d "$1/campaign" ] && pkgs+=(./campaign)
  (cd "$1" && go test -count=1 "${pkgs[@]}") > "$2/log.txt" 2>&1 && return 1
  failed_tests "$2/log.txt"
}

# FuzzLoad run and judged as the ctest example_vectord_fuzz runs it.
GO_TEST_FUZZ=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz/tools" && pwd)/go_test_fuzz.sh

check_fuzz() { # dir out
  local what
  what=$(bash "$GO_TEST_FUZZ" "$1" ./fuzz FuzzLoad "$FUZZ_SECONDS" "$2/log.txt") && return 1
  echo "$what"
}
