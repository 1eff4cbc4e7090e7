package lhv1test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// layout is where the parts of an LHV1 object lie (docs/FORMAT.md 1 and
// 3): byte offsets into the object, nodes and neighbours in file order.
// It is what plan offsets resolve against and what KeyOrder permutes.
type layout struct {
	envelope, graph, end int
	layers               []layerSpan // nil when the graph section does not walk
	graphErr             error
	trailing             int // offset of the bytes after the last layer
}

type layerSpan struct {
	at      int // the layer's node count
	nodesAt int // just past the count
	nodes   []nodeSpan
}

type nodeSpan struct {
	at        int // the key's length
	key       []byte
	vector    int // the first vector byte
	neighbors int // the neighbour count
	nbrsAt    int // the first neighbour (just past the count)
	end       int
	nbrs      []keySpan
}

type keySpan struct {
	at, end int
	key     []byte
}

var errNotLHV1 = errors.New("not an LHV1 object")

// parseLayout reads the frame, then walks the graph section. A frame that
// does not unframe is an error; a graph section that does not walk leaves
// layers nil with graphErr set (the frame's places still resolve).
func parseLayout(b []byte) (*layout, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("LHV1")) {
		return nil, errNotLHV1
	}
	n := uint64(binary.BigEndian.Uint32(b[4:8]))
	if 8+n > uint64(len(b)) {
		return nil, fmt.Errorf("envelope length %d beyond the object's %d bytes", n, len(b))
	}
	l := &layout{envelope: 8, graph: 8 + int(n), end: len(b)}
	w := &walker{b: b, at: l.graph}
	l.layers, l.graphErr = w.layers()
	l.trailing = w.at
	return l, nil
}

type walker struct {
	b  []byte
	at int
}

var errTruncated = errors.New("graph section truncated")

func (w *walker) varint() (int64, error) {
	v, n := binary.Varint(w.b[w.at:])
	if n <= 0 {
		return 0, fmt.Errorf("bad varint at %d", w.at)
	}
	w.at += n
	return v, nil
}

// count reads a count whose elements take at least min bytes each.
func (w *walker) count(min int64) (int64, error) {
	at := w.at
	v, err := w.varint()
	if err != nil {
		return 0, err
	}
	if v < 0 || v > int64(len(w.b)-w.at)/min {
		return 0, &countError{Count: v, At: at}
	}
	return v, nil
}

// countError: a count or length the rest of the input cannot hold.
type countError struct {
	Count int64
	At    int
}

func (e *countError) Error() string {
	return fmt.Sprintf("count %d at %d does not fit the input", e.Count, e.At)
}

func (w *walker) skip(n int64) error {
	if n < 0 || n > int64(len(w.b)-w.at) {
		return errTruncated
	}
	w.at += int(n)
	return nil
}

func (w *walker) str() (keySpan, error) {
	s := keySpan{at: w.at}
	n, err := w.count(1)
	if err != nil {
		return s, err
	}
	s.key = w.b[w.at : w.at+int(n)]
	w.at += int(n)
	s.end = w.at
	return s, nil
}

func (w *walker) layers() ([]layerSpan, error) {
	for _, f := range []func() error{
		func() error { _, err := w.varint(); return err }, // version
		func() error { _, err := w.varint(); return err }, // M
		func() error { return w.skip(8) },                 // Ml
		func() error { _, err := w.varint(); return err }, // EfSearch
		func() error { _, err := w.str(); return err },    // distance
	} {
		if err := f(); err != nil {
			return nil, err
		}
	}
	nl, err := w.count(1)
	if err != nil {
		return nil, err
	}
	layers := make([]layerSpan, 0, nl)
	for i := int64(0); i < nl; i++ {
		ly := layerSpan{at: w.at}
		nn, err := w.count(3)
		if err != nil {
			return nil, err
		}
		ly.nodesAt = w.at
		ly.nodes = make([]nodeSpan, 0, nn)
		for j := int64(0); j < nn; j++ {
			k, err := w.str()
			if err != nil {
				return nil, err
			}
			nd := nodeSpan{at: k.at, key: k.key}
			dim, err := w.count(4)
			if err != nil {
				return nil, err
			}
			nd.vector = w.at
			w.at += int(4 * dim)
			nd.neighbors = w.at
			nb, err := w.count(1)
			if err != nil {
				return nil, err
			}
			nd.nbrsAt = w.at
			for k := int64(0); k < nb; k++ {
				s, err := w.str()
				if err != nil {
					return nil, err
				}
				nd.nbrs = append(nd.nbrs, s)
			}
			nd.end = w.at
			ly.nodes = append(ly.nodes, nd)
		}
		layers = append(layers, ly)
	}
	return layers, nil
}

// keyOrder: the positions of spans in bytewise key order, stable.
func keyOrder(n int, key func(int) []byte) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return bytes.Compare(key(order[a]), key(order[b])) < 0 })
	return order
}

// CountBeyondInput reports the first graph count of an LHV1 object that
// its remaining bytes cannot hold, with its value (ok false when every
// count fits, or the object is no LHV1 object).
func CountBeyondInput(object []byte) (count int64, ok bool) {
	l, err := parseLayout(object)
	if err != nil {
		return 0, false
	}
	var ce *countError
	if errors.As(l.graphErr, &ce) {
		return ce.Count, true
	}
	return 0, false
}
