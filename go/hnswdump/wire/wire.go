// Package wire reads and writes the LHV1 graph section (coder/hnsw
// Graph[string].Export, encoding version 1; docs/FORMAT.md section 3) with
// its own code, keeping file order and raw bytes. The dumper (package
// hnswdump) uses it to see the layers coder/hnsw keeps unexported and to
// build a graph from a dump; the golden generator to edit Go-written graphs
// one violation at a time.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Node is one node as it appears in one layer. Vec holds the raw
// little-endian float32 bytes (4 x Dim).
type Node struct {
	Key       []byte
	Dim       int64
	Vec       []byte
	Neighbors [][]byte
}

type Layer struct{ Nodes []Node }

// Graph is a decoded graph section; MlRaw is Ml's 8 stored bytes.
type Graph struct {
	Version  int64
	M        int64
	MlRaw    [8]byte
	EfSearch int64
	Distance []byte
	Layers   []Layer
	Trailing []byte
}

var errShort = errors.New("truncated")

type reader struct {
	b  []byte
	at int
}

func (r *reader) varint() (int64, error) {
	v, n := binary.Varint(r.b[r.at:])
	if n == 0 {
		return 0, errShort
	}
	if n < 0 {
		return 0, fmt.Errorf("varint overflow at %d", r.at)
	}
	r.at += n
	return v, nil
}

// count reads a length or count that must fit in what remains, each
// element taking at least `min` bytes.
func (r *reader) count(min int64) (int64, error) {
	v, err := r.varint()
	if err != nil {
		return 0, err
	}
	if v < 0 || v > int64(len(r.b)-r.at)/min {
		return 0, fmt.Errorf("count %d at %d does not fit the input", v, r.at)
	}
	return v, nil
}

func (r *reader) bytes(n int64) []byte {
	s := r.b[r.at : r.at+int(n)]
	r.at += int(n)
	return s
}

func (r *reader) str() ([]byte, error) {
	n, err := r.count(1)
	if err != nil {
		return nil, err
	}
	return r.bytes(n), nil
}

// Parse decodes a well-formed section (it is meant for Go-written bytes:
// any malformation is an error, without the C decoder's reason codes).
func Parse(b []byte) (*Graph, error) {
	r := &reader{b: b}
	g := &Graph{}
	var err error
	if g.Version, err = r.varint(); err != nil {
		return nil, err
	}
	if g.M, err = r.varint(); err != nil {
		return nil, err
	}
	if len(b)-r.at < 8 {
		return nil, errShort
	}
	copy(g.MlRaw[:], r.bytes(8))
	if g.EfSearch, err = r.varint(); err != nil {
		return nil, err
	}
	if g.Distance, err = r.str(); err != nil {
		return nil, err
	}
	nl, err := r.count(1)
	if err != nil {
		return nil, err
	}
	for i := int64(0); i < nl; i++ {
		nn, err := r.count(3)
		if err != nil {
			return nil, err
		}
		var l Layer
		for j := int64(0); j < nn; j++ {
			var nd Node
			if nd.Key, err = r.str(); err != nil {
				return nil, err
			}
			if nd.Dim, err = r.count(4); err != nil {
				return nil, err
			}
			nd.Vec = r.bytes(4 * nd.Dim)
			nb, err := r.count(1)
			if err != nil {
				return nil, err
			}
			for k := int64(0); k < nb; k++ {
				key, err := r.str()
				if err != nil {
					return nil, err
				}
				nd.Neighbors = append(nd.Neighbors, key)
			}
			l.Nodes = append(l.Nodes, nd)
		}
		g.Layers = append(g.Layers, l)
	}
	g.Trailing = b[r.at:]
	return g, nil
}

// Writer appends fields with Go's encodings (binary.AppendVarint, raw
// bytes); negative or huge values are written as given, for crafting.
type Writer struct{ B []byte }

func (w *Writer) Varint(v int64) { w.B = binary.AppendVarint(w.B, v) }
func (w *Writer) Raw(b []byte)   { w.B = append(w.B, b...) }
func (w *Writer) Str(s []byte)   { w.Varint(int64(len(s))); w.Raw(s) }

// Header writes version, M, Ml, EfSearch and the distance name.
func (w *Writer) Header(g *Graph) {
	w.Varint(g.Version)
	w.Varint(g.M)
	w.Raw(g.MlRaw[:])
	w.Varint(g.EfSearch)
	w.Str(g.Distance)
}

func (w *Writer) Node(n *Node) {
	w.Str(n.Key)
	w.Varint(n.Dim)
	w.Raw(n.Vec)
	w.Varint(int64(len(n.Neighbors)))
	for _, k := range n.Neighbors {
		w.Str(k)
	}
}

// Encode writes g in its own order (file order when it came from Parse).
func Encode(g *Graph) []byte {
	w := &Writer{}
	w.Header(g)
	w.Varint(int64(len(g.Layers)))
	for i := range g.Layers {
		w.Varint(int64(len(g.Layers[i].Nodes)))
		for j := range g.Layers[i].Nodes {
			w.Node(&g.Layers[i].Nodes[j])
		}
	}
	w.Raw(g.Trailing)
	return w.B
}

// Clone deep-copies g so edits never alias another golden's graph.
func (g *Graph) Clone() *Graph {
	c := *g
	c.Distance = append([]byte(nil), g.Distance...)
	c.Trailing = append([]byte(nil), g.Trailing...)
	c.Layers = make([]Layer, len(g.Layers))
	for i, l := range g.Layers {
		c.Layers[i].Nodes = make([]Node, len(l.Nodes))
		for j, n := range l.Nodes {
			m := n
			m.Key = append([]byte(nil), n.Key...)
			m.Vec = append([]byte(nil), n.Vec...)
			m.Neighbors = make([][]byte, len(n.Neighbors))
			for k, nb := range n.Neighbors {
				m.Neighbors[k] = append([]byte(nil), nb...)
			}
			c.Layers[i].Nodes[j] = m
		}
	}
	return &c
}
