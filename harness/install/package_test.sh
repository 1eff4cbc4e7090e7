#!/usr/bin/env bash
# usage: package_test.sh CPACK BUILD_DIR SOURCE_DIR VERSION
# Builds the Debian package of BUILD_DIR with CPack (cmake/Package.cmake),
# unpacks it into a scratch root as `dpkg -x` does (no root needed), and
# checks it as a user would get it: the control file (name, version, every
# shared library the installed tool loads comes from a declared dependency),
# `lhv1 --version`, and `lhv1 verify` on every golden agreeing with
# golden/MANIFEST.tsv, run from the scratch root.
set -euo pipefail
cpack=$1 build=$2 src=$3 version=$4
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "package test: $*" >&2; exit 1; }

"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/pkg" > "$scratch/cpack.log" 2>&1 ||
  { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
debs=("$scratch"/pkg/*.deb)
{ [ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ]; } || fail "expected one .deb, got: ${debs[*]}"
deb=${debs[0]}
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

[ "$(dpkg-deb -f "$deb" Package)" = lhv1 ] || fail "package name is not lhv1"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "package: Depends: $depends"
root=$scratch/root
dpkg-deb -x "$deb" "$root"
lhv1=$root/usr/bin/lhv1
[ -x "$lhv1" ] || fail "no usr/bin/lhv1 in the package: $(dpkg-deb -c "$deb")"
for f in usr/include/lhv1/index.h usr/lib/pkgconfig/lhv1.pc usr/lib/liblhv1.a; do
  [ -e "$root/$f" ] || fail "no $f in the package (cmake --install installs it)"
done

# Every library the installed tool links (its NEEDED entries, located by
# ldd on this system) is owned by a package the control file declares.
declared=" $(sed 's/([^)]*)//g; s/[|,]/ /g' <<<"$depends" | tr -s ' ') "
mapfile -t needed < <(readelf -d "$lhv1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ ${#needed[@]} -gt 0 ] || fail "readelf lists no library lhv1 needs"
for so in "${needed[@]}"; do
  lib=$(ldd "$lhv1" | awk -v so="$so" '$1 == so && $2 == "=>" {print $3}')
  [ -n "$lib" ] || fail "ldd does not locate $so"
  owner=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null || true)
  owner=${owner%%:*}
  [ -n "$owner" ] || fail "$lib (linked by lhv1) belongs to no Debian package"
  [[ $declared == *" $owner "* ]] ||
    fail "lhv1 links $so from $owner, which Depends lacks (ci/packages.tsv's runtime column)"
done

out=$("$lhv1" --version)
[ "$out" = "lhv1 $version" ] || fail "lhv1 --version printed '$out', not 'lhv1 $version'"

# The installed tool on every golden, as the manifest records it: the
# LHV1-only path, the index name the file's (its stem without the y_, n_ or
# i_ prefix); reason none when ok.
cd "$src/golden"
grep -v '^#' MANIFEST.tsv | awk -F'\t' '{print "objects/" $1 ": " $3 ": " $4}' | sort > "$scratch/expected"
[ -s "$scratch/expected" ] || fail "no goldens in golden/MANIFEST.tsv"
for f in objects/*.lhv1; do
  name=${f#objects/?_}
  rc=0
  "$lhv1" verify --lhv1-only --name "${name%.lhv1}" "$f" || rc=$?
  [ "$rc" -le 1 ] || fail "lhv1 verify $f exited $rc"
done > "$scratch/verify"
# '<path>: <verdict>[: <reason>: <message>]': keep path, verdict, reason.
awk -F': ' '{print $1 ": " $2 ": " (NF > 2 ? $3 : "none")}' "$scratch/verify" | sort > "$scratch/got"
diff "$scratch/expected" "$scratch/got" >&2 ||
  fail "the installed lhv1 differs from golden/MANIFEST.tsv (< manifest, > lhv1)"
echo "package: the installed lhv1 $version judged $(wc -l < "$scratch/got") goldens as golden/MANIFEST.tsv records"
