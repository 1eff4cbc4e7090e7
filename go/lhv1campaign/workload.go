package lhv1campaign

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"

	"github.com/lhv1/harness/go/hnswdump"
	"github.com/lhv1/harness/go/hnswdump/wire"
	"github.com/lhv1/harness/go/lhv1test"
)

// content is one saved state: the object as the store holds it (in key
// order: liblhv1's encoder's layout, the C campaign's bytes), its two
// streams for Save, and its canonical dump (what a correct Load gives).
type content struct {
	index    string
	gen      int
	body     []byte
	envelope []byte
	graph    []byte
	dump     []byte
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

// params and envelope are the envelope version 1 (docs/FORMAT.md 4) as
// vectord's Index.Encode writes it: compact, fields in schema order,
// metadata left out when there is none.
type params struct {
	Name      string `json:"name"`
	Dimension int    `json:"dimension"`
	Distance  string `json:"distance"`
	M         int    `json:"m"`
	EfSearch  int    `json:"ef_search"`
}

type envelope struct {
	Version  int                       `json:"version"`
	Params   params                    `json:"params"`
	Count    int                       `json:"count"`
	Metadata map[string]map[string]any `json:"metadata,omitempty"`
}

func build(s spec) (*content, error) {
	e := envelope{Version: 1, Params: params{s.index, s.dim, s.distance, s.m, 20}, Count: s.nNodes}
	if s.metaGen != 0 {
		e.Metadata = map[string]map[string]any{"v000": {"gen": float64(s.metaGen), "source": "campaign"}}
	}
	env, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	var ml [8]byte
	binary.LittleEndian.PutUint64(ml[:], math.Float64bits(1.0/math.Log(float64(s.m))))
	w := &wire.Writer{}
	w.Header(&wire.Graph{Version: 1, M: int64(s.m), MlRaw: ml, EfSearch: 20, Distance: []byte(s.distance)})
	w.Varint(int64(s.nLayers))
	for l := 0; l < s.nLayers; l++ {
		var members []int
		for i := 0; i < s.nNodes; i++ {
			if inLayer(i, l) {
				members = append(members, i)
			}
		}
		w.Varint(int64(len(members)))
		// Ring neighbours: the next k members, k <= M and < n.
		k := min(s.m, len(members)-1)
		for p, mem := range members {
			vec := make([]byte, 0, 4*s.dim)
			for d := 0; d < s.dim; d++ {
				vec = binary.LittleEndian.AppendUint32(vec, math.Float32bits(component(s.valueSeed, mem, d)))
			}
			n := wire.Node{Key: []byte(fmt.Sprintf("v%03d", mem)), Dim: int64(s.dim), Vec: vec}
			for j := 1; j <= k; j++ {
				n.Neighbors = append(n.Neighbors, []byte(fmt.Sprintf("v%03d", members[(p+j)%len(members)])))
			}
			w.Node(&n)
		}
	}
	framed := binary.BigEndian.AppendUint32([]byte("LHV1"), uint32(len(env)))
	c := &content{index: s.index, gen: s.gen}
	c.body = lhv1test.InKeyOrder(append(append(framed, env...), w.B...))
	c.envelope, c.graph = c.body[8:8+len(env)], c.body[8+len(env):]
	var meta any
	if e.Metadata != nil {
		meta = e.Metadata
	}
	c.dump, err = hnswdump.DumpSection(hnswdump.Envelope{Version: 1, Name: s.index, Dimension: s.dim,
		Distance: s.distance, M: s.m, EfSearch: 20, Count: s.nNodes, Metadata: meta}, c.graph)
	return c, err
}

type workload struct{ contents []*content }

func buildWorkload() (*workload, error) {
	w := &workload{}
	for _, s := range specs {
		c, err := build(s)
		if err != nil {
			return nil, fmt.Errorf("%s/%d: %w", s.index, s.gen, err)
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
