#!/usr/bin/env bash
# ci/main's arguments: a bad one prints the usage and exits 2 before
# anything runs; good ones parse. LHV1_MAIN_PARSE_ONLY stops ci/main after
# parsing, so no case here can start the job.
# usage: ci_main_args.sh SOURCE_ROOT
set -uo pipefail
main=$1/ci/main
export LHV1_MAIN_PARSE_ONLY=1
fail=0
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT
expect() { # exit-status stdout-pattern stderr-pattern args...
  local want=$1 out_re=$2 err_re=$3; shift 3
  local out err rc
  out=$(timeout 20 "$main" "$@" 2>"$errfile"); rc=$?
  err=$(cat "$errfile")
  if [ $rc -ne "$want" ] || ! grep -Eq "$out_re" <<<"$out" || ! grep -Eq "$err_re" <<<"$err"; then
    echo "FAIL ci/main $*: exit $rc (want $want); stdout: $out; stderr: $err"; fail=1
  fi
}
expect 0 '^seconds=30$' '^$'
expect 0 '^seconds=300$' '^$' --seconds 300
expect 0 '^usage: ci/main' '^$' --help
expect 2 '^$' 'positive number' --seconds
expect 2 '^$' 'usage: ci/main' --seconds
expect 2 '^$' 'positive number' --seconds abc
expect 2 '^$' 'positive number' --seconds 0
expect 2 '^$' "unknown argument '--bogus'" --bogus
expect 2 '^$' 'usage: ci/main' --seconds 5 extra
[ $fail = 0 ] && echo "ci/main arguments: ok"
exit $fail
