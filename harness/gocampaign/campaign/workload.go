// Package campaign is the Go twin of `lhv1 campaign` (src/testing/): the
// same workload, fault rows, offset classes, classification and self-checks,
// run through the Go model of the upstream Persistor over any model.Store
// (the memory model, or a real S3 client) wrapped in lhv1test.FaultStore.
package campaign

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/lhv1/harness/go/hnswdump/wire"
	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/model"
)

// spec and ops are src/testing/campaign_content.c's, value for value.
type spec struct {
	index                string
	gen                  int
	dim, nNodes, nLayers int
	m                    int
	distance             string
	valueSeed            uint64
	metaGen              int
}

var specs = []spec{
	{"alpha", 1, 3, 5, 1, 4, "cosine", 1, 1},
	{"alpha", 2, 3, 5, 1, 4, "cosine", 2, 1},
	{"alpha", 3, 3, 5, 1, 4, "cosine", 2, 3},
	{"beta", 1, 8, 20, 2, 6, "euclidean", 11, 1},
	{"beta", 2, 8, 28, 2, 6, "euclidean", 12, 2},
	{"beta", 3, 8, 16, 2, 6, "euclidean", 13, 3},
	{"gamma", 1, 16, 48, 3, 8, "cosine", 21, 1},
	{"gamma", 2, 16, 48, 3, 8, "cosine", 22, 1},
	{"delta", 1, 4, 0, 0, 3, "euclidean", 31, 0},
	{"delta", 2, 4, 6, 2, 3, "euclidean", 32, 2},
	{"epsilon", 1, 2, 9, 2, 4, "cosine", 41, 1},
	{"epsilon", 2, 2, 9, 2, 4, "cosine", 42, 1},
}

const (
	a1 = iota
	a2
	a3
	b1
	b2
	b3
	g1
	g2
	d1
	d2
	e1
	e2
)

type op struct {
	index   string
	content int // -1: delete
}

var ops = []op{
	{"alpha", a1}, {"beta", b1}, {"gamma", g1}, {"epsilon", e1}, {"alpha", a2},
	{"beta", b2}, {"epsilon", e2}, {"gamma", -1}, {"delta", d1}, {"gamma", g2},
	{"beta", b3}, {"delta", d2}, {"alpha", a3}, {"epsilon", -1}, {"ghost", -1},
}

var names = []string{"alpha", "beta", "gamma", "delta", "epsilon", "ghost"}

// content is one saved state: the framed object, Go's canonical dump of it,
// and the structural offsets of its bytes.
type content struct {
	index          string
	gen            int
	body           []byte
	dump           []byte
	envEnd         int
	graphHeaderEnd int
	layers         []int   // absolute offset of each layer's node count
	nodes          [][]int // absolute offset of each node
	vectors        [][]int // absolute offset of each node's vector bytes
	end            int
}

func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func component(seed uint64, node, d int) float32 {
	h := mix(seed*1000003 + uint64(node)*131 + uint64(d))
	return float32(float64(h>>40)/float64(1<<24)*2.0 - 1.0)
}

func inLayer(node, layer int) bool {
	step := 1
	for i := 0; i < layer; i++ {
		step *= 4
	}
	return node%step == 0
}

func build(s spec) (*content, error) {
	meta := model.Metadata(nil)
	if s.metaGen != 0 {
		meta = model.Metadata{"v000": {"gen": float64(s.metaGen), "source": "campaign"}}
	}
	env, err := model.EncodeEnvelope(model.Params{Name: s.index, Dimension: s.dim, Distance: s.distance, M: s.m, EfSearch: 20}, s.nNodes, meta)
	if err != nil {
		return nil, err
	}
	c := &content{index: s.index, gen: s.gen, envEnd: 8 + len(env)}
	var ml [8]byte
	binary.LittleEndian.PutUint64(ml[:], math.Float64bits(1.0/math.Log(float64(s.m))))
	w := &wire.Writer{}
	w.Header(&wire.Graph{Version: 1, M: int64(s.m), MlRaw: ml, EfSearch: 20, Distance: []byte(s.distance)})
	w.Varint(int64(s.nLayers))
	c.graphHeaderEnd = c.envEnd + len(w.B)
	for l := 0; l < s.nLayers; l++ {
		var members []int
		for i := 0; i < s.nNodes; i++ {
			if inLayer(i, l) {
				members = append(members, i)
			}
		}
		c.layers = append(c.layers, c.envEnd+len(w.B))
		w.Varint(int64(len(members)))
		k := min(s.m, len(members)-1)
		var nodes, vecs []int
		for p, mem := range members {
			vec := make([]byte, 0, 4*s.dim)
			for d := 0; d < s.dim; d++ {
				vec = binary.LittleEndian.AppendUint32(vec, math.Float32bits(component(s.valueSeed, mem, d)))
			}
			n := wire.Node{Key: []byte(fmt.Sprintf("v%03d", mem)), Dim: int64(s.dim), Vec: vec}
			for j := 1; j <= k; j++ {
				n.Neighbors = append(n.Neighbors, []byte(fmt.Sprintf("v%03d", members[(p+j)%len(members)])))
			}
			nodes = append(nodes, c.envEnd+len(w.B))
			pre := len(w.B)
			w.Str(n.Key)
			w.Varint(n.Dim)
			vecs = append(vecs, c.envEnd+len(w.B))
			w.B = w.B[:pre]
			w.Node(&n)
		}
		c.nodes = append(c.nodes, nodes)
		c.vectors = append(c.vectors, vecs)
	}
	c.body = model.Frame(env, w.B)
	c.end = len(c.body)
	envB, graphB, err := model.Unframe(c.body)
	if err != nil {
		return nil, err
	}
	idx, err := model.DecodeIndex(bytes.NewReader(envB), bytes.NewReader(graphB))
	if err != nil {
		return nil, fmt.Errorf("%s/%d: Go does not load the workload: %w", s.index, s.gen, err)
	}
	if c.dump, err = dump.Index(idx); err != nil {
		return nil, err
	}
	return c, nil
}

type workload struct{ contents []*content }

func buildWorkload() (*workload, error) {
	w := &workload{}
	for _, s := range specs {
		c, err := build(s)
		if err != nil {
			return nil, err
		}
		w.contents = append(w.contents, c)
	}
	for i, a := range w.contents {
		for _, b := range w.contents[i+1:] {
			if a.index == b.index && bytes.Equal(a.dump, b.dump) {
				return nil, fmt.Errorf("%s: generations %d and %d are equal", a.index, a.gen, b.gen)
			}
		}
	}
	return w, nil
}
