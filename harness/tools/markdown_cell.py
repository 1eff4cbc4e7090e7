"""Markdown table cells for the harness's Python reports, by the rule of
src/testing/markdown.c (lhv1_md_text, lhv1_md_code_str), so that no text a
report quotes (a test name, an error, a version string) breaks its table or
renders as markup.

  md_text(s)  a backslash before each character that starts something
              inline in GitHub's renderer; control bytes become spaces
  md_code(s)  for inside `...`, where backslashes show: '|' escaped, '`'
              becomes "'", control bytes become spaces
"""
# The characters markdown.c's `active` lists (markdown_cell_test.py checks
# that they stay the same).
ACTIVE = "\\`*_[]<>&|~$"


def _control(c):
    return ord(c) < 0x20 or ord(c) == 0x7F


def md_text(s):
    return "".join(" " if _control(c) else "\\" + c if c in ACTIVE else c for c in str(s))


def md_code(s):
    return "".join(" " if _control(c) else "\\|" if c == "|" else "'" if c == "`" else c
                   for c in str(s))
