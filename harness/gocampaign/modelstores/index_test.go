package modelstores

import (
	"math/rand"
	"testing"

	"github.com/coder/hnsw"

	"github.com/lhv1/harness/golden/gen/model"
)

func testIndex(t testing.TB, name string) *model.Index {
	t.Helper()
	idx, err := model.NewIndex(model.Params{Name: name, Dimension: 2, Distance: "cosine", M: 4, EfSearch: 8})
	if err != nil {
		t.Fatal(err)
	}
	idx.Graph.Rng = rand.New(rand.NewSource(1))
	for i, k := range []string{"a", "b", "c", "d"} {
		idx.Graph.Add(hnsw.MakeNode(k, []float32{float32(i) + 1, 1}))
	}
	return idx
}
