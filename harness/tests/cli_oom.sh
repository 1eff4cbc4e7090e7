#!/bin/sh
# The CLI on out-of-memory: verify, dump and inspect exit 2 and say so on
# stderr, whichever allocation fails (each in turn); with none failing they
# judge the file.
# Usage: cli_oom.sh CLI_BUILT_WITH_FAILING_ALLOC GOLDEN_OK_FILE
set -u
cli=$1 file=$2
err=$(mktemp)
trap 'rm -f "$err"' EXIT
fail=0
for cmd in verify dump inspect; do
  # Every allocation in turn, from the first until the command makes no
  # more (then it judges the file: exit 0).
  k=0
  while :; do
    LHV1_TEST_FAIL_ALLOC_FROM=$k "$cli" "$cmd" "$file" >/dev/null 2>"$err"
    rc=$?
    [ "$rc" -eq 0 ] && break
    if [ "$rc" -ne 2 ] || ! grep -q "out of memory: no verdict" "$err"; then
      echo "FAIL: $cmd with allocation $k failing: exit $rc, stderr: $(cat "$err")"
      fail=1
    fi
    k=$((k + 1))
    if [ "$k" -gt 1000 ]; then
      echo "FAIL: $cmd still failing with allocation 1000 failing"
      fail=1
      break
    fi
  done
  if [ "$k" -lt 2 ]; then
    echo "FAIL: $cmd judged the file with allocation $k failing"
    fail=1
  fi
  LHV1_TEST_FAIL_ALLOC_FROM=100000000 "$cli" "$cmd" "$file" >/dev/null 2>"$err"
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: $cmd with no allocation failing: exit $rc, stderr: $(cat "$err")"
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "cli out-of-memory: verify, dump, inspect exit 2 with the message"
exit "$fail"
