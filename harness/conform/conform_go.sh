#!/usr/bin/env bash
# A Go testee under one Go toolchain through lhv1 conform (ctests
# conform_<testee>_<toolchain>, harness/conform/CMakeLists.txt): builds the
# testee program with GOTOOLCHAIN=TOOLCHAIN (GOPROXY=off: never a download;
# ci/setup fetched the toolchain), checks the binary says that toolchain,
# and runs lhv1 conform over it with its failure list, writing
# OUT_DIR/NAME-TOOLCHAIN.{xml,md,json}.
#
# usage: conform_go.sh LHV1 GOLDENS MODULE_DIR PACKAGE TOOLCHAIN FAILURE_LIST OUT_DIR NAME
set -euo pipefail
[ $# -eq 8 ] || { sed -n 's/^# usage: //p' "$0" >&2; exit 2; }
lhv1=$1 goldens=$2 module=$3 package=$4 toolchain=$5 list=$6 out=$7 name=$8
export GOWORK=off GOFLAGS=-mod=readonly GOPROXY=off GOTOOLCHAIN=$toolchain
mkdir -p "$out"
report=$out/$name-$toolchain
bin=$report.testee
(cd "$module" && go build -o "$bin" "$package")
built=$(go version "$bin" | awk '{print $2}')
if [ "$built" != "$toolchain" ]; then
  echo "conform_go: $bin was built by $built, not $toolchain" >&2
  exit 1
fi
# Go's out-of-memory deaths take seconds under the default headroom
# (docs/CONFORMANCE.md, "Outcomes"): 60 s leaves a wide margin on a
# loaded machine.
exec "$lhv1" conform --goldens "$goldens" --timeout 60 --failure-list "$list" \
  --junit "$report.xml" --markdown "$report.md" --json "$report.json" -- "$bin"
