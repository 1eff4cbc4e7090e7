package vectord

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/coder/hnsw"
)

// Params are an index's creation parameters, stored in its envelope.
type Params struct {
	Name      string `json:"name"`
	Dimension int    `json:"dimension"`
	Distance  string `json:"distance"`
	M         int    `json:"m"`
	EfSearch  int    `json:"ef_search"`
}

// Metadata maps a vector key to its JSON object.
type Metadata = map[string]map[string]any

// envelope is what Encode writes before the graph (version 1).
type envelope struct {
	Version  int      `json:"version"`
	Params   Params   `json:"params"`
	Count    int      `json:"count"`
	Metadata Metadata `json:"metadata,omitempty"`
}

// distanceFuncs are the distances an index may use, by envelope name.
var distanceFuncs = map[string]hnsw.DistanceFunc{
	"cosine":    hnsw.CosineDistance,
	"euclidean": hnsw.EuclideanDistance,
}

// Index is one named HNSW index over string keys, with per-vector metadata.
type Index struct {
	mu     sync.RWMutex
	params Params
	graph  *hnsw.Graph[string]
	meta   Metadata
}

// NewIndex makes an empty index.
func NewIndex(p Params) (*Index, error) {
	dist, ok := distanceFuncs[p.Distance]
	if !ok {
		return nil, fmt.Errorf("unknown distance %q", p.Distance)
	}
	if p.Name == "" || p.Dimension <= 0 || p.M <= 0 || p.EfSearch <= 0 {
		return nil, fmt.Errorf("invalid params %+v", p)
	}
	g := hnsw.NewGraph[string]()
	g.Distance, g.M, g.EfSearch = dist, p.M, p.EfSearch
	return &Index{params: p, graph: g}, nil
}

func (idx *Index) Params() Params { return idx.params }

// Len is the number of vectors.
func (idx *Index) Len() int {
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	return idx.graph.Len()
}

// Add inserts (or replaces) a vector and its metadata (nil for none).
func (idx *Index) Add(key string, vec []float32, meta map[string]any) error {
	if len(vec) != idx.params.Dimension {
		return fmt.Errorf("vector of %d components, index %q has %d", len(vec), idx.params.Name, idx.params.Dimension)
	}
	idx.mu.Lock()
	defer idx.mu.Unlock()
	idx.graph.Add(hnsw.MakeNode(key, vec))
	if meta != nil {
		if idx.meta == nil {
			idx.meta = Metadata{}
		}
		idx.meta[key] = meta
	}
	return nil
}

// Search returns the keys of the k nearest vectors, nearest first.
func (idx *Index) Search(vec []float32, k int) ([]string, error) {
	if len(vec) != idx.params.Dimension {
		return nil, fmt.Errorf("query of %d components, index %q has %d", len(vec), idx.params.Name, idx.params.Dimension)
	}
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	nodes := idx.graph.Search(vec, k)
	keys := make([]string, len(nodes))
	for i, n := range nodes {
		keys[i] = n.Key
	}
	return keys, nil
}

// Graph is the index's coder/hnsw graph (for dumping; not for mutation).
func (idx *Index) Graph() *hnsw.Graph[string] { return idx.graph }

// Metadata is the index's metadata (for dumping; not for mutation).
func (idx *Index) Metadata() Metadata { return idx.meta }

// Encode writes the envelope to env and the graph to graph.
func (idx *Index) Encode(env, graph io.Writer) error {
	idx.mu.RLock()
	defer idx.mu.RUnlock()
	b, err := json.Marshal(envelope{Version: 1, Params: idx.params, Count: idx.graph.Len(), Metadata: idx.meta})
	if err != nil {
		return fmt.Errorf("encode envelope: %w", err)
	}
	if _, err := env.Write(b); err != nil {
		return fmt.Errorf("write envelope: %w", err)
	}
	if err := idx.graph.Export(graph); err != nil {
		return fmt.Errorf("export graph: %w", err)
	}
	return nil
}

// DecodeIndex reads what Encode wrote. The envelope must be version 1 and
// name a known distance; the graph is coder/hnsw's Import.
func DecodeIndex(env, graph io.Reader) (*Index, error) {
	raw, err := io.ReadAll(env)
	if err != nil {
		return nil, fmt.Errorf("read envelope: %w", err)
	}
	var e envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("decode envelope: %w", err)
	}
	if e.Version != 1 {
		return nil, fmt.Errorf("decode envelope: unsupported envelope version %d", e.Version)
	}
	if _, ok := distanceFuncs[e.Params.Distance]; !ok {
		return nil, fmt.Errorf("decode envelope: unknown distance %q", e.Params.Distance)
	}
	g := hnsw.NewGraph[string]()
	if err := g.Import(bufio.NewReader(graph)); err != nil {
		return nil, fmt.Errorf("import graph: %w", err)
	}
	return &Index{params: e.Params, graph: g, meta: e.Metadata}, nil
}
