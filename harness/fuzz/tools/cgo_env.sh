# Sourced: the cgo environment for linking liblhv1 into Go (package clhv1,
# tag lhv1cgo), from the archive of a CMake build tree and that tree's
# lhv1.pc (whose private requirements say what else to link).
# usage: . cgo_env.sh ROOT BUILD_TREE   (the tree holds src/liblhv1.a, lhv1.pc)
cgo_root=$(cd "$1" && pwd) cgo_tree=$(cd "$2" && pwd)
export CGO_ENABLED=1 GOFLAGS=-mod=readonly GOWORK=off
export CGO_CFLAGS="-I$cgo_root/include -I$cgo_tree/include"
export CGO_LDFLAGS="$cgo_tree/src/liblhv1.a $(PKG_CONFIG_PATH=$cgo_tree pkg-config --static --libs lhv1 |
  tr ' ' '\n' | grep -v '^-L\|^-llhv1$' | tr '\n' ' ')"
