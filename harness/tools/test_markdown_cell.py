#!/usr/bin/env python3
"""markdown_cell.py escapes as src/testing/markdown.c does: the same active
characters (read from the C source), control bytes to spaces, code cells
keeping their text but '|' and '`'."""
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from markdown_cell import ACTIVE, md_code, md_text  # noqa: E402


class MarkdownCell(unittest.TestCase):
    def test_active_is_markdown_c(self):
        with open(os.path.join(HERE, "..", "..", "src", "testing", "markdown.c")) as f:
            m = re.search(r'static const char active\[\] = "((?:[^"\\]|\\.)*)";', f.read())
        self.assertIsNotNone(m, "markdown.c: no active[]")
        self.assertEqual(ACTIVE, m.group(1).encode().decode("unicode_escape"))

    def test_text(self):
        self.assertEqual(md_text("plain text, 1.0 (ok)"), "plain text, 1.0 (ok)")
        self.assertEqual(md_text("a|b"), "a\\|b")
        self.assertEqual(md_text("x_y*z`[l](u)<b>&~$\\"),
                         "x\\_y\\*z\\`\\[l\\](u)\\<b\\>\\&\\~\\$\\\\")
        self.assertEqual(md_text("two\nlines\tand\x7f"), "two lines and ")
        self.assertEqual(md_text(3), "3")

    def test_code(self):
        self.assertEqual(md_code("get_x | `y`\n"), "get_x \\| 'y' ")


if __name__ == "__main__":
    unittest.main()
