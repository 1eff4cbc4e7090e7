#!/bin/sh
# The shared Check main (check_main.c) refuses a suite name its table does
# not hold, and a run in which no test ran, instead of passing empty.
# Usage: check_main_selection.sh CHECK_BINARY KNOWN_SUITE
set -u
bin=$1
known=$2
fail() { echo "FAIL: $*"; exit 1; }
err=$(mktemp)
trap 'rm -f "$err"' EXIT

CK_RUN_SUITE=no_such_suite "$bin" >/dev/null 2>"$err"
rc=$?
[ "$rc" -eq 2 ] || fail "CK_RUN_SUITE=no_such_suite exited $rc, not 2"
grep -q "CK_RUN_SUITE=no_such_suite is not a suite" "$err" || fail "no message naming the suite: $(cat "$err")"
grep -q " $known" "$err" || fail "the message does not list the suites: $(cat "$err")"

CK_RUN_SUITE='' "$bin" >/dev/null 2>"$err"
rc=$?
[ "$rc" -eq 2 ] || fail "an empty CK_RUN_SUITE exited $rc, not 2"

CK_RUN_SUITE=$known CK_RUN_CASE=no_such_case "$bin" >/dev/null 2>"$err"
rc=$?
[ "$rc" -eq 1 ] || fail "a run of no test exited $rc, not 1"
grep -q "no test ran" "$err" || fail "no message for a run of no test: $(cat "$err")"
echo "ok: unknown suite, empty name and empty run refused"
