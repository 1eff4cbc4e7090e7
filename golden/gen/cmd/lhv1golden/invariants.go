package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/lhv1/harness/go/hnswdump/wire"
)

func hasKey(l *wire.Layer, key []byte) bool {
	for _, n := range l.Nodes {
		if bytes.Equal(n.Key, key) {
			return true
		}
	}
	return false
}

// leaf is the first node of layer 0 that no upper layer holds and that has
// at least two neighbours: editing it touches no other layer.
func leaf(g *wire.Graph) *wire.Node {
	for i := range g.Layers[0].Nodes {
		n := &g.Layers[0].Nodes[i]
		if len(n.Neighbors) >= 2 && (len(g.Layers) < 2 || !hasKey(&g.Layers[1], n.Key)) {
			return n
		}
	}
	panic("no leaf node with two neighbours")
}

// upper is the first node of layer 1 with a neighbour.
func upper(g *wire.Graph) *wire.Node {
	for i := range g.Layers[1].Nodes {
		if n := &g.Layers[1].Nodes[i]; len(n.Neighbors) > 0 {
			return n
		}
	}
	panic("no node with a neighbour in layer 1")
}

func f64(v float64) [8]byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
	return b
}

func invariants(b *base) []golden {
	type edit func(g *wire.Graph)
	mk := func(name, reason, about string, e edit) golden {
		c := b.Graph.Clone()
		e(c)
		return no(name, reason, about+" (Go loads it)", obj(envFor(b, name), graphOf(c)))
	}
	return []golden{
		mk("graph_bad_params_m_zero", "graph-bad-params", "graph M 0", func(g *wire.Graph) { g.M = 0 }),
		mk("graph_bad_params_ef_zero", "graph-bad-params", "graph EfSearch 0", func(g *wire.Graph) { g.EfSearch = 0 }),
		mk("graph_bad_params_ml_zero", "graph-bad-params", "Ml 0", func(g *wire.Graph) { g.MlRaw = f64(0) }),
		mk("graph_bad_params_ml_negative", "graph-bad-params", "Ml -0.5", func(g *wire.Graph) { g.MlRaw = f64(-0.5) }),
		mk("graph_bad_params_ml_nan", "graph-bad-params", "Ml NaN", func(g *wire.Graph) { g.MlRaw = f64(math.NaN()) }),
		mk("graph_empty_layer", "graph-empty-layer", "an empty layer on top", func(g *wire.Graph) { g.Layers = append(g.Layers, wire.Layer{}) }),
		mk("graph_duplicate_node", "graph-duplicate-node", "a node twice in layer 1 (Go keeps one)", func(g *wire.Graph) {
			l := &g.Layers[1]
			l.Nodes = append(l.Nodes, l.Nodes[0])
		}),
		mk("graph_vector_length", "graph-vector-length", "one vector one component short", func(g *wire.Graph) {
			n := leaf(g)
			n.Dim--
			n.Vec = n.Vec[:len(n.Vec)-4]
		}),
		mk("graph_non_finite_nan", "graph-non-finite", "a NaN component", func(g *wire.Graph) {
			binary.LittleEndian.PutUint32(leaf(g).Vec, math.Float32bits(float32(math.NaN())))
		}),
		mk("graph_non_finite_inf", "graph-non-finite", "a +Inf component", func(g *wire.Graph) {
			binary.LittleEndian.PutUint32(leaf(g).Vec, math.Float32bits(float32(math.Inf(1))))
		}),
		mk("graph_self_neighbor", "graph-self-neighbor", "a node listing itself", func(g *wire.Graph) {
			n := leaf(g)
			n.Neighbors[0] = append([]byte(nil), n.Key...)
		}),
		mk("graph_duplicate_neighbor", "graph-duplicate-neighbor", "a neighbour twice in one list (Go merges)", func(g *wire.Graph) {
			n := leaf(g)
			n.Neighbors[1] = append([]byte(nil), n.Neighbors[0]...)
		}),
		mk("graph_too_many_neighbors", "graph-too-many-neighbors", "M+1 neighbours", func(g *wire.Graph) {
			for i := range g.Layers[0].Nodes {
				n := &g.Layers[0].Nodes[i]
				if int64(len(n.Neighbors)) != g.M {
					continue
				}
				for _, other := range g.Layers[0].Nodes {
					listed := bytes.Equal(other.Key, n.Key)
					for _, k := range n.Neighbors {
						listed = listed || bytes.Equal(k, other.Key)
					}
					if !listed {
						n.Neighbors = append(n.Neighbors, append([]byte(nil), other.Key...))
						return
					}
				}
			}
			panic("no node with M neighbours")
		}),
		mk("graph_dangling_neighbor", "graph-dangling-neighbor", "a neighbour key that is no node (coder/hnsw issue #13)", func(g *wire.Graph) {
			leaf(g).Neighbors[0] = []byte("ghost")
		}),
		mk("graph_layer_not_subset", "graph-layer-not-subset", "a node of layer 1 absent from layer 0", func(g *wire.Graph) {
			src := g.Layers[1].Nodes[0]
			g.Layers[1].Nodes = append(g.Layers[1].Nodes, wire.Node{Key: []byte("ghost"), Dim: src.Dim, Vec: append([]byte(nil), src.Vec...)})
		}),
		mk("graph_layer_vector_differs", "graph-layer-vector-differs", "a node of layer 1 with another vector than in layer 0", func(g *wire.Graph) {
			n := upper(g)
			v := math.Float32frombits(binary.LittleEndian.Uint32(n.Vec))
			binary.LittleEndian.PutUint32(n.Vec, math.Float32bits(v/2+0.125))
		}),
		mk("graph_trailing_bytes", "graph-trailing-bytes", "one byte after the last layer (Go ignores it)", func(g *wire.Graph) { g.Trailing = []byte{0} }),
	}
}

func crossChecks(b *base) []golden {
	graph := graphOf(b.Graph)
	mk := func(name, reason, about, old, new string) golden {
		return no(name, reason, about+" (Go loads it)", obj(swap(envFor(b, name), old, new), graph))
	}
	count := fmt.Sprintf(`"count":%d`, b.Count)
	return []golden{
		mk("cross_distance", "cross-distance", "envelope euclidean, graph cosine", `"distance":"cosine"`, `"distance":"euclidean"`),
		mk("cross_m", "cross-m", "envelope m 17, graph M 16", `"m":16`, `"m":17`),
		mk("cross_ef_search", "cross-ef-search", "envelope ef_search 21, graph 20", `"ef_search":20`, `"ef_search":21`),
		mk("cross_count", "cross-count", "envelope count one more than layer 0", count, fmt.Sprintf(`"count":%d`, b.Count+1)),
		mk("cross_dimension", "cross-dimension", "envelope dimension 4, vectors of 3", `"dimension":3`, `"dimension":4`),
		mk("cross_metadata_orphan", "cross-metadata-orphan", "metadata for a key that is no node", `"metadata":{`, `"metadata":{"ghost":{},`),
		mk("cross_name", "cross-name", "params.name is not the name it is stored under", `"name":"cross_name"`, `"name":"someone_else"`),
	}
}
