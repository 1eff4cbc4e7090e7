package lhv1test

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

// FailureList is a team's list of cases known to fail: the one list both
// `lhv1 conform --failure-list` and TestGoldens read (docs/CONFORMANCE.md,
// "Failure lists"). One case name a line, optionally followed by
// whitespace, '#' and the message the case fails with (the reason both
// tools give in the same words); lines starting with '#' and blank lines
// are ignored. The value is the message ("" when none: any failure is
// expected). A listed case that fails with that message is expected; a
// listed case that passes, or fails with another message, fails the run,
// and so does an unlisted failure.
type FailureList map[string]string

// ReadFailureList reads a failure list file.
func ReadFailureList(path string) (FailureList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l := FailureList{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimLeft(sc.Text(), " \t")
		if strings.HasPrefix(line, "#") || strings.TrimRight(line, " \t\r") == "" {
			continue
		}
		name, rest := line, ""
		if i := strings.IndexAny(line, " \t\r"); i >= 0 {
			name, rest = line[:i], strings.Trim(line[i:], " \t\r")
		}
		msg := ""
		if rest != "" {
			if !strings.HasPrefix(rest, "#") {
				return nil, fmt.Errorf("%s:%d: text after the case name that is not '# message'", path, n)
			}
			msg = strings.Trim(rest[1:], " \t\r")
		}
		if _, dup := l[name]; dup {
			return nil, fmt.Errorf("%s:%d: %s is listed twice", path, n, name)
		}
		l[name] = msg
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

// String is the list in its file format, cases sorted.
func (l FailureList) String() string {
	names := make([]string, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		if m := oneLine(l[n]); m != "" {
			b.WriteString("  # ")
			b.WriteString(m)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// runsHere reports whether go test runs the named case at all: lhv1
// conform's LHV2, archive and edit cases it does not, nor any case of a
// golden Go died on (skipped). results are the run's goldens.
func runsHere(name string, skipped map[string]bool) bool {
	rest, ok := strings.CutPrefix(name, "golden/")
	if !ok {
		return false
	}
	file, _, _ := strings.Cut(rest, "/")
	return !skipped[file]
}

func skippedGoldens(results []GoldenResult) map[string]bool {
	s := map[string]bool{}
	for _, r := range results {
		if r.Skipped {
			s[r.File] = true
		}
	}
	return s
}

// NotRun lists the entries naming a golden case this run does not have
// (a typo, a golden removed, a use or save case the testee does not
// offer), sorted. Entries of cases only lhv1 conform runs are not checked.
func (l FailureList) NotRun(results []GoldenResult) []string {
	skipped, seen := skippedGoldens(results), map[string]bool{}
	for _, r := range results {
		for _, c := range r.Cases() {
			seen[c.Name] = true
		}
	}
	var out []string
	for name := range l {
		if runsHere(name, skipped) && !seen[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Rewritten is the list as this run would keep it: every failing case
// with its message, and the entries for cases go test does not run (lhv1
// conform's LHV2, archive and edit cases, the goldens Go died on) as they
// were.
func (l FailureList) Rewritten(results []GoldenResult) FailureList {
	skipped, out := skippedGoldens(results), FailureList{}
	for name, msg := range l {
		if !runsHere(name, skipped) {
			out[name] = msg
		}
	}
	for _, r := range results {
		for _, c := range r.Cases() {
			if c.Failed && !c.Skipped {
				out[c.Name] = c.Message
			}
		}
	}
	return out
}

// oneLine keeps a message on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
