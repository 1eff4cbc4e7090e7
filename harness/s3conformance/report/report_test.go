package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lhv1/harness/harness/s3conformance/expect"
)

func sample() *Run {
	r := &Run{Date: "2026-01-02", Servers: []string{"one", "two"}, Rows: []Row{
		{Case: "a/x", Area: "a", Cite: "S3 does x | y", Results: map[string]Cell{
			"one": {Verdict: expect.Pass}, "two": {Verdict: expect.Expected, Reason: "known", Failures: []string{"got 200"}}}},
		{Case: "a/y", Area: "a", Cite: "S3 does y", Results: map[string]Cell{
			"one": {Verdict: expect.Fail, Failures: []string{"got <500>"}}, "two": {Verdict: expect.XPass, Reason: "stale"}}},
	}}
	r.Tally()
	return r
}

func TestTally(t *testing.T) {
	r := sample()
	if r.OK {
		t.Errorf("a run with an unexpected failure is OK")
	}
	if c := r.Counts["one"]; c.Pass != 1 || c.UnexpectedFail != 1 {
		t.Errorf("one: %+v", c)
	}
	if c := r.Counts["two"]; c.ExpectedFail != 1 || c.UnexpectedPass != 1 {
		t.Errorf("two: %+v", c)
	}
	ok := &Run{Servers: []string{"one"}, Rows: []Row{{Case: "a/x", Results: map[string]Cell{
		"one": {Verdict: expect.Expected}}}}}
	ok.Tally()
	if !ok.OK {
		t.Errorf("a run with only listed failures is not OK")
	}
	ok.Errors = []string{"server did not start"}
	ok.Tally()
	if ok.OK {
		t.Errorf("a run with an error is OK")
	}
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := sample().JUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Skipped  int    `xml:"skipped,attr"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Failures != 1 || doc.Suites[1].Failures != 1 ||
		doc.Suites[1].Skipped != 1 || doc.Suites[0].Tests != 2 {
		t.Errorf("suites %+v", doc.Suites)
	}
}

func TestMarkdownAndJSON(t *testing.T) {
	var md, js bytes.Buffer
	r := sample()
	if err := r.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"FAILED", `S3 does x \| y`, "**FAIL**", "listed as failing", "`a/y` **not listed**: got \\<500\\>"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := r.JSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Run
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.OK || len(back.Rows) != 2 ||
		back.Rows[1].Results["one"].Verdict != expect.Fail {
		t.Errorf("JSON does not read back: %v %+v", err, back)
	}
}

// The cells follow src/testing/markdown.c, the rule of every report: its
// active characters, read from the C source, and its handling of control
// bytes and code spans.
func TestCellsAreMarkdownC(t *testing.T) {
	src, err := os.ReadFile("../../../src/testing/markdown.c")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`static const char active\[\] = ("(?:[^"\\]|\\.)*");`).FindSubmatch(src)
	if m == nil {
		t.Fatal("markdown.c: no active[]")
	}
	if c, err := strconv.Unquote(string(m[1])); err != nil || c != mdActive {
		t.Errorf("markdown.c's active characters are %q, the report's %q", m[1], mdActive)
	}
	for in, want := range map[string]string{
		"plain text, 1.0 (ok)":  "plain text, 1.0 (ok)",
		"x_y*z`[l](u)<b>&~$\\|": `x\_y\*z\` + "`" + `\[l\](u)\<b\>\&\~\$\\\|`,
		"two\nlines\tand\x7f":   "two lines and ",
	} {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
	if got := codeCell("get_x | `y`\n"); got != `get_x \| 'y' ` {
		t.Errorf("codeCell: %q", got)
	}
}
