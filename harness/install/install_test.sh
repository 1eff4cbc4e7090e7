#!/usr/bin/env bash
# usage: install_test.sh BUILD_DIR CONSUMER_C CC
set -euo pipefail
build=$1 consumer=$2 cc=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/lhv1"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig:${PKG_CONFIG_PATH:-}"
flags=$(pkg-config --cflags --libs --static lhv1)
"$cc" -o "$prefix/consumer" "$consumer" $flags
"$prefix/consumer" | grep -qx "verdict ok"
"$prefix/bin/lhv1" --help | grep -q verify
echo "install + pkg-config consumer: ok"
