package main

// The envelope half of the differential test (harness/conformance,
// docs/GOLDENS.md): seeded edits of the goldens' envelopes aimed at where
// encoding/json and a plain JSON reading differ (key case and Unicode
// folds, \u0000 in keys, number spellings, duplicates, nesting), and what
// Go's DecodeEnvelope reads from any object, in-process. JSON decoding
// allocates no more than its input asks for, so no child process is needed
// and thousands of objects take a second.

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/model"
)

// span is a byte range of the envelope text.
type span struct{ start, end int }

// jsonMap is where the parts of a (valid) JSON text are.
type jsonMap struct {
	keys    []span // member keys, quotes included
	members []span // "key": value
	values  []span // every value, containers included
	numbers []span
	objects []span // '{' .. '}'
}

// mapJSON locates the parts of a JSON text; false when it is not JSON
// this small parser follows (the edits below keep their input JSON).
func mapJSON(b []byte) (*jsonMap, bool) {
	m := &jsonMap{}
	i := 0
	ws := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	str := func() bool {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		for i++; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				i++
				return true
			}
		}
		return false
	}
	var value func(depth int) bool
	value = func(depth int) bool {
		ws()
		if i >= len(b) || depth > 20000 {
			return false
		}
		start := i
		switch c := b[i]; {
		case c == '{':
			i++
			ws()
			if i < len(b) && b[i] == '}' {
				i++
				break
			}
			for {
				ws()
				ks := i
				if !str() {
					return false
				}
				m.keys = append(m.keys, span{ks, i})
				ws()
				if i >= len(b) || b[i] != ':' {
					return false
				}
				i++
				if !value(depth + 1) {
					return false
				}
				m.members = append(m.members, span{ks, i})
				ws()
				if i < len(b) && b[i] == ',' {
					i++
					continue
				}
				if i < len(b) && b[i] == '}' {
					i++
					break
				}
				return false
			}
			m.objects = append(m.objects, span{start, i})
		case c == '[':
			i++
			ws()
			if i < len(b) && b[i] == ']' {
				i++
				break
			}
			for {
				if !value(depth + 1) {
					return false
				}
				ws()
				if i < len(b) && b[i] == ',' {
					i++
					continue
				}
				if i < len(b) && b[i] == ']' {
					i++
					break
				}
				return false
			}
		case c == '"':
			if !str() {
				return false
			}
		case c == '-' || (c >= '0' && c <= '9'):
			for i < len(b) && strings.IndexByte("+-.eE0123456789", b[i]) >= 0 {
				i++
			}
			m.numbers = append(m.numbers, span{start, i})
		default:
			for _, lit := range []string{"true", "false", "null"} {
				if bytes.HasPrefix(b[i:], []byte(lit)) {
					i += len(lit)
					m.values = append(m.values, span{start, i})
					return true
				}
			}
			return false
		}
		m.values = append(m.values, span{start, i})
		return true
	}
	if !value(0) {
		return nil, false
	}
	return m, true
}

// The schema's field names: edits aim at keys that are (nearly) these.
var schemaFields = []string{"version", "params", "name", "dimension", "distance", "m", "ef_search", "count", "metadata"}

func isSchemaKey(b []byte, k span) bool {
	name := string(b[k.start+1 : k.end-1])
	for _, f := range schemaFields {
		if name == f {
			return true
		}
	}
	return false
}

// pickKey prefers the schema's keys, where folding matters.
func pickKey(r *rand.Rand, b []byte, m *jsonMap) (span, bool) {
	if len(m.keys) == 0 {
		return span{}, false
	}
	var schema []span
	for _, k := range m.keys {
		if isSchemaKey(b, k) {
			schema = append(schema, k)
		}
	}
	if len(schema) > 0 && r.Intn(4) != 0 {
		return schema[r.Intn(len(schema))], true
	}
	return m.keys[r.Intn(len(m.keys))], true
}

func splice(b []byte, s span, with string) []byte {
	out := append([]byte(nil), b[:s.start]...)
	out = append(out, with...)
	return append(out, b[s.end:]...)
}

// foldSpellings are ways to write one letter of a key: the same key
// (escaped), a key Go folds onto it, or one Go does not fold.
var foldSpellings = map[byte][]string{
	's': {"ſ", `\u017f`, `\u017F`, "S", `\u0053`, `\u0073`},
	'k': {"K", `\u212a`, "K"},
	'i': {"İ", "ı", `\u0130`, `\u0131`, "I", `\u0069`},
	'e': {"E", `\u0065`, "é"},
	'a': {"A", `\u0041`},
	'n': {"N", `\u006e`},
	'm': {"M", `\u004d`},
	'c': {"C", `\u0063`},
	'_': {`\u005f`, "-"},
}

// editKey respells one key: letter case, a Unicode fold, an escape, or a
// NUL inside or after it.
func editKey(r *rand.Rand, b []byte, m *jsonMap) []byte {
	k, ok := pickKey(r, b, m)
	if !ok {
		return b
	}
	name := []byte(string(b[k.start+1 : k.end-1]))
	switch r.Intn(4) {
	case 0: // flip the case of some ASCII letters
		var out []byte
		flipped := false
		for _, c := range name {
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && (r.Intn(2) == 0 || !flipped) {
				c ^= 0x20
				flipped = true
			}
			out = append(out, c)
		}
		return splice(b, k, `"`+string(out)+`"`)
	case 1, 2: // one letter written another way
		var at []int
		for i, c := range name {
			if foldSpellings[c|0x20] != nil || foldSpellings[c] != nil {
				at = append(at, i)
			}
		}
		if len(at) == 0 {
			return b
		}
		i := at[r.Intn(len(at))]
		alts := foldSpellings[name[i]|0x20]
		if alts == nil {
			alts = foldSpellings[name[i]]
		}
		s := string(name[:i]) + alts[r.Intn(len(alts))] + string(name[i+1:])
		return splice(b, k, `"`+s+`"`)
	default: // \u0000 inside or after the key
		i := r.Intn(len(name) + 1)
		return splice(b, k, `"`+string(name[:i])+`\u0000`+string(name[i:])+`"`)
	}
}

// numberSpellings are respellings of an integer literal n (value kept or
// not), and a few literals on the edges of int64, 2^53 and float64.
func numberSpellings(n string) []string {
	out := []string{n + ".0", n + ".00", n + "e0", n + "E0", n + "E+0", n + "0e-1", n + ".5", "-" + n,
		n + "e3", n + "E-1"}
	if n == "0" {
		out = append(out, "-0", "0.0", "-0.0", "0e5", "0E-5")
	}
	if len(n) > 1 && strings.HasSuffix(n, "0") {
		out = append(out, n[:len(n)-1]+"e1", n[:len(n)-1]+"E+1")
	}
	return append(out, "9007199254740993", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "1e999", "-1e999", "1e-400", "1.7976931348623157e308",
		"2e308", "4.9e-324", "1"+strings.Repeat("0", 70), "0."+strings.Repeat("0", 70)+"1")
}

func editNumber(r *rand.Rand, b []byte, m *jsonMap) []byte {
	if len(m.numbers) == 0 {
		return b
	}
	s := m.numbers[r.Intn(len(m.numbers))]
	lit := string(b[s.start:s.end])
	if strings.ContainsAny(lit, ".eE-") {
		alts := []string{"1", "0", "-0", "1.0", lit + "0", lit + "e0", "1e999"}
		return splice(b, s, alts[r.Intn(len(alts))])
	}
	alts := numberSpellings(lit)
	return splice(b, s, alts[r.Intn(len(alts))])
}

// duplicate repeats a member in its object (before or after it), with the
// same value or another, under the same key or a case/Unicode variant.
func duplicate(r *rand.Rand, b []byte, m *jsonMap) []byte {
	if len(m.members) == 0 {
		return b
	}
	var pick span
	for tries := 0; tries < 4; tries++ {
		pick = m.members[r.Intn(len(m.members))]
		if isSchemaKey(b, span{pick.start, pick.start + bytes.IndexByte(b[pick.start+1:], '"') + 2}) {
			break
		}
	}
	member := string(b[pick.start:pick.end])
	colon := strings.Index(member, ":")
	key, val := member[:colon], member[colon+1:]
	switch r.Intn(5) {
	case 0:
		val = "2"
	case 1:
		val = "null"
	case 2:
		val = `"x"`
	}
	if r.Intn(2) == 0 && len(key) > 2 {
		variants := []string{strings.ToUpper(key), strings.ToUpper(key[:2]) + key[2:],
			strings.Replace(key, "s", "ſ", 1), strings.Replace(key, "i", "ı", 1), key[:len(key)-1] + `\u0000"`}
		key = variants[r.Intn(len(variants))]
	}
	dup := key + ":" + val
	if r.Intn(2) == 0 {
		return splice(b, span{pick.end, pick.end}, ","+dup)
	}
	return splice(b, span{pick.start, pick.start}, dup+",")
}

// nest wraps a value, or adds a deeply nested member (around cJSON's 1,000
// and Go's 10,000 levels), at the top or inside metadata.
func nest(r *rand.Rand, b []byte, m *jsonMap) []byte {
	if r.Intn(2) == 0 && len(m.values) > 1 {
		v := m.values[r.Intn(len(m.values)-1)] // the last value is the envelope
		inner := string(b[v.start:v.end])
		wraps := []string{"[" + inner + "]", `{"x":` + inner + "}", `{"version":` + inner + "}"}
		return splice(b, v, wraps[r.Intn(len(wraps))])
	}
	depths := []int{2, 10, 999, 1000, 1001, 5000, 9997, 9998, 9999, 10000}
	d := depths[r.Intn(len(depths))]
	leaves := []string{"1", "1e999", "1.0", `"s"`, "null", "{}"}
	deep := strings.Repeat("[", d) + leaves[r.Intn(len(leaves))] + strings.Repeat("]", d)
	if len(m.objects) == 0 {
		return b
	}
	o := m.objects[r.Intn(len(m.objects))]
	member := `"deep":` + deep
	if r.Intn(3) == 0 {
		member = `"metadata":{"v0000":{"deep":` + deep + `}}`
	}
	if strings.TrimSpace(string(b[o.start+1:o.end-1])) == "" {
		return splice(b, span{o.start + 1, o.start + 1}, member)
	}
	return splice(b, span{o.start + 1, o.start + 1}, member+",")
}

// addFoldedMember adds a member whose key is a field's name spelt another
// way, at the top or in params.
func addFoldedMember(r *rand.Rand, b []byte, m *jsonMap) []byte {
	if len(m.objects) == 0 {
		return b
	}
	names := []string{"Version", "VERSION", `vers\u0130on`, "versıon", "verſion", `\u0076ersion`,
		"Count", `coun\u0074`, "Params", "paramſ", "Metadata", `metadata\u0000`, "NAME", "M",
		"Ef_Search", "diſtance", "Dimension", "dımension", "\u212aount", "version\\u0000", "count\\u0000"}
	vals := []string{"1", "2", "0", `"s"`, "null", "{}", "[]", "1.0", `{"name":"x"}`}
	o := m.objects[r.Intn(len(m.objects))]
	member := `"` + names[r.Intn(len(names))] + `":` + vals[r.Intn(len(vals))]
	if strings.TrimSpace(string(b[o.start+1:o.end-1])) == "" {
		return splice(b, span{o.start + 1, o.start + 1}, member)
	}
	return splice(b, span{o.end - 1, o.end - 1}, ","+member)
}

// envelopeEdits writes n objects: the envelope of a y_ golden (which Go
// loads, graph and all) with 1 to 3 edits, and that golden's graph
// untouched, so what Go does with the object is what it does with the
// envelope.
func envelopeEdits(from, out string, n int, seed int64) error {
	paths, err := filepath.Glob(filepath.Join(from, "y_*.lhv1"))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	type base struct{ env, graph []byte }
	var bases []base
	for _, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		env, graph, err := model.Unframe(body)
		if err != nil || len(body) > 6000 {
			continue
		}
		if _, ok := mapJSON(env); ok {
			bases = append(bases, base{env, graph})
		}
	}
	if len(bases) == 0 {
		return fmt.Errorf("no y_ objects in %s", from)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	edits := []func(*rand.Rand, []byte, *jsonMap) []byte{editKey, editKey, editNumber, editNumber,
		duplicate, nest, addFoldedMember}
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < n; i++ {
		b := bases[r.Intn(len(bases))]
		env := b.env
		for k := 1 + r.Intn(3); k > 0; k-- {
			m, ok := mapJSON(env)
			if !ok {
				break
			}
			env = edits[r.Intn(len(edits))](r, env, m)
		}
		if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("e%05d", i)), model.Frame(env, b.graph), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// envelopeValues prints, for each file, what Go's DecodeEnvelope makes of
// its envelope: "<file> TAB ok|error TAB <message> TAB <ENVELOPE dump or
// ->" (FORMAT.md section 6's ENVELOPE: version, params, count, metadata).
func envelopeValues(files []string) error {
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		res, msg, values := "error", "-", "-"
		if env, _, err := model.Unframe(body); err != nil {
			msg = err.Error()
		} else if idx, err := model.DecodeEnvelope(env); err != nil {
			msg = err.Error()
		} else {
			d, err := dump.EnvelopeDump(idx)
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			res, values = "ok", string(d)
		}
		fmt.Printf("%s\t%s\t%s\t%s\n", f, res, cell(msg), values)
	}
	return nil
}
