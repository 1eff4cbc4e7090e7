package lhv1test

import (
	"fmt"
	"strconv"
	"strings"
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
// "put-torn-prefix nth=3 cut=57 reply=503".
func (f Fault) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s nth=%d", f.Kind, f.Nth)
	if f.Persistent {
		b.WriteString(" persistent")
	}
	switch {
	case f.Kind.torn():
		reply := 503
		if f.Ack {
			reply = 200
		}
		fmt.Fprintf(&b, " cut=%s reply=%d", f.where(f.Cut), reply)
	case f.Kind == GetBitFlip:
		fmt.Fprintf(&b, " bit=%s", f.where(f.Bit))
	case f.Kind == GetStale || f.Kind == ListStale:
		fmt.Fprintf(&b, " lag=%d", max(f.Lag, 1))
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

// ParseFault reads one plan line (the format of Fault.String). Fields a
// kind does not use are rejected, so a typo cannot silently do nothing.
func ParseFault(line string) (Fault, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return Fault{}, fmt.Errorf("plan: empty line")
	}
	k, ok := KindByName(fields[0])
	if !ok || k == None {
		return Fault{}, fmt.Errorf("plan: unknown fault kind %q", fields[0])
	}
	f := Fault{Kind: k}
	seen := map[string]bool{}
	for _, field := range fields[1:] {
		if field == "persistent" {
			f.Persistent = true
			continue
		}
		name, val, found := strings.Cut(field, "=")
		if !found {
			return Fault{}, fmt.Errorf("plan: %q: field %q is not name=value", line, field)
		}
		if seen[name] {
			return Fault{}, fmt.Errorf("plan: %q: field %q given twice", line, name)
		}
		seen[name] = true
		n, err := strconv.ParseUint(val, 10, 64)
		if err != nil && ((name == "cut" && k.torn()) || (name == "bit" && k == GetBitFlip)) {
			// Not a number: a place in the object (ParseOffset).
			at, err := ParseOffset(val)
			if err != nil {
				return Fault{}, fmt.Errorf("plan: %q: %s=: %v", line, name, err)
			}
			if at.Old && (name != "cut" || k != PutTornOverOld) {
				return Fault{}, fmt.Errorf("plan: %q: an old. place is for the cut of put-torn-over-old", line)
			}
			f.At = at
			continue
		}
		if err != nil {
			return Fault{}, fmt.Errorf("plan: %q: %s=%q is not an unsigned integer", line, name, val)
		}
		switch {
		case name == "nth":
			f.Nth = n
		case name == "cut" && k.torn():
			f.Cut = n
		case name == "bit" && k == GetBitFlip:
			f.Bit = n
		case name == "reply" && k.torn():
			if n != 200 && n != 503 {
				return Fault{}, fmt.Errorf("plan: %q: reply must be 200 or 503", line)
			}
			f.Ack = n == 200
		case name == "lag" && (k == GetStale || k == ListStale):
			f.Lag = n
		default:
			return Fault{}, fmt.Errorf("plan: %q: %s does not take %q", line, k, name)
		}
	}
	if !seen["nth"] {
		return Fault{}, fmt.Errorf("plan: %q: nth= is required", line)
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
