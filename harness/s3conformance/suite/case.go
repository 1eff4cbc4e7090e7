// Package suite is the S3 conformance suite: one named case per S3
// behaviour a storage client relies on, each with the line of the S3 API
// reference it checks, run against any S3 endpoint (a Target).
package suite

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"time"
)

// Case is one behaviour of S3.
type Case struct {
	Name string // "<area>/<behaviour>", unique
	Cite string // the S3 behaviour checked, as the API reference states it
	Run  func(t *T)
}

// Area is the part of Name before the slash (object, range, list, ...).
func (c Case) Area() string { return strings.SplitN(c.Name, "/", 2)[0] }

var registry []Case

// register adds cases at init time; a repeated or malformed name is a bug
// of the suite and stops the program.
func register(cs ...Case) {
	for _, c := range cs {
		if !caseName.MatchString(c.Name) || c.Cite == "" || c.Run == nil {
			panic("suite: malformed case " + c.Name)
		}
		for _, o := range registry {
			if o.Name == c.Name {
				panic("suite: case registered twice: " + c.Name)
			}
		}
		registry = append(registry, c)
	}
}

var caseName = regexp.MustCompile(`^[a-z0-9]+/[a-z0-9][a-z0-9.-]*$`)

// Cases returns every case, sorted by name.
func Cases() []Case {
	out := append([]Case(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Result is what one case did against one target.
type Result struct {
	Case     string
	Pass     bool
	Failures []string // what differed from S3, in order
	Duration time.Duration
}

// failNow unwinds a case after Fatalf.
type failNow struct{}

// RunCase runs c against tgt with a fresh set of buckets; a panic in the
// case is a failure of the case, reported with its stack.
func RunCase(tgt *Target, c Case, serial int) (res Result) {
	t := &T{tgt: tgt, name: c.Name, serial: serial}
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(failNow); !ok {
				t.failures = append(t.failures, fmt.Sprintf("panic: %v\n%s", p, debug.Stack()))
			}
		}
		res = Result{Case: c.Name, Pass: len(t.failures) == 0, Failures: t.failures,
			Duration: time.Since(start)}
	}()
	c.Run(t)
	return
}
