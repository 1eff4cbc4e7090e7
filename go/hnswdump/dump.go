// Package hnswdump writes the canonical dump of an LHV1 index
// (docs/FORMAT.md section 6) from a coder/hnsw Graph[string] and the
// envelope fields a loader kept, and builds a graph back from a dump. It is
// the one dumper of the repository: the Go reference (golden/gen), the
// conformance testees and a team's own tests all print through it, byte for
// byte as liblhv1's lhv1_index_dump.
//
// coder/hnsw keeps its layers unexported and Export writes nodes and
// neighbours in map order, so the graph is Exported into a buffer, walked
// with package wire and sorted as section 6 says.
package hnswdump

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/coder/hnsw"

	"github.com/lhv1/harness/go/hnswdump/wire"
)

// Envelope is what a loader read from an LHV1 envelope (FORMAT.md 4): the
// version, the params, the count and the metadata, as the dump shows them.
type Envelope struct {
	Version   int
	Name      string
	Dimension int
	Distance  string
	M         int
	EfSearch  int
	Count     int
	// Metadata is nil (absent or JSON null), map[string]map[string]any as
	// encoding/json decodes the envelope's metadata, or any other value
	// encoding/json marshals to that object (a map of json.RawMessage, a
	// map of your own struct type). Numbers go through float64, as they do
	// in Go's loader.
	Metadata any
}

// Dump returns the canonical dump of the index whose envelope is env and
// whose graph is g (LHV1 graphs are coder/hnsw Graph[string]).
func Dump(env Envelope, g *hnsw.Graph[string]) ([]byte, error) {
	if g == nil {
		return nil, fmt.Errorf("hnswdump: nil graph")
	}
	var section bytes.Buffer
	if err := g.Export(&section); err != nil {
		return nil, fmt.Errorf("hnswdump: export: %w", err)
	}
	return DumpSection(env, section.Bytes())
}

// DumpSection is Dump for a graph section given as its bytes
// (Graph.Export's output, or any object's bytes after the envelope).
func DumpSection(env Envelope, section []byte) ([]byte, error) {
	g, err := wire.Parse(section)
	if err != nil {
		return nil, fmt.Errorf("hnswdump: walk graph section: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("{\"dump\":\"lhv1\",\"dump_version\":1,\n\"envelope\":")
	if err := envelope(&b, env); err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, ",\n\"graph\":{\"version\":%d,\"m\":%d,\"ml\":\"%s\",\"ef_search\":%d,\"distance\":",
		g.Version, g.M, hex.EncodeToString(g.MlRaw[:]), g.EfSearch)
	key(&b, g.Distance)
	b.WriteString(",\"layers\":[")
	for i, l := range g.Layers {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n{\"nodes\":[")
		nodes := append([]wire.Node(nil), l.Nodes...)
		sort.SliceStable(nodes, func(a, c int) bool { return bytes.Compare(nodes[a].Key, nodes[c].Key) < 0 })
		for j, n := range nodes {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n{\"key\":")
			key(&b, n.Key)
			fmt.Fprintf(&b, ",\"vector\":\"%s\",\"neighbors\":[", hex.EncodeToString(n.Vec))
			nb := append([][]byte(nil), n.Neighbors...)
			sort.SliceStable(nb, func(a, c int) bool { return bytes.Compare(nb[a], nb[c]) < 0 })
			for k, s := range nb {
				if k > 0 {
					b.WriteString(",")
				}
				key(&b, s)
			}
			b.WriteString("]}")
		}
		b.WriteString("]}")
	}
	b.WriteString("]}}\n")
	return b.Bytes(), nil
}

// EnvelopeDump returns ENVELOPE of FORMAT.md section 6 alone: what the
// loader read from the envelope; no graph needed.
func EnvelopeDump(env Envelope) ([]byte, error) {
	var b bytes.Buffer
	if err := envelope(&b, env); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func envelope(b *bytes.Buffer, env Envelope) error {
	fmt.Fprintf(b, "{\"version\":%d,\"params\":{\"name\":", env.Version)
	str(b, []byte(env.Name))
	fmt.Fprintf(b, ",\"dimension\":%d,\"distance\":", env.Dimension)
	str(b, []byte(env.Distance))
	fmt.Fprintf(b, ",\"m\":%d,\"ef_search\":%d},\"count\":%d,\"metadata\":", env.M, env.EfSearch, env.Count)
	meta, err := metadataValue(env.Metadata)
	if err != nil {
		return err
	}
	if err := canon(b, meta); err != nil {
		return fmt.Errorf("hnswdump: metadata: %w", err)
	}
	b.WriteString("}")
	return nil
}

// metadataValue gives the metadata as canonical JSON takes it: nil or a
// map[string]any of JSON values.
func metadataValue(m any) (any, error) {
	switch x := m.(type) {
	case nil:
		return nil, nil
	case map[string]map[string]any:
		if x == nil {
			return nil, nil
		}
		out := make(map[string]any, len(x))
		for k, v := range x {
			if v == nil {
				out[k] = nil
			} else {
				out[k] = v
			}
		}
		return out, nil
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("hnswdump: metadata: %w", err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("hnswdump: metadata: %w", err)
	}
	switch v.(type) {
	case nil, map[string]any:
		return v, nil
	}
	return nil, fmt.Errorf("hnswdump: metadata %T is not a JSON object", m)
}
