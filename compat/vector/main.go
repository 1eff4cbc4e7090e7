// Command compat-vector is the compatibility-matrix writer and reader for
// coder/hnsw before v0.6.0, whose Graph is generic over an application type
// implementing Embeddable (and io.WriterTo / io.ReaderFrom for Export and
// Import). The application type here is the library's own hnsw.Vector: an
// ID and an embedding, written as varint-length ID, varint count, float32s.
// One source, one go.<version>.mod per coder/hnsw version (go build -modfile).
package main

import (
	"bytes"
	"math/rand"

	"github.com/coder/hnsw"
	"github.com/lhv1/harness/compat/common"
)

type graph struct{ g *hnsw.Graph[hnsw.Vector] }

func (g graph) Export(w *bytes.Buffer) error { return g.g.Export(w) }
func (g graph) Len() int                     { return g.g.Len() }

type adapter struct{}

func (adapter) Version() string { return common.HnswVersion() }

func (adapter) Build(s common.Spec) (common.Graph, error) {
	g := hnsw.NewGraph[hnsw.Vector]()
	g.M, g.EfSearch = s.M, s.EfSearch
	g.Distance = hnsw.CosineDistance
	if s.Distance == "euclidean" {
		g.Distance = hnsw.EuclideanDistance
	}
	g.Rng = rand.New(rand.NewSource(s.Seed))
	for i, v := range common.Vectors(s) {
		g.Add(hnsw.MakeVector(common.Key(i), v))
	}
	for _, k := range common.Deleted(s) {
		g.Delete(k)
	}
	return graph{g}, nil
}

func (adapter) Import(b []byte) (common.Graph, error) {
	g := hnsw.NewGraph[hnsw.Vector]()
	if err := g.Import(bytes.NewReader(b)); err != nil {
		return nil, err
	}
	return graph{g}, nil
}

func (adapter) Node() common.NodeReader { return common.ReadKeyValue }

func main() { common.Main(adapter{}) }
