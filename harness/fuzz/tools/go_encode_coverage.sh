#!/usr/bin/env bash
# Statement coverage of coder/hnsw's encode.go (Import, Export and their
# binary helpers) reached by loading the files of some directories through
# the Go reference's load path (loadpath.TestReplay, liblhv1 through cgo to
# skip what Go cannot survive). Prints "encode.go: C/S statements (P%)",
# then each function's coverage.
#
# usage: go_encode_coverage.sh ROOT LIBLHV1_ARCHIVE DIR...
set -euo pipefail
root=$(cd "$1" && pwd)
lib=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2
dirs=()
for d in "$@"; do dirs+=("$(cd "$d" && pwd)"); done
prof=$(mktemp)
trap 'rm -f "$prof"' EXIT
cd "$root/golden/gen"
LHV1_REPLAY_DIRS=$(IFS=:; echo "${dirs[*]}") CGO_ENABLED=1 GOFLAGS=-mod=readonly \
  CGO_CFLAGS="-I$root/include" CGO_LDFLAGS="$lib -lcjson -lm" \
  go test -tags lhv1cgo -run '^TestReplay$' -v -coverpkg=github.com/coder/hnsw \
  -coverprofile="$prof" ./loadpath | grep -a 'replayed' >&2
# Profile lines: "<file>:<from>,<to> <statements> <count>"; a block may
# appear more than once, covered if any count is non-zero.
awk '$1 ~ /\/encode\.go:/ { s[$1] = $2; if ($3 > 0) c[$1] = 1 }
     END { for (b in s) { t += s[b]; if (b in c) k += s[b] }
           printf "encode.go: %d/%d statements (%.1f%%)\n", k, t, t ? 100 * k / t : 0 }' "$prof"
go tool cover -func="$prof" | awk '$1 ~ /\/encode\.go:/ { sub(/.*\//, "", $1); print "  " $1, $2, $3 }'
