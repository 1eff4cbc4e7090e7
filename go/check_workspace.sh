#!/usr/bin/env bash
# The root go.work lists only modules that build the same in it as alone:
# for each module it uses, every package of `go list -deps -test ./...`
# must come from the same module directory (so the same version) in
# workspace mode as in module mode (GOWORK=off, its own go.mod and go.sum,
# what a team importing it gets), and `go vet ./...` must pass in the
# workspace. A module whose dependency versions differ from the others'
# (golden/gen, bench/go, compat/*: older golang.org/x/sys or another
# coder/hnsw) stays out of go.work and fails this check when added.
# Usage: check_workspace.sh ROOT
set -euo pipefail
root=$(cd "$1" && pwd)
export GOFLAGS=-mod=readonly
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fmt='{{with .Module}}{{.Path}} {{.Dir}}{{end}}'
fail=0 n=0
for mod in $(cd "$root" && GOWORK=$root/go.work go work edit -json |
             python3 -c 'import json,sys; print("\n".join(u["DiskPath"] for u in json.load(sys.stdin)["Use"]))'); do
  dir=$root/$mod
  (cd "$dir" && GOWORK=off go list -deps -test -f "$fmt" ./... | sort -u) > "$tmp/alone"
  (cd "$dir" && GOWORK=$root/go.work go list -deps -test -f "$fmt" ./... | sort -u) > "$tmp/work"
  if ! diff -u --label "$mod alone" --label "$mod in go.work" "$tmp/alone" "$tmp/work"; then
    echo "check_workspace: $mod builds other module versions in go.work than alone" >&2
    fail=1
  fi
  (cd "$dir" && GOWORK=$root/go.work go vet ./...) || { echo "check_workspace: go vet failed in $mod" >&2; fail=1; }
  n=$((n + 1))
done
[ $n -gt 0 ] || { echo "check_workspace: go.work uses no module" >&2; exit 1; }
[ $fail -eq 0 ] && echo "check_workspace: ok: $n modules build the same in go.work as alone"
exit $fail
