package vectord_test

import (
	"testing"

	"github.com/lhv1/harness/examples/vectord"
)

// NewIndex refuses a zero dimension, M or ef_search and takes 1: an index
// it makes is one the harness's goldens can describe (each is at least 1).
func TestNewIndexParams(t *testing.T) {
	ok := vectord.Params{Name: "p", Dimension: 1, Distance: "cosine", M: 1, EfSearch: 1}
	if _, err := vectord.NewIndex(ok); err != nil {
		t.Fatalf("NewIndex(%+v): %v", ok, err)
	}
	for _, zero := range []func(*vectord.Params){
		func(p *vectord.Params) { p.Dimension = 0 },
		func(p *vectord.Params) { p.M = 0 },
		func(p *vectord.Params) { p.EfSearch = 0 },
		func(p *vectord.Params) { p.Name = "" },
		func(p *vectord.Params) { p.Distance = "dot" },
	} {
		p := ok
		zero(&p)
		if _, err := vectord.NewIndex(p); err == nil {
			t.Errorf("NewIndex(%+v) made an index", p)
		}
	}
}
