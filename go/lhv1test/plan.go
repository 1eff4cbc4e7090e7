package lhv1test

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Fault is one planned fault, the Go twin of struct lhv1_fault: it fires
// on the Nth operation of its kind's type (0-based, counted over the life
// of the FaultStore), and on every later one when Persistent.
type Fault struct {
	Kind       Kind
	Nth        uint64
	Persistent bool
	Cut        uint64 // torn writes: bytes of the new body kept (clamped)
	Bit        uint64 // bit flip: bit index in the returned body (mod 8*len)
	Ack        bool   // torn writes: reply 200 (true) or 503
	Lag        uint64 // stale read/list: versions or mutations back; 0 means 1
	// At, when it names a place (cut=layer0.node3, bit=graph+40), places
	// the cut or the bit in the body the fault acts on, instead of Cut or
	// Bit: the same field on every run, whatever order the writer chose.
	At Offset
}

// String is the plan line of the fault, the format of lhv1_fault_format:
// "put-torn-prefix nth=3 cut=57 reply=503" (the fields the kind takes, in
// the table's order).
func (f Fault) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s nth=%d", f.Kind, f.Nth)
	if f.Persistent {
		b.WriteString(" persistent")
	}
	for _, fl := range fields {
		if !f.Kind.Takes(fl.name) {
			continue
		}
		switch fl.name {
		case "cut":
			fmt.Fprintf(&b, " cut=%s", f.where(f.Cut))
		case "bit":
			fmt.Fprintf(&b, " bit=%s", f.where(f.Bit))
		case "reply":
			reply := 503
			if f.Ack {
				reply = 200
			}
			fmt.Fprintf(&b, " reply=%d", reply)
		case "lag":
			fmt.Fprintf(&b, " lag=%d", max(f.Lag, 1))
		}
	}
	return b.String()
}

// where is the text of the cut or bit: the place, or the number.
func (f Fault) where(n uint64) string {
	if f.At.Relative() {
		return f.At.String()
	}
	return strconv.FormatUint(n, 10)
}

// PlanError is a refused plan line. Reason is in the words lhv1 serve
// uses for the same mistake in a rule, and the C plan reader in a line
// (both from src/testing/fault_kinds.json).
type PlanError struct {
	Line   string
	Reason string
}

func (e *PlanError) Error() string { return fmt.Sprintf("plan: %q: %s", e.Line, e.Reason) }

type valueType int

const (
	valueUint valueType = iota
	valueBool
	valueString
)

// planItem is a word of a plan line: the kind (the first word) or a field.
type planItem struct {
	name string
	typ  valueType
	u    uint64
	b    bool
	s    string
}

// planValue reads a value as the C reader does: true and false are bools,
// decimal digits that fit in 64 bits an unsigned integer, the rest text.
func planValue(name, text string) planItem {
	it := planItem{name: name, typ: valueString, s: text}
	if text == "true" || text == "false" {
		it.typ, it.b = valueBool, text == "true"
	} else if n, err := strconv.ParseUint(text, 10, 64); err == nil {
		it.typ, it.u = valueUint, n
	}
	return it
}

func fieldByName(name string) (fieldRow, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return fieldRow{}, false
}

// valueOK is whether the value is in the field's type and range (the
// types of fault_kinds.json).
func valueOK(f fieldRow, it planItem) bool {
	switch f.typ {
	case "uint", "place": // a place is read by ParseFault
		return it.typ == valueUint && (f.max == 0 || it.u <= f.max)
	case "bool":
		return it.typ == valueBool
	case "reply":
		return it.typ == valueUint && (it.u == 200 || it.u == 503)
	case "probability":
		return it.typ == valueUint && it.u == 1
	case "pattern":
		return it.typ == valueString && len(it.s) < 512 && utf8.ValidString(it.s)
	case "op":
		switch it.s {
		case "put", "get", "list", "delete", "any":
			return it.typ == valueString
		}
	case "s3code":
		if it.typ != valueString || it.s == "" || len(it.s) >= 48 || it.s == "NoSuchKey" {
			return false
		}
		for _, c := range it.s {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				return false
			}
		}
		return true
	}
	return false
}

// ParseFault reads one plan line (the format of Fault.String); nth
// defaults to 0, reply to 503. A cut or bit may name a place in the object
// (cut=layer0.node3, bit=graph+40: Fault.At) instead of a number. It checks what the C reader and lhv1 serve
// check, in the same order, and refuses with the same words (a
// *PlanError): an unknown field or one given twice; an unknown kind or an
// HTTP one; a field the kind does not take (so a typo cannot silently do
// nothing), a rule-only field, a value out of its type or range.
func ParseFault(line string) (Fault, error) {
	refuse := func(format string, args ...any) (Fault, error) {
		return Fault{}, &PlanError{Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	words := strings.FieldsFunc(line, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n'
	})
	var items []planItem
	for i, w := range words {
		name, val, hasValue := strings.Cut(w, "=")
		switch {
		case i == 0:
			items = append(items, planItem{name: "kind", typ: valueString, s: w})
		case w == "persistent":
			items = append(items, planItem{name: w, typ: valueBool, b: true})
		case !hasValue:
			return refuse(reasonNotNameValue, w)
		default:
			items = append(items, planValue(name, val))
		}
	}
	seen := map[string]bool{}
	for _, it := range items {
		if _, ok := fieldByName(it.name); !ok && it.name != "kind" {
			return refuse(reasonUnknownField, it.name)
		}
		if seen[it.name] {
			return refuse(reasonTwice, it.name)
		}
		seen[it.name] = true
	}
	if len(items) == 0 {
		return refuse(reasonEmptyLine)
	}
	k, ok := KindByName(items[0].s)
	if !ok || k == None {
		for _, h := range allKinds[kindCount:] {
			if h.name == items[0].s {
				return refuse(reasonHttpInPlan, h.name)
			}
		}
		return refuse(reasonUnknownKind, items[0].s)
	}
	f := Fault{Kind: k}
	for _, it := range items[1:] {
		fr, _ := fieldByName(it.name)
		if !fr.common && !k.Takes(fr.name) {
			return refuse(reasonNotTaken, k.String(), fr.name)
		}
		if !fr.inPlan {
			return refuse(reasonRuleOnly, fr.name)
		}
		if fr.typ == "place" && it.typ == valueString {
			// A place (ParseOffset): resolved in the body the fault acts on.
			at, err := ParseOffset(it.s)
			if err != nil || !at.Relative() {
				return refuse("%s", fr.refusal)
			}
			if at.Old && (fr.name != "cut" || k != PutTornOverOld) {
				return refuse(reasonOldPlace)
			}
			f.At = at
			continue
		}
		if !valueOK(fr, it) {
			return refuse("%s", fr.refusal)
		}
		switch it.name {
		case "nth":
			f.Nth = it.u
		case "persistent":
			f.Persistent = it.b
		case "cut":
			f.Cut = it.u
		case "reply":
			f.Ack = it.u == 200
		case "bit":
			f.Bit = it.u
		case "lag":
			f.Lag = it.u
		}
	}
	return f, nil
}

// ParsePlan reads one fault per line; blank lines and lines starting with
// '#' are skipped.
func ParsePlan(text string) ([]Fault, error) {
	var plan []Fault
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f, err := ParseFault(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		plan = append(plan, f)
	}
	return plan, nil
}

// Absolute is the fault with its place dropped: after a FaultStore
// resolved a place (Effect.Fault), its plan line with the numbers.
func (f Fault) Absolute() Fault {
	f.At = Offset{}
	return f
}
