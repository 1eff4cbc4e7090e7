#!/usr/bin/env bash
# Statement coverage of coder/hnsw's encode.go (Import, Export and their
# binary helpers) reached by loading the files of some directories through
# the Go reference's load path (loadpath.TestReplay, liblhv1 through cgo to
# skip what Go cannot survive). Prints "encode.go: C/S statements (P%)",
# then each function's coverage; on stderr, Go's crash classes met.
#
# usage: go_encode_coverage.sh ROOT BUILD_TREE DIR...
#   BUILD_TREE: a CMake build of liblhv1 (src/liblhv1.a, lhv1.pc)
set -euo pipefail
root=$(cd "$1" && pwd)
. "$root/harness/fuzz/tools/cgo_env.sh" "$root" "$2"
shift 2
dirs=()
for d in "$@"; do dirs+=("$(cd "$d" && pwd)"); done
prof=$(mktemp)
trap 'rm -f "$prof"' EXIT
cd "$root/golden/gen"
LHV1_REPLAY_DIRS=$(IFS=:; echo "${dirs[*]}") \
  go test -tags lhv1cgo -run '^TestReplay$' -v -coverpkg=github.com/coder/hnsw \
  -coverprofile="$prof" ./loadpath | grep -a 'replay_test.go' | sed 's/^ *replay_test.go:[0-9]*: //' >&2
# Profile lines: "<file>:<from>,<to> <statements> <count>"; a block may
# appear more than once, covered if any count is non-zero.
awk '$1 ~ /\/encode\.go:/ { s[$1] = $2; if ($3 > 0) c[$1] = 1 }
     END { for (b in s) { t += s[b]; if (b in c) k += s[b] }
           printf "encode.go: %d/%d statements (%.1f%%)\n", k, t, t ? 100 * k / t : 0 }' "$prof"
go tool cover -func="$prof" | awk '$1 ~ /\/encode\.go:/ { sub(/.*\//, "", $1); print "  " $1, $2, $3 }'
