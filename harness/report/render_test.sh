#!/usr/bin/env bash
# The report test: builds out/report.html from reports made in this test run
# (a real campaign; the HTTP and LHV1/LHV2 campaign tables, the format matrix, the S3
# conformance table, the lhv1 conform reports, the mutation self-test's table and the
# fuzz smoke runs when ctest ran
# them before), renders it in headless Chromium (render_check.py), and proves
# the check can fail on a page with a console error and a missing section.
# usage: render_test.sh LHV1 BUILD_DIR ARTIFACT_DIR
set -euo pipefail
lhv1=$1 build=$2 art=$3
for tool in chromium /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "render_test: $tool not installed: run ci/setup" >&2; exit 1; }
done
/usr/bin/python3 -c 'import matplotlib, markdown' ||
  { echo "render_test: python3-matplotlib/python3-markdown not installed: run ci/setup" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rm -rf "$art" && mkdir -p "$art/out/fuzz"
out=$art/out
"$lhv1" campaign --quiet --json "$out/campaign.json" --markdown "$out/campaign.md"
expect=(campaign)
if [ -f "$build/harness/campaign/formats/campaign-formats.md" ]; then
  cp "$build/harness/campaign/formats/campaign-formats.md" "$out/"; expect+=(formats)
fi
if [ -f "$build/harness/campaign/http-plain/campaign-http.md" ]; then
  cp "$build/harness/campaign/http-plain/campaign-http.md" "$out/"; expect+=(http)
fi
if [ -f "$build/format-compat/matrix.md" ]; then
  cp -r "$build/format-compat" "$out/format-compat"; expect+=(compat)
fi
if [ -f "$build/conform-reports/liblhv1-plain.json" ]; then
  # The liblhv1 run alone may be there (ctest -R): collect what there is.
  /usr/bin/python3 "$root/harness/conform/collect_reports.py" "$build/conform-reports" "$out/conform" ||
    true
  expect+=(conform)
fi
if [ -f "$build/harness/s3conformance/plain/s3conformance.md" ]; then
  cp -r "$build/harness/s3conformance/plain" "$out/s3conformance"; expect+=(s3)
fi
if [ -f "$build/mutation/mutation.md" ]; then
  mkdir -p "$out/mutation" && cp "$build/mutation/mutation.md" "$out/mutation/"; expect+=(mutation)
fi
for engine in libfuzzer afl; do
  smoke=$build/harness/fuzz/smoke/$engine
  if [ -f "$smoke/summary.json" ]; then cp -r "$smoke" "$out/fuzz/$engine"; expect+=(fuzz); fi
done
{ echo "| stage | result | report |"; echo "| --- | --- | --- |"
  echo "| report test | ok | $out |"; } > "$out/SUMMARY.md"
expect+=(stages)
/usr/bin/python3 "$root/ci/report" --out "$out"
/usr/bin/python3 "$here/render_check.py" "$out/report.html" "$art/report.png" --expect-data "${expect[@]}"

# The check must be able to fail: a script error, and a section taken out.
sed -e 's|</body>|<script>undefinedFunction()</script></body>|' \
    -e 's|<section id="bench">|<section id="gone">|' "$out/report.html" > "$art/broken.html"
if /usr/bin/python3 "$here/render_check.py" "$art/broken.html" "$art/broken.png" > "$art/broken.log"; then
  echo "render_test: FAIL the check passed a broken page" >&2; exit 1
fi
if ! grep -q "console:" "$art/broken.log" || ! grep -q "section bench missing" "$art/broken.log"; then
  echo "render_test: FAIL the check missed a fault:" >&2; cat "$art/broken.log" >&2; exit 1
fi
echo "render_test: ok (screenshot $art/report.png)"
