package lhv1test

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// The use case, as lhv1 conform runs and judges it (conform_judge.c,
// judge_use): the same queries, the same added node and the same rules,
// so that both tools fail the same use cases with the same words.

// dumpedIndex is what the use check reads from a canonical dump: the
// dimension, the graph's distance and, per layer, the nodes' keys and
// vectors in the dump's order (bytewise by key).
type dumpedIndex struct {
	dimension int
	distance  string
	layers    [][]dumpedNode
}

type dumpedNode struct {
	key string
	vec []float32
}

func readDump(b []byte) (*dumpedIndex, error) {
	var d struct {
		Envelope struct {
			Params struct {
				Dimension int `json:"dimension"`
			} `json:"params"`
		} `json:"envelope"`
		Graph struct {
			Distance wireKey `json:"distance"`
			Layers   []struct {
				Nodes []struct {
					Key    wireKey `json:"key"`
					Vector string  `json:"vector"`
				} `json:"nodes"`
			} `json:"layers"`
		} `json:"graph"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("read dump: %w", err)
	}
	ix := &dumpedIndex{dimension: d.Envelope.Params.Dimension, distance: string(d.Graph.Distance)}
	for _, l := range d.Graph.Layers {
		nodes := make([]dumpedNode, 0, len(l.Nodes))
		for _, n := range l.Nodes {
			v, err := hexVector(n.Vector)
			if err != nil {
				return nil, fmt.Errorf("read dump: key %q: %w", string(n.Key), err)
			}
			nodes = append(nodes, dumpedNode{key: string(n.Key), vec: v})
		}
		sort.SliceStable(nodes, func(a, b int) bool { return nodes[a].key < nodes[b].key })
		ix.layers = append(ix.layers, nodes)
	}
	return ix, nil
}

// useKMax is the k of use's searches at most: every node of the goldens.
const useKMax = 1001

// usePlan is the use exercise of one index: searches for the stored
// vectors of layer 0's first, middle and last node (the dump's order;
// zero vectors left out under cosine), k = every node, then an add of a
// node near the middle one, then a search for it.
type usePlan struct {
	ix      *dumpedIndex
	layer0  []dumpedNode
	byKey   map[string][]float32
	cosine  bool
	queries []Query
	add     Node
}

func planUse(ix *dumpedIndex) *usePlan {
	p := &usePlan{ix: ix, byKey: map[string][]float32{}, cosine: ix.distance != "euclidean"}
	if len(ix.layers) > 0 {
		p.layer0 = ix.layers[0]
	}
	for _, nd := range p.layer0 {
		p.byKey[nd.key] = nd.vec
	}
	n := len(p.layer0)
	k := min(n+1, useKMax)
	if n > 0 {
		picks := []int{0, n / 2, n - 1}
		for i, at := range picks {
			if i > 0 && at == picks[i-1] {
				continue
			}
			v := p.layer0[at].vec
			if p.cosine && zeroVector(v) {
				continue
			}
			p.queries = append(p.queries, Query{Vector: v, K: k})
		}
	}
	key := "lhv1-conform-added"
	for i := 2; p.has(key); i++ {
		key = fmt.Sprintf("lhv1-conform-added-%d", i)
	}
	p.add = Node{Key: key, Vector: p.addedVector()}
	return p
}

func (p *usePlan) has(key string) bool { _, ok := p.byKey[key]; return ok }

func zeroVector(v []float32) bool {
	for _, x := range v {
		if math.Float32bits(x)&0x7fffffff != 0 {
			return false
		}
	}
	return true
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// addedVector is layer 0's middle node's vector, one component moved a
// little (so it lands among its neighbours: an outlier may be unreachable
// in an HNSW graph), equal to no stored vector and, under cosine, parallel
// to none. Float32 steps as conform_judge.c computes them.
func (p *usePlan) addedVector() []float32 {
	dim := p.ix.dimension
	v := make([]float32, max(dim, 0))
	var base []float32
	if len(p.layer0) > 0 {
		base = p.layer0[len(p.layer0)/2].vec
	}
	for round := 1; round < 64; round++ {
		for i := range v {
			if len(base) == dim {
				v[i] = base[i]
			} else {
				v[i] = float32((i*37+11)%23) - 11.25
			}
		}
		if dim > 0 {
			at := round % dim
			step := float32(float32(abs32(v[at])+1e-3) * 1e-2)
			step = float32(step * float32(round))
			v[at] = float32(v[at] + step)
		}
		clash := false
		for _, nd := range p.layer0 {
			if sameBits(nd.vec, v) {
				clash = true
				break
			}
			var dot, aa, bb float64
			for k := 0; k < dim && k < len(nd.vec); k++ {
				a, b := float64(v[k]), float64(nd.vec[k])
				dot += a * b
				aa += a * a
				bb += b * b
			}
			if p.cosine && aa > 0 && bb > 0 && dot/math.Sqrt(aa*bb) > 1-1e-9 {
				clash = true
				break
			}
		}
		if !clash {
			break
		}
	}
	return v
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// keyHasVector: key is a node (stored, or the added one) whose vector is vec.
func (p *usePlan) keyHasVector(key string, vec []float32) bool {
	if key == p.add.Key {
		return sameBits(p.add.Vector, vec)
	}
	v, ok := p.byKey[key]
	return ok && sameBits(v, vec)
}

// checkAnswer judges one use answer on what every working index gives,
// exact or approximate: no error, one list per query, none empty, at most
// k keys, every key a node (the added one only after the add), more than
// one key when there are two nodes or more. It reports false on a failure.
func (p *usePlan) checkAnswer(c *Case, r reply, queries []Query, nodes int, added bool, step string) bool {
	c.note(r.message)
	if r.outcome != Ok {
		c.fail(reason(reasonUseOutcome, step, r.outcome))
		return false
	}
	if len(r.results) != len(queries) {
		c.fail(reason(reasonUseLists, step, len(r.results), len(queries)))
		return false
	}
	for i, q := range queries {
		keys := r.results[i]
		if nodes > 0 && len(keys) == 0 {
			c.fail(reason(reasonUseNothing, step, i+1))
			return false
		}
		if len(keys) > q.K {
			c.fail(reason(reasonUseTooMany, step, i+1, len(keys), q.K))
			return false
		}
		for _, key := range keys {
			if !p.has(key) && !(added && key == p.add.Key) {
				c.fail(reason(reasonUseNotANode, step, i+1))
				c.note(fmt.Sprintf("that result: %q", key))
				return false
			}
		}
		if nodes >= 2 && q.K >= 2 && len(keys) < 2 {
			c.fail(reason(reasonUseNoLinks, step, i+1))
			return false
		}
		if len(keys) > 0 && !p.keyHasVector(keys[0], q.Vector) {
			c.note(fmt.Sprintf("%s: query %d's first result is %q; not a node with the query's vector (an approximate search)", step, i+1, keys[0]))
		}
	}
	return true
}

// judgeUse runs the plan on a loaded value: the searches and the add, then
// a search for the added vector.
func judgeUse(c *Case, t Testee, loaded any, ix *dumpedIndex) {
	p := planUse(ix)
	n := len(p.layer0)
	add := p.add
	r := t.use(loaded, UseRequest{Queries: p.queries, Add: &add})
	if !p.checkAnswer(c, r, p.queries, n, false, reasonUseStepStored) {
		return
	}
	switch {
	case !r.added:
		c.fail(reasonUseNotAdded)
	case r.count != n+1:
		c.fail(reason(reasonUseCount, r.count, n+1))
	}
	q := []Query{{Vector: p.add.Vector, K: min(n+1, useKMax)}}
	r = t.use(loaded, UseRequest{Queries: q})
	p.checkAnswer(c, r, q, n+1, true, reasonUseStepAdded)
}
