// Package report writes a conformance run as JSON, Markdown (one row per
// behaviour, one column per server) and JUnit XML (one suite per server).
package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/lhv1/harness/harness/s3conformance/expect"
)

// Cell is one case on one server.
type Cell struct {
	Verdict  expect.Verdict `json:"verdict"`
	Failures []string       `json:"failures,omitempty"` // what differed from S3
	Reason   string         `json:"reason,omitempty"`   // the expectations file's, when listed
	Seconds  float64        `json:"seconds"`
}

// Row is one case across the servers.
type Row struct {
	Case    string          `json:"case"`
	Area    string          `json:"area"`
	Cite    string          `json:"cite"`
	Results map[string]Cell `json:"results"`
}

// Counts per server.
type Counts struct {
	Pass           int     `json:"pass"`
	ExpectedFail   int     `json:"expected_fail"`
	UnexpectedFail int     `json:"unexpected_fail"`
	UnexpectedPass int     `json:"unexpected_pass"`
	Seconds        float64 `json:"seconds"`
}

// Run is the whole report.
type Run struct {
	Date    string            `json:"date"`
	Servers []string          `json:"servers"`
	Rows    []Row             `json:"cases"`
	Counts  map[string]Counts `json:"counts"`
	Errors  []string          `json:"errors,omitempty"` // servers that could not run, bad expectations
	OK      bool              `json:"ok"`
}

// Tally fills Counts and OK from the rows.
func (r *Run) Tally() {
	r.Counts = map[string]Counts{}
	r.OK = len(r.Errors) == 0
	for _, row := range r.Rows {
		for s, c := range row.Results {
			n := r.Counts[s]
			switch c.Verdict {
			case expect.Pass:
				n.Pass++
			case expect.Expected:
				n.ExpectedFail++
			case expect.Fail:
				n.UnexpectedFail++
			case expect.XPass:
				n.UnexpectedPass++
			}
			n.Seconds += c.Seconds
			r.Counts[s] = n
			r.OK = r.OK && !c.Verdict.Bad()
		}
	}
}

// WriteAll writes s3conformance.json, .md and .xml into dir.
func (r *Run) WriteAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{{"s3conformance.json", r.JSON}, {"s3conformance.md", r.Markdown}, {"s3conformance.xml", r.JUnit}} {
		fh, err := os.Create(filepath.Join(dir, f.name))
		if err != nil {
			return err
		}
		err = f.write(fh)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

// JSON writes the run as one JSON document.
func (r *Run) JSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

var mark = map[expect.Verdict]string{
	expect.Pass:     "pass",
	expect.Expected: "fail (listed)",
	expect.Fail:     "**FAIL**",
	expect.XPass:    "**PASS, listed as failing**",
}

// mdActive are the characters that start something inline in GitHub's
// renderer: src/testing/markdown.c's rule, which every report shares.
const mdActive = "\\`*_[]<>&|~$"

// cell is text for a Markdown table or list: a backslash before each
// active character, control bytes as spaces (markdown.c's lhv1_md_text).
func cell(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f:
			b.WriteByte(' ')
		case strings.IndexByte(mdActive, c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// codeCell is text for inside `...`, where a backslash shows: only '|' is
// escaped, a backquote becomes an apostrophe (markdown.c's lhv1_md_code_str).
func codeCell(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f:
			b.WriteByte(' ')
		case c == '|':
			b.WriteString(`\|`)
		case c == '`':
			b.WriteByte('\'')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Markdown writes the per-behaviour table and, per server, what failed.
func (r *Run) Markdown(w io.Writer) error {
	var b strings.Builder
	verdict := "passed"
	if !r.OK {
		verdict = "FAILED"
	}
	fmt.Fprintf(&b, "# S3 conformance (%s)\n\n%d behaviours of the S3 API reference, run %s: %s.\n\n",
		r.Date, len(r.Rows), r.Date, verdict)
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "- **error**: %s\n", cell(e))
	}
	b.WriteString("| server | pass | fail (listed) | unexpected fail | unexpected pass | seconds |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, s := range r.Servers {
		c := r.Counts[s]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %.1f |\n", s, c.Pass, c.ExpectedFail, c.UnexpectedFail,
			c.UnexpectedPass, c.Seconds)
	}
	area := ""
	for _, row := range r.Rows {
		if row.Area != area {
			area = row.Area
			fmt.Fprintf(&b, "\n## %s\n\n| behaviour | S3 | %s |\n| --- | --- |%s\n", area,
				strings.Join(r.Servers, " | "), strings.Repeat(" --- |", len(r.Servers)))
		}
		fmt.Fprintf(&b, "| `%s` | %s |", codeCell(row.Case), cell(row.Cite))
		for _, s := range r.Servers {
			fmt.Fprintf(&b, " %s |", mark[row.Results[s].Verdict])
		}
		b.WriteString("\n")
	}
	for _, s := range r.Servers {
		fmt.Fprintf(&b, "\n## What %s gets wrong\n\n", s)
		n := 0
		for _, row := range r.Rows {
			c := row.Results[s]
			if c.Verdict == expect.Pass {
				continue
			}
			n++
			first := ""
			if len(c.Failures) > 0 {
				first = c.Failures[0]
			}
			switch c.Verdict {
			case expect.Expected:
				fmt.Fprintf(&b, "- `%s` (listed: %s): %s\n", codeCell(row.Case), cell(c.Reason), cell(first))
			case expect.Fail:
				fmt.Fprintf(&b, "- `%s` **not listed**: %s\n", codeCell(row.Case), cell(strings.Join(c.Failures, "; ")))
			case expect.XPass:
				fmt.Fprintf(&b, "- `%s` **passes but is listed** (%s): remove the entry\n", codeCell(row.Case), cell(c.Reason))
			}
		}
		if n == 0 {
			b.WriteString("Nothing.\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitFailure `xml:"skipped,omitempty"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

// JUnit writes one testsuite per server: an unexpected failure or pass is
// a <failure>, a listed failure <skipped> with its reason.
func (r *Run) JUnit(w io.Writer) error {
	type suites struct {
		XMLName xml.Name     `xml:"testsuites"`
		Suites  []junitSuite `xml:"testsuite"`
	}
	var out suites
	for _, s := range r.Servers {
		su := junitSuite{Name: "s3conformance." + s, Time: fmt.Sprintf("%.3f", r.Counts[s].Seconds)}
		for _, row := range r.Rows {
			c, ok := row.Results[s]
			if !ok {
				continue
			}
			jc := junitCase{Classname: "s3conformance." + s + "." + row.Area, Name: row.Case,
				Time: fmt.Sprintf("%.3f", c.Seconds)}
			switch c.Verdict {
			case expect.Fail:
				jc.Failure = &junitFailure{Message: "differs from S3: " + row.Cite, Text: strings.Join(c.Failures, "\n")}
				su.Failures++
			case expect.XPass:
				jc.Failure = &junitFailure{Message: "passes but the expectations list it: " + c.Reason}
				su.Failures++
			case expect.Expected:
				jc.Skipped = &junitFailure{Message: "expected failure: " + c.Reason, Text: strings.Join(c.Failures, "\n")}
				su.Skipped++
			}
			su.Cases = append(su.Cases, jc)
			su.Tests++
		}
		out.Suites = append(out.Suites, su)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	e := xml.NewEncoder(w)
	e.Indent("", "  ")
	if err := e.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
