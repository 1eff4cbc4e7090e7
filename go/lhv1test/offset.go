package lhv1test

import (
	"fmt"
	"strconv"
	"strings"
)

//go:generate go run ./internal/anchorgen/gen

// anchor is a row of the place table (anchors_table.go, generated from the
// C table LHV1_PLAN_ANCHORS, the one definition of the syntax below).
type anchor int

type anchorDef struct {
	name    string
	parent  anchor
	indexed bool
	what    string
}

const maxSteps = 3

// Offset is where a torn write cuts or a bit flip flips (docs/FAULTS.md,
// "Plan offsets"): a number, or a place in the object and a distance from
// it, so that a plan means the same field on every run even when the
// writer lays nodes out in map order:
//
//	OFFSET := N | ["old."] PLACE [("+" | "-") N]
//	PLACE  := envelope | graph | end | layerL[.nodeN[.vector | .neighbors | .neighborK]]
//
// Nodes and neighbours are numbered in bytewise key order. A cut counts
// bytes from the place, a bit counts bits from the place's first bit.
// "old." places a torn-over-old cut in the object the write lands over.
type Offset struct {
	Old   bool
	n     int
	steps [maxSteps]step
	// Delta is the distance from the place, or the number itself when
	// there is no place.
	Delta int64
}

type step struct {
	a     anchor
	index uint64
}

// Relative reports whether the offset names a place.
func (o Offset) Relative() bool { return o.n > 0 }

// ParseOffset reads the text form (the value of cut= or bit=).
func ParseOffset(s string) (Offset, error) {
	var o Offset
	if s == "" {
		return o, fmt.Errorf("empty offset")
	}
	if s[0] >= '0' && s[0] <= '9' {
		n, err := strconv.ParseUint(s, 10, 63)
		if err != nil {
			return o, fmt.Errorf("offset %q: not a number, nor a place", s)
		}
		o.Delta = int64(n)
		return o, nil
	}
	rest := s
	if r, ok := strings.CutPrefix(rest, "old."); ok {
		o.Old, rest = true, r
	}
	parent := anchorRoot
	for {
		name := rest[:len(rest)-len(strings.TrimLeft(rest, "abcdefghijklmnopqrstuvwxyz"))]
		rest = rest[len(name):]
		a := anchorCount
		for i, d := range anchors {
			if d.name == name && d.parent == parent {
				a = anchor(i)
			}
		}
		if a == anchorCount {
			return o, fmt.Errorf("offset %q: %s", s, expected(parent, name))
		}
		st := step{a: a}
		if anchors[a].indexed {
			digits := rest[:len(rest)-len(strings.TrimLeft(rest, "0123456789"))]
			if digits == "" {
				return o, fmt.Errorf("offset %q: %s needs its number (%s0)", s, name, name)
			}
			n, err := strconv.ParseUint(digits, 10, 63)
			if err != nil {
				return o, fmt.Errorf("offset %q: %s%s is out of range", s, name, digits)
			}
			st.index, rest = n, rest[len(digits):]
		}
		if o.n == maxSteps {
			return o, fmt.Errorf("offset %q: too many parts", s)
		}
		o.steps[o.n] = st
		o.n++
		parent = a
		if r, ok := strings.CutPrefix(rest, "."); ok {
			rest = r
			continue
		}
		break
	}
	if rest == "" {
		return o, nil
	}
	sign := int64(1)
	switch rest[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return o, fmt.Errorf("offset %q: %q after the place (want +N or -N)", s, rest)
	}
	n, err := strconv.ParseUint(rest[1:], 10, 62)
	if err != nil {
		return o, fmt.Errorf("offset %q: %q is not +N or -N", s, rest)
	}
	o.Delta = sign * int64(n)
	return o, nil
}

// expected names what may follow parent, for a parse error.
func expected(parent anchor, got string) string {
	var names []string
	for _, d := range anchors {
		if d.parent == parent {
			if d.indexed {
				names = append(names, d.name+"N")
			} else {
				names = append(names, d.name)
			}
		}
	}
	where := "first"
	if parent != anchorRoot {
		where = "after " + anchors[parent].name
	}
	return fmt.Sprintf("%q is not a place %s (one of %s)", got, where, strings.Join(names, ", "))
}

func (o Offset) String() string {
	if o.n == 0 {
		return strconv.FormatInt(o.Delta, 10)
	}
	var b strings.Builder
	if o.Old {
		b.WriteString("old.")
	}
	for i := 0; i < o.n; i++ {
		if i > 0 {
			b.WriteByte('.')
		}
		st := o.steps[i]
		b.WriteString(anchors[st.a].name)
		if anchors[st.a].indexed {
			b.WriteString(strconv.FormatUint(st.index, 10))
		}
	}
	if o.Delta != 0 {
		fmt.Fprintf(&b, "%+d", o.Delta)
	}
	return b.String()
}

// place is the byte the offset's place names in body (0 with no place).
func (o Offset) place(body []byte) (int, error) {
	if o.n == 0 {
		return 0, nil
	}
	l, err := parseLayout(body)
	if err != nil {
		return 0, err
	}
	var ly *layerSpan
	var nd *nodeSpan
	at := 0
	for i := 0; i < o.n; i++ {
		st := o.steps[i]
		switch st.a {
		case anchorEnvelope:
			at = l.envelope
		case anchorGraph:
			at = l.graph
		case anchorEnd:
			at = l.end
		case anchorLayer:
			if l.graphErr != nil {
				return 0, fmt.Errorf("the graph section does not walk: %v", l.graphErr)
			}
			if st.index >= uint64(len(l.layers)) {
				return 0, fmt.Errorf("no layer %d (the object has %d)", st.index, len(l.layers))
			}
			ly = &l.layers[st.index]
			at = ly.at
		case anchorNode:
			if st.index >= uint64(len(ly.nodes)) {
				return 0, fmt.Errorf("no node %d in layer %d (it has %d)", st.index, o.steps[i-1].index, len(ly.nodes))
			}
			order := keyOrder(len(ly.nodes), func(j int) []byte { return ly.nodes[j].key })
			nd = &ly.nodes[order[st.index]]
			at = nd.at
		case anchorVector:
			at = nd.vector
		case anchorNeighbors:
			at = nd.neighbors
		case anchorNeighbor:
			if st.index >= uint64(len(nd.nbrs)) {
				return 0, fmt.Errorf("no neighbour %d (the node has %d)", st.index, len(nd.nbrs))
			}
			order := keyOrder(len(nd.nbrs), func(j int) []byte { return nd.nbrs[j].key })
			at = nd.nbrs[order[st.index]].at
		}
	}
	return at, nil
}

// cut is the number of bytes a torn write keeps: the place in body (or in
// old, for an "old." place) plus Delta.
func (o Offset) cut(body, old []byte) (uint64, error) {
	in := body
	if o.Old {
		if old == nil {
			return 0, fmt.Errorf("no old object to place %s in", o)
		}
		in = old
	}
	at, err := o.place(in)
	if err != nil {
		return 0, err
	}
	if v := int64(at) + o.Delta; v >= 0 {
		return uint64(v), nil
	}
	return 0, fmt.Errorf("%s is before the object's start", o)
}

// bit is the bit a flip flips: the place's first bit plus Delta.
func (o Offset) bit(body []byte) (uint64, error) {
	at, err := o.place(body)
	if err != nil {
		return 0, err
	}
	if v := int64(at)*8 + o.Delta; v >= 0 {
		return uint64(v), nil
	}
	return 0, fmt.Errorf("%s is before the object's start", o)
}

// Byte is the byte the offset names in object, counted as a cut counts:
// its place plus Delta (or the number itself).
func (o Offset) Byte(object []byte) (int, error) {
	at, err := o.place(object)
	if err != nil {
		return 0, err
	}
	return at + int(o.Delta), nil
}

// PlaceOf is byte off of object as the innermost place that holds it and
// the distance from there (a number when object has no such structure):
// an Offset whose Byte(object) is off, and which names the same field in
// any other layout of the same index.
func PlaceOf(object []byte, off int) Offset {
	o := Offset{Delta: int64(off)}
	l, err := parseLayout(object)
	if err != nil || off < l.envelope || off >= l.end {
		return o
	}
	at := func(base int, st ...step) Offset {
		r := Offset{n: len(st), Delta: int64(off - base)}
		copy(r.steps[:], st)
		return r
	}
	if off < l.graph {
		return at(l.envelope, step{a: anchorEnvelope})
	}
	if l.graphErr != nil {
		return at(l.graph, step{a: anchorGraph})
	}
	if off >= l.trailing {
		return at(l.end, step{a: anchorEnd})
	}
	if len(l.layers) == 0 || off < l.layers[0].at {
		return at(l.graph, step{a: anchorGraph})
	}
	li := len(l.layers) - 1
	for li > 0 && off < l.layers[li].at {
		li--
	}
	ly := &l.layers[li]
	layer := step{a: anchorLayer, index: uint64(li)}
	if off < ly.nodesAt || len(ly.nodes) == 0 {
		return at(ly.at, layer)
	}
	ni := len(ly.nodes) - 1
	for ni > 0 && off < ly.nodes[ni].at {
		ni--
	}
	nd := &ly.nodes[ni]
	node := step{a: anchorNode, index: uint64(slicesIndex(keyOrder(len(ly.nodes), func(j int) []byte { return ly.nodes[j].key }), ni))}
	switch {
	case off < nd.vector:
		return at(nd.at, layer, node)
	case off < nd.neighbors:
		return at(nd.vector, layer, node, step{a: anchorVector})
	case off < nd.nbrsAt || len(nd.nbrs) == 0:
		return at(nd.neighbors, layer, node, step{a: anchorNeighbors})
	}
	ki := len(nd.nbrs) - 1
	for ki > 0 && off < nd.nbrs[ki].at {
		ki--
	}
	k := slicesIndex(keyOrder(len(nd.nbrs), func(j int) []byte { return nd.nbrs[j].key }), ki)
	return at(nd.nbrs[ki].at, layer, node, step{a: anchorNeighbor, index: uint64(k)})
}

func slicesIndex(order []int, v int) int {
	for i, x := range order {
		if x == v {
			return i
		}
	}
	return -1
}
