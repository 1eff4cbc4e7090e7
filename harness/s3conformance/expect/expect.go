// Package expect reads the expectations file (per server, the cases known
// to fail, each with its reason) and judges a run against it the way a
// failure list does: an unlisted failure fails the run, and so does a
// listed case that passes.
package expect

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Groups name several servers at once in the file.
var Groups = map[string][]string{
	"lhv1": {"lhv1-memory", "lhv1-file", "lhv1-proxy"},
}

// Entry is one expected failure.
type Entry struct {
	Server, Case, Reason string
	Line                 int
}

// List maps server -> case -> entry.
type List map[string]map[string]Entry

// Lookup is the entry for (server, case), if listed.
func (l List) Lookup(server, c string) (Entry, bool) {
	e, ok := l[server][c]
	return e, ok
}

// Parse reads lines `SERVER CASE # REASON` ('#' lines and blank lines
// ignored). SERVER is a server name or a group; every server and case
// must be known, every entry must give a reason, none may repeat.
func Parse(r io.Reader, servers, cases []string) (List, error) {
	knownServer := set(servers)
	knownCase := set(cases)
	l := List{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, reason, ok := strings.Cut(line, "#")
		reason = strings.TrimSpace(reason)
		f := strings.Fields(head)
		if !ok || reason == "" || len(f) != 2 {
			return nil, fmt.Errorf("line %d: want `SERVER CASE # REASON`: %q", n, line)
		}
		targets := []string{f[0]}
		if g, isGroup := Groups[f[0]]; isGroup {
			targets = g
		}
		if !knownCase[f[1]] {
			return nil, fmt.Errorf("line %d: no case %q in the suite", n, f[1])
		}
		for _, s := range targets {
			if !knownServer[s] {
				return nil, fmt.Errorf("line %d: unknown server %q", n, s)
			}
			if prev, dup := l[s][f[1]]; dup {
				return nil, fmt.Errorf("line %d: %s %s already listed on line %d", n, s, f[1], prev.Line)
			}
			if l[s] == nil {
				l[s] = map[string]Entry{}
			}
			l[s][f[1]] = Entry{Server: s, Case: f[1], Reason: reason, Line: n}
		}
	}
	return l, sc.Err()
}

// ParseFile is Parse on a file.
func ParseFile(path string, servers, cases []string) (List, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := Parse(f, servers, cases)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// Verdict of one case on one server against the list.
type Verdict string

const (
	Pass     Verdict = "pass"            // passed, not listed
	Expected Verdict = "expected-fail"   // failed, listed
	Fail     Verdict = "unexpected-fail" // failed, not listed: fails the run
	XPass    Verdict = "unexpected-pass" // passed, listed: fails the run (remove the entry)
)

// Judge gives the verdict of a result.
func (l List) Judge(server, c string, passed bool) Verdict {
	_, listed := l.Lookup(server, c)
	switch {
	case passed && !listed:
		return Pass
	case passed:
		return XPass
	case listed:
		return Expected
	default:
		return Fail
	}
}

// Bad is whether a verdict fails the run.
func (v Verdict) Bad() bool { return v == Fail || v == XPass }

// Write writes the list that would make a run with these failures pass:
// failing[server] is the set of failing cases. A case every server of a
// group fails is written once under the group; reasons come from old
// where it has one.
func Write(w io.Writer, failing map[string]map[string]bool, old List, header string) error {
	type line struct{ server, c, reason string }
	var lines []line
	reason := func(s, c string) string {
		if e, ok := old.Lookup(s, c); ok {
			return e.Reason
		}
		return "TODO: what S3 does; what this server does; the file that will change"
	}
	done := map[string]map[string]bool{}
	mark := func(s, c string) {
		if done[s] == nil {
			done[s] = map[string]bool{}
		}
		done[s][c] = true
	}
	groups := make([]string, 0, len(Groups))
	for g := range Groups {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		members := Groups[g]
		for c := range failing[members[0]] {
			all, same := true, true
			for _, m := range members {
				all = all && failing[m][c]
				same = same && reason(m, c) == reason(members[0], c)
			}
			if all && same {
				lines = append(lines, line{g, c, reason(members[0], c)})
				for _, m := range members {
					mark(m, c)
				}
			}
		}
	}
	for s, cs := range failing {
		for c := range cs {
			if !done[s][c] {
				lines = append(lines, line{s, c, reason(s, c)})
			}
		}
	}
	sort.Slice(lines, func(i, j int) bool {
		if lines[i].server != lines[j].server {
			return lines[i].server < lines[j].server
		}
		return lines[i].c < lines[j].c
	})
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, header)
	prev := ""
	for _, x := range lines {
		if x.server != prev {
			fmt.Fprintf(bw, "\n# %s\n", x.server)
			prev = x.server
		}
		fmt.Fprintf(bw, "%-12s %-46s # %s\n", x.server, x.c, x.reason)
	}
	return bw.Flush()
}

func set(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}
