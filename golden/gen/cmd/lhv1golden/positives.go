package main

// Positive goldens: real graphs built with coder/hnsw (Graph.Add with a
// seeded RNG) and saved through the Go Persistor into a directory store.

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strings"

	"github.com/coder/hnsw"

	"github.com/lhv1/harness/go/hnswdump/wire"
	"github.com/lhv1/harness/golden/gen/model"
)

// base is a saved positive: its object, and its parts for derivations.
type base struct {
	Params model.Params
	Meta   model.Metadata
	Count  int
	Body   []byte
	Graph  *wire.Graph // Go's graph, layers and neighbour lists sorted
}

type spec struct {
	name    string
	about   string
	params  model.Params
	ml      float64
	seed    int64
	keys    []string
	vec     func(r *rand.Rand, i int) []float32
	meta    func(keys []string) model.Metadata
	deletes []string
}

func params(name string, dim int, dist string, m int) model.Params {
	return model.Params{Name: name, Dimension: dim, Distance: dist, M: m, EfSearch: 20}
}

// tuned is params with an EfSearch of its own.
func tuned(name string, dim int, dist string, m, efSearch int) model.Params {
	p := params(name, dim, dist, m)
	p.EfSearch = efSearch
	return p
}

func seqKeys(n int) []string {
	k := make([]string, n)
	for i := range k {
		k[i] = fmt.Sprintf("v%04d", i)
	}
	return k
}

func randVec(dim int) func(r *rand.Rand, i int) []float32 {
	return func(r *rand.Rand, _ int) []float32 {
		v := make([]float32, dim)
		for j := range v {
			v[j] = r.Float32()*2 - 1
		}
		return v
	}
}

func richMeta(keys []string) model.Metadata {
	m := model.Metadata{}
	for i, k := range keys {
		m[k] = map[string]any{"i": float64(i), "label": "item " + k}
	}
	if len(keys) > 0 {
		m[keys[0]] = map[string]any{
			"int": 42.0, "neg": -7.0, "zero": 0.0, "tenth": 0.1, "tiny": 1.5e-7, "huge": 1e21,
			"e300": 1e300, "frac": 123456789.125, "negzero": math.Copysign(0, -1),
			"t": true, "f": false, "nil": nil, "s": "quote\" backslash\\ tab\t nl\n <&> é 🙂",
			"arr": []any{1.0, "two", []any{3.0}, map[string]any{"z": 1.0, "a": 2.0}},
			"obj": map[string]any{"b": map[string]any{}, "a": []any{}},
		}
	}
	return m
}

// goFindings are graphs coder/hnsw itself writes that the spec rejects.
func goFindings() []spec {
	return []spec{
		{name: "go_delete_leaves_dangling", about: "60 vectors, M 6, then 15 deleted with Graph.Delete: Delete only unlinks the neighbours the deleted node lists, so one-way links dangle",
			params: params("go_delete_leaves_dangling", 4, "cosine", 6), ml: 0.25, seed: 15, keys: seqKeys(60), vec: randVec(4),
			deletes: []string{"v0003", "v0007", "v0011", "v0015", "v0019", "v0023", "v0027", "v0031", "v0035", "v0039", "v0043", "v0047", "v0051", "v0055", "v0059"}},
	}
}

func positiveSpecs() []spec {
	var bigMeta = func(keys []string) model.Metadata {
		m := model.Metadata{}
		for i, k := range keys {
			m[k] = map[string]any{"text": strings.Repeat(fmt.Sprintf("%c", 'a'+i%26), 200), "n": float64(i)}
		}
		return m
	}
	return []spec{
		{name: "empty", about: "an index with no vectors (zero layers)", params: params("empty", 8, "cosine", 16), ml: 0.25, seed: 1},
		{name: "one_node", about: "one vector", params: params("one_node", 4, "cosine", 16), ml: 0.25, seed: 2, keys: seqKeys(1), vec: randVec(4)},
		{name: "few_nodes", about: "five vectors, metadata on each", params: params("few_nodes", 3, "cosine", 16), ml: 0.25, seed: 3, keys: seqKeys(5), vec: randVec(3), meta: richMeta},
		{name: "thousand_x32", about: "1,000 vectors of 32 dimensions", params: params("thousand_x32", 32, "cosine", 16), ml: 0.25, seed: 4, keys: seqKeys(1000), vec: randVec(32)},
		{name: "multi_layer", about: "300 vectors, M 4, Ml 0.5: several layers", params: params("multi_layer", 8, "cosine", 4), ml: 0.5, seed: 5, keys: seqKeys(300), vec: randVec(8)},
		{name: "euclidean", about: "euclidean distance", params: params("euclidean", 6, "euclidean", 8), ml: 0.25, seed: 6, keys: seqKeys(50), vec: randVec(6)},
		{name: "utf8_keys", about: "non-ASCII UTF-8 keys with metadata", params: params("utf8_keys", 4, "cosine", 16), ml: 0.25, seed: 7,
			keys: []string{"héllo", "日本語", "emoji 🙂", "Ωmega", "ключ", "ascii"}, vec: randVec(4), meta: richMeta},
		{name: "non_utf8_keys", about: "keys that are not UTF-8 (dumped as hex)", params: params("non_utf8_keys", 4, "cosine", 16), ml: 0.25, seed: 8,
			keys: []string{"\xff\xfe", "a\x80b", "\xc0\xaf", "\xed\xa0\x80", "valid"}, vec: randVec(4)},
		{name: "control_keys", about: "keys with quote, backslash, tab, newline, NUL and an empty key", params: params("control_keys", 4, "cosine", 16), ml: 0.25, seed: 9,
			keys: []string{"quote\"key", "back\\slash", "tab\tkey", "nl\nkey", "nul\x00key", ""}, vec: randVec(4),
			meta: func([]string) model.Metadata {
				return model.Metadata{"quote\"key": {"k": "v"}, "back\\slash": {"k": 1.0}, "tab\tkey": {}}
			}},
		{name: "terminal_keys", about: "keys and metadata with DEL, ESC, C1 controls, line separator and bidi controls (dump STR escapes them)", params: params("terminal_keys", 4, "cosine", 16), ml: 0.25, seed: 18,
			keys: []string{"del\x7fkey", "esc\x1b[2Jkey", "c1\u009bkey", "nel\u0085key", "lsep\u2028key", "rlo\u202ekey", "lri\u2066key", "alm\u061ckey", "plain\u00e9key"}, vec: randVec(4),
			meta: func([]string) model.Metadata {
				return model.Metadata{"del\x7fkey": {"s": "\u2067x\u2069\u200f"}, "c1\u009bkey": {"\u2029": 1.0}}
			}},
		{name: "rich_metadata", about: "metadata with every JSON type and float forms, and numbers that need 16-17 significant digits", params: params("rich_metadata", 4, "cosine", 16), ml: 0.25, seed: 10, keys: seqKeys(8), vec: randVec(4),
			meta: func(keys []string) model.Metadata {
				m := richMeta(keys)
				m[keys[1]] = map[string]any{"two53": 9007199254740992.0, "point3": 0.1 + 0.2, "third": 1.0 / 3, "max": math.MaxFloat64, "min": math.SmallestNonzeroFloat64}
				return m
			}},
		{name: "no_metadata", about: "vectors without metadata (field omitted)", params: params("no_metadata", 5, "cosine", 16), ml: 0.25, seed: 11, keys: seqKeys(12), vec: randVec(5)},
		{name: "dim_1", about: "dimension 1", params: params("dim_1", 1, "euclidean", 16), ml: 0.25, seed: 12, keys: seqKeys(20), vec: randVec(1)},
		{name: "dim_1536", about: "dimension 1,536", params: params("dim_1536", 1536, "cosine", 16), ml: 0.25, seed: 13, keys: seqKeys(12), vec: randVec(1536)},
		{name: "large_envelope", about: "a ~90 KB envelope (400 metadata objects)", params: params("large_envelope", 4, "cosine", 16), ml: 0.25, seed: 14, keys: seqKeys(400), vec: randVec(4), meta: bigMeta},
		{name: "after_deletions", about: "two vectors, then one deleted with Graph.Delete (larger deletions leave dangling links: n_go_delete_leaves_dangling)", params: params("after_deletions", 4, "cosine", 16), ml: 0.25, seed: 15, keys: seqKeys(2), vec: randVec(4),
			deletes: []string{"v0001"}},
		{name: "m_2", about: "M 2: short neighbour lists", params: params("m_2", 3, "euclidean", 2), ml: 0.25, seed: 16, keys: seqKeys(30), vec: randVec(3)},
		// coder/hnsw's NewGraph defaults are M 16, Ml 0.25, EfSearch 20 and
		// cosine: these three move every graph parameter away from them and
		// from each other, so a reader that drops one (keeps the default) or
		// swaps two fails a golden's dump, not only a fuzz seed.
		{name: "params_distinct", about: "M 5, EfSearch 37, Ml 0.7, euclidean: every graph parameter off coder/hnsw's defaults and distinct from the others", params: tuned("params_distinct", 5, "euclidean", 5, 37), ml: 0.7, seed: 19, keys: seqKeys(40), vec: randVec(5), meta: richMeta},
		{name: "params_ef_search_1", about: "EfSearch 1 (the smallest) below M 3, Ml 1/ln 3", params: tuned("params_ef_search_1", 4, "cosine", 3, 1), ml: 1 / math.Log(3), seed: 20, keys: seqKeys(25), vec: randVec(4)},
		{name: "params_wide", about: "EfSearch 400 above the vector count, M 32, Ml 1/ln 32", params: tuned("params_wide", 6, "cosine", 32, 400), ml: 1 / math.Log(32), seed: 21, keys: seqKeys(80), vec: randVec(6)},
		{name: "special_floats", about: "components -0, subnormal and near float32 max", params: params("special_floats", 3, "euclidean", 16), ml: 0.25, seed: 17, keys: seqKeys(6),
			vec: func(r *rand.Rand, i int) []float32 {
				return [][]float32{{float32(math.Copysign(0, -1)), 1, 2}, {math.SmallestNonzeroFloat32, 0, 1}, {1e38, -1e38, 0}, {0.5, 0.25, 0.125}, {-1, -2, -3}, {3, 2, 1}}[i]
			}},
	}
}

// build makes one positive through the Go Persistor and reads its object
// back from the store.
func build(ctx context.Context, store model.DirStore, s spec) (*base, error) {
	idx, err := model.NewIndex(s.params)
	if err != nil {
		return nil, err
	}
	idx.Graph.Ml = s.ml
	idx.Graph.Rng = rand.New(rand.NewSource(s.seed))
	vr := rand.New(rand.NewSource(s.seed * 7919))
	for i, k := range s.keys {
		idx.Graph.Add(hnsw.MakeNode(k, s.vec(vr, i)))
	}
	for _, k := range s.deletes {
		if !idx.Graph.Delete(k) {
			return nil, fmt.Errorf("%s: delete %q found nothing", s.name, k)
		}
	}
	if s.meta != nil {
		live := make([]string, 0, len(s.keys))
		for _, k := range s.keys {
			if _, ok := idx.Graph.Lookup(k); ok {
				live = append(live, k)
			}
		}
		idx.Metadata = s.meta(live)
	}
	p := model.NewPersistor(store)
	if err := p.Save(ctx, idx); err != nil {
		return nil, err
	}
	body, err := store.Get(ctx, model.FileKey(s.name))
	if err != nil {
		return nil, err
	}
	_, graph, err := model.Unframe(body)
	if err != nil {
		return nil, err
	}
	g, err := wire.Parse(graph)
	if err != nil {
		return nil, fmt.Errorf("%s: Go-written graph: %w", s.name, err)
	}
	sortGraph(g)
	return &base{Params: s.params, Meta: idx.Metadata, Count: idx.Graph.Len(), Body: body, Graph: g}, nil
}

// sortGraph orders nodes and neighbour lists bytewise, so that goldens
// derived from a Go-written graph do not depend on Go's map order.
func sortGraph(g *wire.Graph) {
	for _, l := range g.Layers {
		sort.SliceStable(l.Nodes, func(a, b int) bool { return bytes.Compare(l.Nodes[a].Key, l.Nodes[b].Key) < 0 })
		for _, n := range l.Nodes {
			sort.SliceStable(n.Neighbors, func(a, b int) bool { return bytes.Compare(n.Neighbors[a], n.Neighbors[b]) < 0 })
		}
	}
}

// reuseBase reads a committed Go-written golden back as a base, if it still
// is what spec s builds: same params and as many vectors.
func reuseBase(path string, s spec) (*base, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	env, graph, err := model.Unframe(body)
	if err != nil {
		return nil, err
	}
	idx, err := model.DecodeIndex(bytes.NewReader(env), bytes.NewReader(graph))
	if err != nil {
		return nil, err
	}
	want := len(s.keys) - len(s.deletes)
	if idx.Params != s.params || idx.Count != want || idx.Graph.Len() != want {
		return nil, fmt.Errorf("the committed object no longer matches its spec")
	}
	g, err := wire.Parse(graph)
	if err != nil {
		return nil, err
	}
	sortGraph(g)
	return &base{Params: idx.Params, Meta: idx.Metadata, Count: idx.Count, Body: body, Graph: g}, nil
}
