# shellcheck shell=bash
# Sourced: the cgo environment for linking liblhv1 into Go (package clhv1,
# tag lhv1cgo), from the archive of a CMake build tree and that tree's
# lhv1.pc (whose private requirements say what else to link).
# usage: . cgo_env.sh ROOT BUILD_TREE   (the tree holds src/liblhv1.a, lhv1.pc)
# Returns 1 (the caller decides) when the root, the tree or lhv1.pc is missing.
cgo_root=$(cd "$1" && pwd) || return 1
cgo_tree=$(cd "$2" && pwd) || return 1
cgo_libs=$(PKG_CONFIG_PATH=$cgo_tree pkg-config --static --libs lhv1) || return 1
export CGO_ENABLED=1 GOFLAGS=-mod=readonly GOWORK=off
export CGO_CFLAGS="-I$cgo_root/include -I$cgo_tree/include"
CGO_LDFLAGS="$cgo_tree/src/liblhv1.a $(tr ' ' '\n' <<<"$cgo_libs" | grep -v '^-L\|^-llhv1$' | tr '\n' ' ')"
export CGO_LDFLAGS
