package lhv1test

import (
	"encoding/binary"
	"math"
	"math/rand"
)

// testNode is a node of a test object: key, vector, neighbour keys.
type testNode struct {
	key  string
	vec  []float32
	nbrs []string
}

// testObject frames an envelope and a graph section of the given layers,
// nodes and neighbours in the order given (as a map-order writer would).
func testObject(layers ...[]testNode) []byte {
	var g []byte
	str := func(s string) { g = binary.AppendVarint(g, int64(len(s))); g = append(g, s...) }
	g = binary.AppendVarint(g, 1) // version
	g = binary.AppendVarint(g, 4) // M
	g = binary.LittleEndian.AppendUint64(g, math.Float64bits(0.7))
	g = binary.AppendVarint(g, 20)
	str("cosine")
	g = binary.AppendVarint(g, int64(len(layers)))
	for _, l := range layers {
		g = binary.AppendVarint(g, int64(len(l)))
		for _, n := range l {
			str(n.key)
			g = binary.AppendVarint(g, int64(len(n.vec)))
			for _, x := range n.vec {
				g = binary.LittleEndian.AppendUint32(g, math.Float32bits(x))
			}
			g = binary.AppendVarint(g, int64(len(n.nbrs)))
			for _, k := range n.nbrs {
				str(k)
			}
		}
	}
	env := []byte(`{"version":1}`)
	out := append([]byte("LHV1"), 0, 0, 0, byte(len(env)))
	return append(append(out, env...), g...)
}

// threeNodes: layer 0 holds a, b, c (each the others' neighbours), layer 1
// holds b; perm reorders nodes and neighbour lists as map order would.
func threeNodes(perm *rand.Rand) []byte {
	l0 := []testNode{
		{"a", []float32{1, 2}, []string{"b", "c"}},
		{"b", []float32{3, 4}, []string{"a", "c"}},
		{"c", []float32{5, 6}, []string{"a", "b"}},
	}
	if perm != nil {
		perm.Shuffle(len(l0), func(i, j int) { l0[i], l0[j] = l0[j], l0[i] })
		for _, n := range l0 {
			perm.Shuffle(len(n.nbrs), func(i, j int) { n.nbrs[i], n.nbrs[j] = n.nbrs[j], n.nbrs[i] })
		}
	}
	return testObject(l0, []testNode{{"b", []float32{3, 4}, nil}})
}
