#!/usr/bin/env bash
# ci/fuzz's arguments: a bad one (a missing or non-numeric value, an
# unknown engine, option or target, a target no engine asked for runs) exits
# 2 with a message before anything is built; good ones give each engine its
# targets. LHV1_FUZZ_PARSE_ONLY stops ci/fuzz after parsing. No case may
# print a shell diagnostic.
# usage: ci_fuzz_args.sh SOURCE_ROOT
set -uo pipefail
fuzz=$1/ci/fuzz
# What each engine runs, from the one table of targets.
of() { "$1/harness/fuzz/tools/targets" "$2" | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//'; }
libfuzzer_all=$(of "$1" libfuzzer) afl_all=$(of "$1" afl)
go_all=$(python3 "$1/harness/fuzz/tools/go_seeds.py" list "$1" | tr '\n' ' ' | sed 's/ $//')
export LHV1_FUZZ_PARSE_ONLY=1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect() { # exit-status stdout-pattern stderr-pattern args...
  local want=$1 out_re=$2 err_re=$3; shift 3
  local out err rc
  out=$(timeout 60 "$fuzz" --out "$tmp/out" --build-dir "$tmp/build" "$@" 2>"$tmp/err"); rc=$?
  err=$(cat "$tmp/err")
  if [ $rc -ne "$want" ] || ! grep -Eq -- "$out_re" <<<"$out" || ! grep -Eq -- "$err_re" <<<"$err" ||
     grep -Eq ': line [0-9]+: |unbound variable|command not found|syntax error' <<<"$err"; then
    echo "FAIL ci/fuzz $*: exit $rc (want $want); stdout: $out; stderr: $err"; fail=1
  fi
}
expect 0 "^libfuzzer: $libfuzzer_all\$" 'afl/differential: skipped'
expect 0 "^afl: $afl_all\$" 'afl/load_structured: skipped' --engine afl
expect 0 "^go: $go_all\$" '^$' --engine go
expect 0 '^go: FuzzRoundTrip$' '^$' --engine go FuzzRoundTrip
expect 0 '^afl: $' 'afl/load_structured: skipped' --engine both load_structured
expect 0 'seconds=5 jobs=2 merge=none' '' --seconds 5 --jobs 2 --no-merge load
expect 0 '^usage: ci/fuzz' '^$' --help
expect 2 '^$' '--seconds needs a value' --seconds
expect 2 '^$' 'positive whole number' --seconds 0
expect 2 '^$' 'positive whole number' --seconds abc
expect 2 '^$' 'positive whole number' --jobs -1
expect 2 '^$' '--engine needs a value' --engine
expect 2 '^$' 'unknown engine bogus' --engine bogus
expect 2 '^$' 'unknown option --bogus' --bogus
expect 2 '^$' 'unknown target bogus' bogus
expect 2 '^$' 'load is not a target of --engine go' --engine go load
expect 2 '^$' 'FuzzLoad is not a target of --engine libfuzzer afl' FuzzLoad
expect 2 '^$' 'load_structured is not a target of --engine afl' --engine afl load_structured
[ $fail = 0 ] && echo "ci/fuzz arguments: ok"
exit $fail
