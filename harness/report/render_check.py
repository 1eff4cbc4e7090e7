#!/usr/bin/python3
"""Renders out/report.html in headless Chromium and checks what a person sees.

  render_check.py REPORT_HTML SCREENSHOT_PNG [--expect-data SECTION...]

Fails when Chromium logs any console message (the page has no script, so any
message is an error: a resource that did not load, a parse failure), when
the page references anything outside itself, when a section of ci/report is
missing from the rendered DOM, or when a section named by --expect-data shows
the "not run" note instead of its data. Keeps the screenshot.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

SECTIONS = ["stages", "campaign", "http", "formats", "fuzz", "bench", "compat", "conform", "clients", "s3",
            "mutation", "planted"]


def chromium(args, url):
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                            "--user-data-dir=" + profile] + args + [url],
                           capture_output=True, text=True, timeout=120)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("screenshot")
    ap.add_argument("--expect-data", nargs="*", default=[])
    a = ap.parse_args()
    url = "file://" + os.path.abspath(a.page)
    errors = []
    with open(a.page) as f:
        src = f.read()
    for m in re.finditer(r'(?:src|href)="((?:https?:)?//[^"]*)"', src):
        errors.append("the page fetches %s when viewed" % m.group(1))
    dom = chromium(["--dump-dom"], url)
    shot = chromium(["--window-size=1300,2400", "--screenshot=" + os.path.abspath(a.screenshot)], url)
    for p in (dom, shot):
        errors += ["console: " + l for l in p.stderr.splitlines() if ":CONSOLE" in l]
    if dom.returncode != 0 or "<h1>" not in dom.stdout:
        errors.append("chromium did not render the page (exit %d)" % dom.returncode)
    for sid in SECTIONS:
        m = re.search(r'<section id="%s"><h2>[^<]+</h2>(.*?)</section>' % sid, dom.stdout, re.S)
        if not m:
            errors.append("section %s missing" % sid)
        elif sid in a.expect_data and 'class="missing"' in m.group(1):
            errors.append("section %s shows no data" % sid)
    if not os.path.exists(a.screenshot) or os.path.getsize(a.screenshot) == 0:
        errors.append("no screenshot")
    for e in errors:
        print("render_check: FAIL " + e)
    if errors:
        sys.exit(1)
    print("render_check: ok: %d sections, screenshot %s" % (len(SECTIONS), a.screenshot))


if __name__ == "__main__":
    main()
