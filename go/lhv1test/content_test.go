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

// goldensByName is the goldens' manifest by golden name.
func goldensByName(t *testing.T) map[string]ManifestEntry {
	t.Helper()
	entries, err := ReadManifest(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ManifestEntry{}
	for _, e := range entries {
		byName[GoldenName(e.File)] = e
	}
	return byName
}

// expectedLoader loads a golden Go loaded by returning its expected dump
// (or, for goldens without one, an empty index), and refuses the others
// (with an error where Go panicked: a panic never passes).
func expectedLoader(t *testing.T) Loader {
	t.Helper()
	byName := goldensByName(t)
	return func(name string, body []byte) (any, error) {
		e, ok := byName[name]
		if !ok {
			return nil, errors.New("not a golden")
		}
		if e.Go != Ok {
			return nil, errors.New("rejected")
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
			f.nodes[n.key] = n.vec
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
		{"search follows no link", nil, func(v any, req UseRequest) (UseResult, error) {
			res, err := exactUse(v, req)
			for i, r := range res.Results {
				res.Results[i] = r[:min(1, len(r))]
			}
			return res, err
		}, "/use"},
		{"search returns a key that is no node", nil, func(v any, req UseRequest) (UseResult, error) {
			res, err := exactUse(v, req)
			for i := range res.Results {
				res.Results[i] = append([]string{"no such key"}, res.Results[i]...)
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
	p := planUse(&dumpedIndex{dimension: 3, distance: "cosine"})
	if len(p.queries) != 0 || len(p.layer0) != 0 || p.add.Key != "lhv1-conform-added" || len(p.add.Vector) != 3 {
		t.Fatalf("plan %+v", p)
	}
}

// The plan searches for layer 0's first, middle and last node in the
// dump's order, asks for every node, and adds a node near the middle one
// under a key the index does not hold.
func TestPlanUseQueriesAndAddedNode(t *testing.T) {
	d, err := os.ReadFile(filepath.Join(goldenDir, "expected", "y_multi_layer.dump"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := readDump(d)
	if err != nil {
		t.Fatal(err)
	}
	p := planUse(ix)
	l0 := ix.layers[0]
	n := len(l0)
	if len(p.queries) != 3 || p.queries[0].K != n+1 {
		t.Fatalf("%d queries, k %d, %d nodes", len(p.queries), p.queries[0].K, n)
	}
	for i, at := range []int{0, n / 2, n - 1} {
		if !sameBits(p.queries[i].Vector, l0[at].vec) {
			t.Errorf("query %d is not the vector of node %d (%q)", i+1, at, l0[at].key)
		}
	}
	mid, a := l0[n/2].vec, p.add.Vector
	moved := 0
	for i := range mid {
		if math.Float32bits(mid[i]) != math.Float32bits(a[i]) {
			moved++
		}
	}
	if moved != 1 {
		t.Fatalf("the added vector differs from the middle node's in %d components, want 1", moved)
	}
	if p.has(p.add.Key) {
		t.Fatal("added key already in the index")
	}
}

func TestJudgeFollowsTheFailureList(t *testing.T) {
	list := FailureList{"golden/a": "", "golden/b": "known", "golden/e": "known"}
	for _, tc := range []struct {
		c     Case
		fails bool
		text  string
	}{
		{Case{Name: "golden/a", Failed: true, Message: "m"}, false, "fails as the failure list expects"},
		{Case{Name: "golden/b"}, true, "now passes: remove it"},
		{Case{Name: "golden/c", Failed: true, Message: "m"}, true, "golden/c: m"},
		{Case{Name: "golden/d"}, false, ""},
		{Case{Name: "golden/e", Failed: true, Message: "known"}, false, "fails as the failure list expects"},
		{Case{Name: "golden/e", Failed: true, Message: "other"}, true, "message changed"},
		{Case{Name: "golden/b", Skipped: true}, false, ""},
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
	writeFile(t, dir+"/two.txt", "golden/x golden/y\n")
	if _, err := ReadFailureList(dir + "/two.txt"); err == nil {
		t.Fatal("text after a name that is no '# message' was accepted")
	}
	writeFile(t, dir+"/tab.txt", "golden/x\t#\tm  \n")
	if l, err := ReadFailureList(dir + "/tab.txt"); err != nil || l["golden/x"] != "m" {
		t.Fatalf("%v %v", l, err)
	}
}

// The list go test checks and writes: entries of cases only lhv1 conform
// runs (LHV2, archives, edits, goldens Go died on) are neither reported as
// not run nor dropped when the list is written again.
func TestFailureListAcrossTools(t *testing.T) {
	results, err := RunGoldens(goldenDir, func(string, []byte) (any, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	list := FailureList{
		"archive/lhv1-2026-12/n_graph_negative_layers.lhv1": "testee panic; spec decode-error graph-negative-count, Go panic",
		"lhv2/y_few_nodes.lhv2":                             "",
		"edit/y_few_nodes/3":                                "",
		"golden/n_graph_huge_layers.lhv1":                   "testee crash; spec decode-error graph-count-exceeds-input, Go fatal",
		"golden/y_few_nodes.lhv1/use":                       "", // no Use: not a case of this run
		"golden/n_no_such_golden.lhv1":                      "",
	}
	if got := list.NotRun(results); strings.Join(got, " ") != "golden/n_no_such_golden.lhv1 golden/y_few_nodes.lhv1/use" {
		t.Errorf("NotRun = %v", got)
	}
	w := list.Rewritten(results)
	for name := range list {
		_, kept := w[name]
		if want := !strings.HasPrefix(name, "golden/") || name == "golden/n_graph_huge_layers.lhv1"; kept != want {
			t.Errorf("%s kept %v", name, kept)
		}
	}
	if w["golden/n_frame_bad_magic.lhv1"] == "" {
		t.Errorf("a failing case is not written: %v", w)
	}
}
