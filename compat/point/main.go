// Command compat-point is the compatibility-matrix writer and reader for an
// application-defined point type under coder/hnsw before v0.6.0: the case
// the v0.6.0 rewrite of Export breaks. Before v0.6.0 each node was written
// by the application's own WriteTo; this Point writes its ID as coder/hnsw
// strings are written, then a fixed 16-bit dimension and the components (a
// plausible hand-written layout, not hnsw.Vector's varint count). From
// v0.6.0 on, Import reads every node as Key + Value, whatever wrote it.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"math/rand"

	"github.com/coder/hnsw"
	"github.com/lhv1/harness/compat/common"
)

// Point is the application type: an ID and an embedding.
type Point struct {
	Id  string
	Vec []float32
}

func (p Point) ID() string                { return p.Id }
func (p Point) Embedding() hnsw.Embedding { return p.Vec }

func (p Point) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	var n [binary.MaxVarintLen64]byte
	b.Write(n[:binary.PutVarint(n[:], int64(len(p.Id)))])
	b.WriteString(p.Id)
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(p.Vec)))
	_ = binary.Write(&b, binary.LittleEndian, p.Vec)
	k, err := w.Write(b.Bytes())
	return int64(k), err
}

func (p *Point) ReadFrom(r io.Reader) (int64, error) {
	br, ok := r.(io.ByteReader)
	if !ok {
		return 0, io.ErrNoProgress
	}
	ln, err := binary.ReadVarint(br)
	if err != nil {
		return 0, err
	}
	if ln < 0 || ln > 1<<20 {
		return 0, io.ErrUnexpectedEOF
	}
	id := make([]byte, ln)
	if _, err := io.ReadFull(r, id); err != nil {
		return 0, err
	}
	var dim uint16
	if err := binary.Read(r, binary.LittleEndian, &dim); err != nil {
		return 0, err
	}
	p.Id, p.Vec = string(id), make([]float32, dim)
	return 0, binary.Read(r, binary.LittleEndian, p.Vec)
}

type graph struct{ g *hnsw.Graph[Point] }

func (g graph) Export(w *bytes.Buffer) error { return g.g.Export(w) }
func (g graph) Len() int                     { return g.g.Len() }

type adapter struct{}

func (adapter) Version() string { return common.HnswVersion() }

func (adapter) Build(s common.Spec) (common.Graph, error) {
	g := hnsw.NewGraph[Point]()
	g.M, g.EfSearch = s.M, s.EfSearch
	g.Distance = hnsw.CosineDistance
	if s.Distance == "euclidean" {
		g.Distance = hnsw.EuclideanDistance
	}
	g.Rng = rand.New(rand.NewSource(s.Seed))
	for i, v := range common.Vectors(s) {
		g.Add(Point{Id: common.Key(i), Vec: v})
	}
	for _, k := range common.Deleted(s) {
		g.Delete(k)
	}
	return graph{g}, nil
}

func (adapter) Import(b []byte) (common.Graph, error) {
	g := hnsw.NewGraph[Point]()
	if err := g.Import(bytes.NewReader(b)); err != nil {
		return nil, err
	}
	return graph{g}, nil
}

// Node reads Point's own layout: string ID, uint16 dimension, float32s.
func (adapter) Node() common.NodeReader {
	return func(r *bufio.Reader) (string, []float32, error) {
		key, err := common.ReadString(r)
		if err != nil {
			return "", nil, err
		}
		var dim uint16
		if err := binary.Read(r, binary.LittleEndian, &dim); err != nil {
			return "", nil, err
		}
		vec, err := common.ReadFloats(r, int(dim))
		return key, vec, err
	}
}

func main() { common.Main(adapter{}) }
