package lhv1test

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

// FailureList is a team's list of cases known to fail, in the format of
// `lhv1 conform --failure-list` (protobuf's): one case name a line,
// optionally followed by "  # " and the failure's message; lines starting
// with '#' and blank lines are ignored. The value is the message ("" when
// none). A listed case that fails is expected; a listed case that passes
// fails the run ("now passes: remove it from the list"); an unlisted
// failure fails the run.
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
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, msg := line, ""
		if i := strings.Index(line, "#"); i >= 0 {
			name, msg = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
		}
		if strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("%s:%d: %q is not one case name", path, n, name)
		}
		if _, dup := l[name]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", path, n, name)
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

// oneLine keeps a message on its line (and of a readable length).
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "..."
	}
	return s
}
