// Package model is the Go reference of vectord's persistence: an Index
// (params, a coder/hnsw graph, per-vector metadata), its two-stream
// Encode/DecodeIndex, and the Persistor that frames both into one
// `_vectors/<name>.lhv1` object (docs/FORMAT.md).
//
// ASSUMPTION ABOUT VECTORD: vectord's Index.Encode and DecodeIndex are not
// public. This file is the one place that models them: the envelope layout
// (FORMAT.md section 4) and how DecodeIndex reads it (FORMAT.md section 5a:
// json.Unmarshal into envelopeV1, version must be 1, then hnsw Import, and
// nothing else validated). A user with the real vectord changes this file
// only; the Persistor (persistor.go) follows the upstream file exactly.
package model

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/coder/hnsw"
)

// Params are an index's creation parameters, as stored in the envelope.
type Params struct {
	Name      string `json:"name"`
	Dimension int    `json:"dimension"`
	Distance  string `json:"distance"`
	M         int    `json:"m"`
	EfSearch  int    `json:"ef_search"`
}

// Metadata maps a vector key to its JSON object.
type Metadata = map[string]map[string]any

// envelopeV1 is the JSON envelope, version 1.
type envelopeV1 struct {
	Version  int      `json:"version"`
	Params   Params   `json:"params"`
	Count    int      `json:"count"`
	Metadata Metadata `json:"metadata,omitempty"`
}

// Index is one named HNSW index with its metadata.
type Index struct {
	Version  int // envelope version as read (1 for indexes built here)
	Params   Params
	Count    int // envelope count as read; Encode writes Graph.Len()
	Graph    *hnsw.Graph[string]
	Metadata Metadata
}

// Distances by envelope name: the names coder/hnsw registers.
var distances = map[string]hnsw.DistanceFunc{
	"cosine":    hnsw.CosineDistance,
	"euclidean": hnsw.EuclideanDistance,
}

// NewIndex makes an empty index whose graph follows p.
func NewIndex(p Params) (*Index, error) {
	d, ok := distances[p.Distance]
	if !ok {
		return nil, fmt.Errorf("unknown distance %q", p.Distance)
	}
	g := hnsw.NewGraph[string]()
	g.Distance = d
	g.M = p.M
	g.EfSearch = p.EfSearch
	return &Index{Version: 1, Params: p, Graph: g}, nil
}

// Encode writes the envelope to env and the graph (hnsw Export) to graph.
func (idx *Index) Encode(env, graph io.Writer) error {
	b, err := EncodeEnvelope(idx.Params, idx.Graph.Len(), idx.Metadata)
	if err != nil {
		return fmt.Errorf("encode envelope: %w", err)
	}
	if _, err := env.Write(b); err != nil {
		return fmt.Errorf("write envelope: %w", err)
	}
	if err := idx.Graph.Export(graph); err != nil {
		return fmt.Errorf("export graph: %w", err)
	}
	return nil
}

// EncodeEnvelope is the envelope Encode writes (version 1, compact JSON,
// fields in schema order, metadata omitted when nil or empty).
func EncodeEnvelope(p Params, count int, meta Metadata) ([]byte, error) {
	return json.Marshal(envelopeV1{Version: 1, Params: p, Count: count, Metadata: meta})
}

// DecodeIndex reads an envelope and a graph section. Modelled decision
// (FORMAT.md 5a): only JSON syntax/types and the version are checked, then
// coder/hnsw Import runs; every other inconsistency loads silently.
func DecodeIndex(env, graph io.Reader) (*Index, error) {
	raw, err := io.ReadAll(env)
	if err != nil {
		return nil, fmt.Errorf("read envelope: %w", err)
	}
	idx, err := DecodeEnvelope(raw)
	if err != nil {
		return nil, err
	}
	g := hnsw.NewGraph[string]()
	if err := g.Import(bufio.NewReader(graph)); err != nil {
		return nil, fmt.Errorf("import graph: %w", err)
	}
	idx.Graph = g
	return idx, nil
}

// DecodeEnvelope is DecodeIndex's envelope half: the index it returns has
// everything but the graph (nil). It allocates no more than the JSON text
// asks for, so it runs in-process on any input (the differential tests).
func DecodeEnvelope(raw []byte) (*Index, error) {
	var e envelopeV1
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	if e.Version != 1 {
		return nil, fmt.Errorf("decode envelope: unsupported envelope version %d", e.Version)
	}
	return &Index{Version: e.Version, Params: e.Params, Count: e.Count, Metadata: e.Metadata}, nil
}
