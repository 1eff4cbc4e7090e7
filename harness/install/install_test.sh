#!/usr/bin/env bash
# usage: install_test.sh BUILD_DIR CONSUMER_C CC TESTING_ARCHIVE
# Installs the project into a temporary prefix and builds a consumer with
# the README's pkg-config line (shared liblhv1), and against the static
# archive; checks the installed libraries and headers hold no test
# machinery (campaign, fault store) and no cJSON type.
set -euo pipefail
build=$1 consumer=$2 cc=$3 testing=$4
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "install test: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
test -x "$prefix/bin/lhv1" || fail "no bin/lhv1"
"$prefix/bin/lhv1" --help | grep -q verify || fail "lhv1 --help lists no verify"
pcdir=$(dirname "$(find "$prefix" -name lhv1.pc)")
libdir=$(dirname "$pcdir")
export PKG_CONFIG_PATH="$pcdir"
version=$(pkg-config --modversion lhv1)

# Symbols, without the names reserved to the implementation (__*, _[A-Z]*):
# those are the compiler runtimes', e.g. the profiler's
# __llvm_profile_counter_bias_default in a coverage build.
defined_globals() { nm -g --defined-only "$1" | awk 'NF >= 3 && $3 !~ /^_[_A-Z]/ {print $3}' | sort -u; }
all_names() { nm "$1" | awk 'NF >= 2 && $NF !~ /^_[_A-Z]/ {print $NF}' | sort -u; }
# Test machinery in a library: a symbol named for the campaign or the fault
# store (a whole word of the name: `default` is no `fault`), or a global that
# liblhv1-testing itself defines.
named_for_machinery() { grep -Ei '(^|_)(campaign|fault)(_|$)' || true; }
testing_globals=$(defined_globals "$testing")
machinery() { # library
  all_names "$1" | named_for_machinery
  defined_globals "$1" | comm -12 - <(echo "$testing_globals")
}
# The check must be able to fail: the name rule finds the testing library's own.
[ -n "$(named_for_machinery <<<"$testing_globals")" ] || fail "the symbol check finds nothing in $testing"
for lib in "$libdir/liblhv1.a" "$libdir/liblhv1.so"; do
  test -f "$lib" || fail "$lib not installed"
  found=$(machinery "$lib")
  [ -z "$found" ] || fail "test machinery in $lib:"$'\n'"$found"
done
# The shared library exports the public API and nothing else: every
# exported function is declared in an installed header.
exports=$(nm -D --defined-only "$libdir/liblhv1.so" | awk '$2 == "T" && $3 !~ /^_[_A-Z]/ {print $3}')
[ -n "$exports" ] || fail "liblhv1.so exports nothing"
for sym in $exports; do
  grep -rqw -- "$sym" "$prefix/include/lhv1" || fail "liblhv1.so exports $sym, declared in no installed header"
done
# The soname: major.minor before 1.0 (a minor release may break the ABI),
# then the major alone.
vh="$prefix/include/lhv1/version.h"
major=$(awk '$2 == "LHV1_VERSION_MAJOR" {print $3}' "$vh")
minor=$(awk '$2 == "LHV1_VERSION_MINOR" {print $3}' "$vh")
{ [ -n "$major" ] && [ -n "$minor" ]; } || fail "no version numbers in $vh"
soname=liblhv1.so.$major
[ "$major" = 0 ] && soname=liblhv1.so.0.$minor
readelf -d "$libdir/liblhv1.so" | grep -q "SONAME.*\[$soname\]" ||
  fail "liblhv1.so's soname is not $soname: $(readelf -d "$libdir/liblhv1.so" | grep SONAME)"
for h in "$prefix/include/lhv1"/*; do
  case ${h##*/} in *campaign*|*fault*) fail "test header installed: $h" ;; esac
done
grep -rl cJSON "$prefix/include" && fail "installed headers mention cJSON"

expect() {
  local out=$1
  grep -qx "verdict ok" <<<"$out" || fail "consumer: $out"
  grep -qx 'metadata {} (0 keys)' <<<"$out" || fail "consumer metadata: $out"
  grep -qx "version $version headers $version" <<<"$out" || fail "consumer version: $out"
}

# 1. Exactly as the README says: links the shared library.
read -ra flags <<<"$(pkg-config --cflags --libs lhv1)"
"$cc" -o "$prefix/consumer" "$consumer" "${flags[@]}"
readelf -d "$prefix/consumer" | grep -q 'NEEDED.*liblhv1\.so' || fail "consumer not linked to liblhv1.so"
expect "$(LD_LIBRARY_PATH="$libdir" "$prefix/consumer")"

# 2. Static: the archive, and its private dependencies from --static.
read -ra flags <<<"$(pkg-config --cflags lhv1) $(pkg-config --static --libs lhv1 | sed 's/-llhv1\b/-l:liblhv1.a/')"
"$cc" -o "$prefix/consumer-static" "$consumer" "${flags[@]}"
readelf -d "$prefix/consumer-static" | grep -q 'liblhv1' && fail "static consumer needs liblhv1.so"
expect "$("$prefix/consumer-static")"
echo "install: shared + static consumers ok, version $version, no test machinery"
