package lhv1test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// The judge of one case, as lhv1 conform judges it (src/testing/
// conform_judge.c, docs/CONFORMANCE.md "Judging"): the same rules and the
// same words (reasons.go, generated from the C table), so a failing case
// has one message in both tools and one failure list serves both.

// reason fills a reason's placeholders ({s}, {u}, {i}) in order.
func reason(text string, args ...any) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] == '{' && i+2 < len(text) && text[i+2] == '}' && len(args) > 0 {
			fmt.Fprint(&b, args[0])
			args = args[1:]
			i += 2
			continue
		}
		b.WriteByte(text[i])
	}
	return b.String()
}

// Case is one conformance case, named as `lhv1 conform` names it:
// golden/<file> (behaviour, and dump against golden/expected),
// golden/<file>/use and golden/<file>/save.
type Case struct {
	Name    string
	Failed  bool
	Message string // why it fails: the failure list's message
	Detail  string // what the testee said, where dumps part
	Skipped bool   // not run (its load did not succeed, or Go died on the golden)
}

func (c *Case) fail(msg string) {
	c.Failed = true
	if c.Message != "" {
		c.Message += "; "
	}
	c.Message += msg
}

func (c *Case) note(text string) {
	if text == "" {
		return
	}
	if c.Detail != "" {
		c.Detail += "; "
	}
	c.Detail += text
}

// expectation is what a load of a golden should do.
type expectation struct {
	specOK bool      // the spec says ok (else: rejected)
	spec   string    // its words: "ok", "<verdict> <reason>"
	goDid  Behaviour // Go's recorded behaviour
	dump   []byte    // the expected dump, nil when none
}

func specWords(verdict, reasonCode string) string {
	if verdict == "ok" {
		return "ok"
	}
	return verdict + " " + reasonCode
}

// judgeLoad: the testee passes when it does what the spec says (ok, or an
// error where the spec rejects), or, where the spec rejects, loads it as
// Go does (ok or error: a panic never passes); an ok load's dump must
// equal the expected one when the testee gives one.
func judgeLoad(c *Case, w expectation, r reply) {
	agreesSpec := (w.specOK && r.outcome == Ok) || (!w.specOK && r.outcome == Error)
	agreesGo := r.outcome == w.goDid
	c.note(r.message)
	if !agreesSpec && !(agreesGo && (r.outcome == Ok || r.outcome == Error)) {
		c.fail(reason(reasonLoad, r.outcome, w.spec, w.goDid))
	}
	if r.outcome != Ok || w.dump == nil || r.dump == nil {
		return
	}
	if line, col, where, differ := dumpDiff(w.dump, r.dump); differ {
		c.fail(reason(reasonDump, line, col))
		c.note(where)
	}
}

// judgeSave: the written object must load back (here through the
// testee's own loader; lhv1 conform reads it with liblhv1) and dump as the
// request's dump.
func judgeSave(c *Case, t Testee, name string, dump []byte, r reply) {
	c.note(r.message)
	if r.outcome != Ok {
		c.fail(reason(reasonSaveOutcome, r.outcome))
		return
	}
	back, _ := t.load(name, r.object)
	if back.outcome != Ok {
		c.fail(reason(reasonSaveReload, back.outcome))
		c.note(back.message)
		return
	}
	if back.dump == nil {
		return
	}
	if line, col, where, differ := dumpDiff(dump, back.dump); differ {
		c.fail(reason(reasonSaveDump, line, col))
		c.note(where)
	}
}

// dumpDiff gives where got first differs from want: the 1-based line and
// byte column in want, and both texts from a little before there.
func dumpDiff(want, got []byte) (line, col int, where string, differ bool) {
	if bytes.Equal(want, got) {
		return 0, 0, "", false
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	line, start := 1, 0
	for k := 0; k < i; k++ {
		if want[k] == '\n' {
			line, start = line+1, k+1
		}
	}
	from := max(0, i-20)
	excerpt := func(b []byte) string {
		b = b[min(from, len(b)):]
		if len(b) > 80 {
			return strconv.Quote(string(b[:80])) + "..."
		}
		return strconv.Quote(string(b))
	}
	return line, i - start + 1, "expected " + excerpt(want) + ", testee " + excerpt(got), true
}
