package lhv1test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// fakeIndex is a loaded index for these tests: its dump (golden/expected)
// and an exact nearest-neighbour search over the dump's layer-0 vectors.
// lhv1test itself uses no HNSW library; examples/vectord and the Go
// reference run these checks on coder/hnsw.
type fakeIndex struct {
	dump  []byte
	nodes map[string][]float32
}

// expectedLoader loads a golden Go loaded by returning its expected dump
// (or, for goldens without one, an empty index), and fails the others as
// Go recorded.
func expectedLoader(t *testing.T) Loader {
	t.Helper()
	entries, err := ReadManifest(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ManifestEntry{}
	for _, e := range entries {
		byName[GoldenName(e.File)] = e
	}
	return func(name string, body []byte) (any, error) {
		e, ok := byName[name]
		if !ok {
			return nil, errors.New("not a golden")
		}
		switch e.Go {
		case Error:
			return nil, errors.New("rejected")
		case Panic:
			panic("recorded panic")
		}
		if e.Dump == "-" {
			return &fakeIndex{nodes: map[string][]float32{}}, nil
		}
		d, err := os.ReadFile(filepath.Join(goldenDir, e.Dump))
		if err != nil {
			return nil, err
		}
		return newFakeIndex(d)
	}
}

func newFakeIndex(d []byte) (*fakeIndex, error) {
	ix, err := readDump(d)
	if err != nil {
		return nil, err
	}
	f := &fakeIndex{dump: d, nodes: map[string][]float32{}}
	if len(ix.layers) > 0 {
		for _, n := range ix.layers[0] {
			if f.nodes[n.key], err = hexVector(n.vec); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

func (f *fakeIndex) LHV1Dump() ([]byte, error) { return f.dump, nil }

func exactUse(loaded any, req UseRequest) (UseResult, error) {
	f := loaded.(*fakeIndex)
	var res UseResult
	for _, q := range req.Queries {
		keys := make([]string, 0, len(f.nodes))
		for k := range f.nodes {
			keys = append(keys, k)
		}
		dist := func(k string) float64 {
			var s float64
			for i, x := range f.nodes[k] {
				d := float64(x) - float64(q.Vector[i])
				s += d * d
			}
			return s
		}
		sort.Slice(keys, func(a, b int) bool { return dist(keys[a]) < dist(keys[b]) })
		res.Results = append(res.Results, keys[:min(q.K, len(keys))])
	}
	if req.Add != nil {
		f.nodes[req.Add.Key] = req.Add.Vector
	}
	res.Count = len(f.nodes)
	return res, nil
}

func failedCases(t *testing.T, results []GoldenResult) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range results {
		for _, c := range r.Cases() {
			if c.Failed {
				out[c.Name] = c.Message
			}
		}
	}
	return out
}

// A loader that loads what Go loaded, dumps it as golden/expected and
// searches exactly passes every case, use and save included.
func TestContentChecksPassAFaithfulLoader(t *testing.T) {
	tt := Testee{Load: expectedLoader(t), Use: exactUse,
		Save: func(name string, dump []byte) ([]byte, error) { return []byte(name), nil }}
	load := tt.Load
	saved := map[string][]byte{}
	tt.Save = func(name string, dump []byte) ([]byte, error) {
		saved[name] = dump
		return []byte("saved:" + name), nil
	}
	tt.Load = func(name string, body []byte) (any, error) {
		if d, ok := saved[name]; ok && string(body) == "saved:"+name {
			return newFakeIndex(d)
		}
		return load(name, body)
	}
	results, err := RunTestee(goldenDir, tt)
	if err != nil {
		t.Fatal(err)
	}
	var dumped, used, roundTrips int
	for _, r := range results {
		if r.DumpChecked {
			dumped++
		}
		if r.UseRan {
			used++
		}
		if r.SaveRan {
			roundTrips++
		}
	}
	if f := failedCases(t, results); len(f) != 0 {
		t.Fatalf("failing cases: %v", f)
	}
	if dumped < 20 || used != dumped || roundTrips != dumped {
		t.Fatalf("dumped %d, used %d, saved %d", dumped, used, roundTrips)
	}
}

// Each content defect fails the cases it touches, and only those kinds.
func TestContentChecksCatchDefects(t *testing.T) {
	load := expectedLoader(t)
	for _, tc := range []struct {
		name   string
		dump   DumpFunc
		use    UseFunc
		suffix string // the case kind that must fail
	}{
		{"metadata dropped", func(v any) ([]byte, error) {
			d := v.(*fakeIndex).dump
			if i := bytes.Index(d, []byte(`"metadata":{`)); i >= 0 {
				j := bytes.Index(d[i:], []byte("},\n\"graph\""))
				return append(append(append([]byte{}, d[:i]...), `"metadata":null`...), d[i+j+1:]...), nil
			}
			return d, nil
		}, nil, ""},
		{"vector bytes changed", func(v any) ([]byte, error) {
			return bytes.Replace(v.(*fakeIndex).dump, []byte(`"vector":"`), []byte(`"vector":"ff`), 1), nil
		}, nil, ""},
		{"search panics", nil, func(any, UseRequest) (UseResult, error) { panic("nil neighbour") }, "/use"},
		{"search returns the farthest", nil, func(v any, req UseRequest) (UseResult, error) {
			res, err := exactUse(v, req)
			for _, r := range res.Results {
				sort.Sort(sort.Reverse(sort.StringSlice(r)))
			}
			return res, err
		}, "/use"},
		{"add not counted", nil, func(v any, req UseRequest) (UseResult, error) {
			res, err := exactUse(v, req)
			res.Count--
			return res, err
		}, "/use"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			use := tc.use
			if use == nil {
				use = exactUse
			}
			results, err := RunTestee(goldenDir, Testee{Load: load, Dump: tc.dump, Use: use})
			if err != nil {
				t.Fatal(err)
			}
			failed := failedCases(t, results)
			if len(failed) == 0 {
				t.Fatal("no case failed")
			}
			for name, msg := range failed {
				kind := ""
				if strings.HasSuffix(name, "/use") {
					kind = "/use"
				}
				if kind != tc.suffix {
					t.Errorf("%s failed: %s", name, msg)
				}
			}
		})
	}
}

func TestPlanUseOnAnEmptyIndex(t *testing.T) {
	p := planUse(&dumpedIndex{dimension: 3})
	if len(p.req.Queries) != 0 || p.count != 0 || p.req.Add == nil || len(p.req.Add.Vector) != 3 {
		t.Fatalf("plan %+v", p)
	}
}

// The added node sits near the first searched vector, under a key the
// index does not hold.
func TestPlanUseAddsNearATopNode(t *testing.T) {
	d, err := os.ReadFile(filepath.Join(goldenDir, "expected", "y_multi_layer.dump"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := readDump(d)
	if err != nil {
		t.Fatal(err)
	}
	p := planUse(ix)
	top := ix.layers[len(ix.layers)-1]
	if len(p.req.Queries) != min(3, len(top)) || p.count != len(ix.layers[0]) {
		t.Fatalf("%d queries, count %d", len(p.req.Queries), p.count)
	}
	q, a := p.req.Queries[0].Vector, p.req.Add.Vector
	var dist, norm float64
	for i := range q {
		dist += math.Pow(float64(q[i])-float64(a[i]), 2)
		norm += float64(q[i]) * float64(q[i])
	}
	if r := math.Sqrt(dist / norm); r < 0.04 || r > 0.06 {
		t.Fatalf("added vector at %.3f of the norm from the first query", r)
	}
	if _, taken := ix.vectorOf(p.req.Add.Key); taken {
		t.Fatal("added key already in the index")
	}
}

func TestJudgeFollowsTheFailureList(t *testing.T) {
	list := FailureList{"golden/a": "", "golden/b": "known"}
	for _, tc := range []struct {
		c     Case
		fails bool
		text  string
	}{
		{Case{Name: "golden/a", Failed: true, Message: "m"}, false, "fails as the failure list expects"},
		{Case{Name: "golden/b"}, true, "now passes: remove it"},
		{Case{Name: "golden/c", Failed: true, Message: "m"}, true, "golden/c: m"},
		{Case{Name: "golden/d"}, false, ""},
	} {
		fails, text := Judge(tc.c, list)
		if fails != tc.fails || !strings.Contains(text, tc.text) || (tc.text == "" && text != "") {
			t.Errorf("%s: %v %q", tc.c.Name, fails, text)
		}
	}
}

func TestFailureListFormat(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir+"/list.txt", "# known\n\ngolden/y_a.lhv1  # dump differs\ngolden/y_b.lhv1/use\n")
	l, err := ReadFailureList(dir + "/list.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 2 || l["golden/y_a.lhv1"] != "dump differs" || l["golden/y_b.lhv1/use"] != "" {
		t.Fatalf("%v", l)
	}
	if got := l.String(); got != "golden/y_a.lhv1  # dump differs\ngolden/y_b.lhv1/use\n" {
		t.Fatalf("%q", got)
	}
	writeFile(t, dir+"/dup.txt", "golden/x\ngolden/x  # again\n")
	if _, err := ReadFailureList(dir + "/dup.txt"); err == nil {
		t.Fatal("a case listed twice was accepted")
	}
}
