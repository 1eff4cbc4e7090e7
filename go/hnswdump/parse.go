package hnswdump

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/coder/hnsw"

	"github.com/lhv1/harness/go/hnswdump/wire"
)

// Index is an index as a dump describes it: the envelope and the graph
// section, layers in file order, nodes and neighbours in dump (sorted) order.
type Index struct {
	Envelope Envelope // Metadata is nil or map[string]map[string]any
	Graph    *wire.Graph
}

type dumpDoc struct {
	Dump        string `json:"dump"`
	DumpVersion int    `json:"dump_version"`
	Envelope    struct {
		Version int `json:"version"`
		Params  struct {
			Name      string `json:"name"`
			Dimension int    `json:"dimension"`
			Distance  string `json:"distance"`
			M         int    `json:"m"`
			EfSearch  int    `json:"ef_search"`
		} `json:"params"`
		Count    int                       `json:"count"`
		Metadata map[string]map[string]any `json:"metadata"`
	} `json:"envelope"`
	Graph struct {
		Version  int64           `json:"version"`
		M        int64           `json:"m"`
		Ml       string          `json:"ml"`
		EfSearch int64           `json:"ef_search"`
		Distance json.RawMessage `json:"distance"`
		Layers   []struct {
			Nodes []struct {
				Key       json.RawMessage   `json:"key"`
				Vector    string            `json:"vector"`
				Neighbors []json.RawMessage `json:"neighbors"`
			} `json:"nodes"`
		} `json:"layers"`
	} `json:"graph"`
}

// Parse reads a canonical dump. It refuses a text that does not dump back
// to the same bytes, so the index it returns is exactly the one described.
func Parse(dump []byte) (*Index, error) {
	var d dumpDoc
	dec := json.NewDecoder(bytes.NewReader(dump))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("hnswdump: parse dump: %w", err)
	}
	if d.Dump != "lhv1" || d.DumpVersion != 1 {
		return nil, fmt.Errorf("hnswdump: not an LHV1 dump version 1 (%q, %d)", d.Dump, d.DumpVersion)
	}
	e := d.Envelope
	ix := &Index{Envelope: Envelope{Version: e.Version, Name: e.Params.Name, Dimension: e.Params.Dimension,
		Distance: e.Params.Distance, M: e.Params.M, EfSearch: e.Params.EfSearch, Count: e.Count}}
	if e.Metadata != nil {
		ix.Envelope.Metadata = e.Metadata
	}
	g := &wire.Graph{Version: d.Graph.Version, M: d.Graph.M, EfSearch: d.Graph.EfSearch}
	ml, err := hex.DecodeString(d.Graph.Ml)
	if err != nil || len(ml) != 8 {
		return nil, fmt.Errorf("hnswdump: ml %q is not 8 bytes of hex", d.Graph.Ml)
	}
	copy(g.MlRaw[:], ml)
	if g.Distance, err = keyBytes(d.Graph.Distance); err != nil {
		return nil, err
	}
	for _, l := range d.Graph.Layers {
		layer := wire.Layer{Nodes: make([]wire.Node, 0, len(l.Nodes))}
		for _, n := range l.Nodes {
			var node wire.Node
			if node.Key, err = keyBytes(n.Key); err != nil {
				return nil, err
			}
			if node.Vec, err = hex.DecodeString(n.Vector); err != nil || len(node.Vec)%4 != 0 {
				return nil, fmt.Errorf("hnswdump: vector %q is not float32s in hex", n.Vector)
			}
			node.Dim = int64(len(node.Vec) / 4)
			node.Neighbors = make([][]byte, 0, len(n.Neighbors))
			for _, nb := range n.Neighbors {
				k, err := keyBytes(nb)
				if err != nil {
					return nil, err
				}
				node.Neighbors = append(node.Neighbors, k)
			}
			layer.Nodes = append(layer.Nodes, node)
		}
		g.Layers = append(g.Layers, layer)
	}
	ix.Graph = g
	again, err := DumpSection(ix.Envelope, ix.Section())
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, dump) {
		return nil, fmt.Errorf("hnswdump: not a canonical dump (it dumps back differently)")
	}
	return ix, nil
}

// keyBytes reads KEY: a JSON string, or {"hex":"..."} for bytes that are
// not UTF-8.
func keyBytes(raw json.RawMessage) ([]byte, error) {
	if len(raw) > 0 && raw[0] == '{' {
		var h struct {
			Hex string `json:"hex"`
		}
		if err := json.Unmarshal(raw, &h); err != nil {
			return nil, fmt.Errorf("hnswdump: key %s: %w", raw, err)
		}
		b, err := hex.DecodeString(h.Hex)
		if err != nil {
			return nil, fmt.Errorf("hnswdump: key %s: %w", raw, err)
		}
		return b, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("hnswdump: key %s: %w", raw, err)
	}
	return []byte(s), nil
}

// EnvelopeJSON is a version-1 envelope (FORMAT.md 4) holding what the
// dump's envelope says (metadata omitted when null): with Section, the two
// streams a DecodeIndex(envelope, graph) reads, for a writer under test to
// build the dump's index through its own types.
func (ix *Index) EnvelopeJSON() ([]byte, error) {
	type params struct {
		Name      string `json:"name"`
		Dimension int    `json:"dimension"`
		Distance  string `json:"distance"`
		M         int    `json:"m"`
		EfSearch  int    `json:"ef_search"`
	}
	e := ix.Envelope
	env := struct {
		Version  int    `json:"version"`
		Params   params `json:"params"`
		Count    int    `json:"count"`
		Metadata any    `json:"metadata,omitempty"`
	}{e.Version, params{e.Name, e.Dimension, e.Distance, e.M, e.EfSearch}, e.Count, e.Metadata}
	return json.Marshal(env)
}

// Section returns the graph section the dump describes, in Graph.Export's
// layout (shortest varints, nodes and neighbours in dump order).
func (ix *Index) Section() []byte { return wire.Encode(ix.Graph) }

// HNSW builds the coder/hnsw graph the dump describes: Graph.Import of
// Section, what a loader builds from those bytes.
func (ix *Index) HNSW() (*hnsw.Graph[string], error) {
	g := hnsw.NewGraph[string]()
	if err := g.Import(bytes.NewReader(ix.Section())); err != nil {
		return nil, fmt.Errorf("hnswdump: import: %w", err)
	}
	return g, nil
}
