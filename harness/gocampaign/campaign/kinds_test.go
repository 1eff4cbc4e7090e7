package campaign

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
)

// cTable reads the rows of LHV1_FAULT_KINDS from the C header: one
// []string of macro arguments per kind.
func cTable(t *testing.T) [][]string {
	t.Helper()
	src, err := os.ReadFile("../../../src/testing/include/lhv1testing/fault_kinds.h")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "#define LHV1_FAULT_KINDS(X)")
	if start < 0 {
		t.Fatal("no LHV1_FAULT_KINDS in fault_kinds.h")
	}
	text = text[start+len("#define LHV1_FAULT_KINDS(X)"):]
	end := strings.Index(text, "\ntypedef")
	text = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(text[:end], "")
	text = strings.ReplaceAll(text, "\\\n", " ")
	var rows [][]string
	for i := 0; i < len(text); i++ {
		if !strings.HasPrefix(text[i:], "X(") {
			continue
		}
		// Split the arguments at top-level commas, outside strings.
		depth, inStr, arg := 0, false, strings.Builder{}
		var args []string
		j := i + 2
	scan:
		for ; j < len(text); j++ {
			c := text[j]
			switch {
			case inStr:
				inStr = c != '"'
			case c == '"':
				inStr = true
			case c == '(':
				depth++
			case c == ')' && depth == 0:
				args = append(args, strings.TrimSpace(arg.String()))
				break scan
			case c == ')':
				depth--
			case c == ',' && depth == 0:
				args = append(args, strings.TrimSpace(arg.String()))
				arg.Reset()
				continue
			}
			arg.WriteByte(c)
		}
		rows = append(rows, args)
		i = j
	}
	return rows
}

// evalSet evaluates a C outcome-set expression of the table: 0, LHV1_O(X),
// LHV1_O_DETECTED, LHV1_O_ALL, with | & ~ and parentheses.
func evalSet(expr string) (uint, error) {
	toks := regexp.MustCompile(`LHV1_O\(\w+\)|\w+|[()|&~]`).FindAllString(expr, -1)
	p := 0
	var or, and, unary func() (uint, error)
	primary := func() (uint, error) {
		if p >= len(toks) {
			return 0, fmt.Errorf("%q: unexpected end", expr)
		}
		tok := toks[p]
		p++
		switch {
		case tok == "(":
			v, err := or()
			if err != nil {
				return 0, err
			}
			if p >= len(toks) || toks[p] != ")" {
				return 0, fmt.Errorf("%q: missing )", expr)
			}
			p++
			return v, nil
		case tok == "LHV1_O_DETECTED":
			return oDetected, nil
		case tok == "LHV1_O_ALL":
			return oAll, nil
		case strings.HasPrefix(tok, "LHV1_O("):
			name := tok[len("LHV1_O(") : len(tok)-1]
			for oc := Outcome(0); oc < outcomeCount; oc++ {
				if strings.ReplaceAll(strings.ToUpper(oc.String()), "-", "_") == name {
					return 1 << oc, nil
				}
			}
			return 0, fmt.Errorf("unknown outcome %s", name)
		}
		n, err := strconv.ParseUint(tok, 10, 32)
		return uint(n), err
	}
	unary = func() (uint, error) {
		if p < len(toks) && toks[p] == "~" {
			p++
			v, err := unary()
			return ^v, err
		}
		return primary()
	}
	and = func() (uint, error) {
		v, err := unary()
		for err == nil && p < len(toks) && toks[p] == "&" {
			p++
			var w uint
			w, err = unary()
			v &= w
		}
		return v, err
	}
	or = func() (uint, error) {
		v, err := and()
		for err == nil && p < len(toks) && toks[p] == "|" {
			p++
			var w uint
			w, err = and()
			v |= w
		}
		return v, err
	}
	v, err := or()
	if err == nil && p != len(toks) {
		err = fmt.Errorf("%q: trailing tokens", expr)
	}
	return v & oAll, err
}

// The Go campaign's facts equal the C table's columns, kind by kind. The
// columns are found by name in the table's own legend
// ("X(id, name, op, ...)"), so a new column does not shift the others.
func TestFactsMatchTheCTable(t *testing.T) {
	rows := cTable(t)
	src, _ := os.ReadFile("../../../src/testing/include/lhv1testing/fault_kinds.h")
	legend := regexp.MustCompile(`/\* X\(([a-z, ]+)\)`).FindSubmatch(src)
	if legend == nil {
		t.Fatal("no X(...) legend in fault_kinds.h")
	}
	col := map[string]int{}
	for i, name := range strings.Split(string(legend[1]), ",") {
		col[strings.TrimSpace(name)] = i
	}
	for _, name := range []string{"name", "rows", "expected", "any", "each", "only", "check"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("the C table has no column %q (legend %s)", name, legend[1])
		}
	}
	if len(rows) != len(lhv1test.Kinds())+1 {
		t.Fatalf("C table has %d kinds, Go %d (+none)", len(rows), len(lhv1test.Kinds()))
	}
	rowsOf := map[string]int{"LHV1_ROWS_ONCE": rowsOnce, "LHV1_ROWS_PERSISTENT": rowsPersistent, "LHV1_ROWS_REPLY": rowsReply}
	for _, r := range rows[1:] {
		if len(r) != len(col) {
			t.Fatalf("row %v: %d arguments, the legend has %d", r, len(r), len(col))
		}
		name, _ := strconv.Unquote(r[col["name"]])
		k, ok := lhv1test.KindByName(name)
		if !ok {
			t.Errorf("C kind %q unknown in Go", name)
			continue
		}
		var got [4]uint
		for i, c := range []string{"expected", "any", "each", "only"} {
			v, err := evalSet(r[col[c]])
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got[i] = v
		}
		check, _ := strconv.Unquote(r[col["check"]])
		want := kindFacts{rowsOf[r[col["rows"]]], got[0], got[1], got[2], got[3], check}
		if f := facts[k]; f != want {
			t.Errorf("%s: Go %+v, C %+v", name, f, want)
		}
	}
}

// The evaluator itself, on the forms the table uses.
func TestEvalSet(t *testing.T) {
	for expr, want := range map[string]uint{
		"0":                               0,
		"LHV1_O(STALE)":                   o(Stale),
		"LHV1_O(MISSING) | LHV1_O(STALE)": o(Missing, Stale),
		"LHV1_O_ALL & ~LHV1_O(LATEST)":    oAll &^ o(Latest),
		"LHV1_O_ALL & ~(LHV1_O(LATEST) | LHV1_O(IN_FLIGHT))": oAll &^ o(Latest, InFlight),
		"LHV1_O_DETECTED | LHV1_O(SILENT_WRONG)":             oDetected | o(SilentWrong),
	} {
		if got, err := evalSet(expr); err != nil || got != want {
			t.Errorf("%s = %b, %v; want %b", expr, got, err, want)
		}
	}
}
