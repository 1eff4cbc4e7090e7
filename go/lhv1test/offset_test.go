package lhv1test

import (
	"bytes"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/lhv1/harness/go/lhv1test/internal/anchorgen"
)

// The Go table is generated from the C one (LHV1_PLAN_ANCHORS): both
// languages parse the same places.
func TestAnchorTableIsGenerated(t *testing.T) {
	header, err := os.ReadFile(anchorgen.HeaderPath)
	if err != nil {
		t.Fatalf("the C table: %v", err)
	}
	want, err := anchorgen.Generate(header)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("anchors_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("anchors_table.go is not what the C table generates: run go generate in go/lhv1test")
	}
}

func TestOffsetsRoundTrip(t *testing.T) {
	for _, s := range []string{"0", "57", "envelope", "graph+12", "end-2", "layer1", "layer0-1",
		"layer1.node3+40", "layer0.node0.vector", "layer2.node7.neighbors+1", "layer0.node1.neighbor0+2",
		"old.layer0.node2", "old.graph-3"} {
		o, err := ParseOffset(s)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if o.String() != s {
			t.Errorf("%q reads back as %q", s, o.String())
		}
	}
}

func TestOffsetsRefuseWhatIsNoPlace(t *testing.T) {
	for s, why := range map[string]string{
		"":                          "empty",
		"node3":                     "not a place first",
		"layer":                     "needs its number",
		"layer1.vector":             "not a place after layer",
		"layer1.node2.node3":        "not a place after node",
		"graph.layer0":              "not a place after graph",
		"graph+":                    "is not +N",
		"graph*2":                   "want +N or -N",
		"Graph":                     "not a place first",
		"old.":                      "not a place first",
		"layer1.node3.neighbor":     "needs its number",
		"layer99999999999999999999": "out of range",
	} {
		_, err := ParseOffset(s)
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %v, want an error saying %q", s, err, why)
		}
	}
}

func place(t *testing.T, s string, body []byte) int {
	t.Helper()
	o, err := ParseOffset(s)
	if err != nil {
		t.Fatal(err)
	}
	at, err := o.place(body)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return at + int(o.Delta)
}

// A place names the same field whatever order the writer chose: every
// shuffle of the same graph puts node N (in key order) at the key, and
// its vector and neighbour K at the same bytes.
func TestPlacesFollowKeysNotFileOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	sorted := threeNodes(nil)
	for i := 0; i < 20; i++ {
		b := threeNodes(rng)
		for s, want := range map[string]string{
			"layer0.node1+1":           "b", // the key after its length
			"layer0.node2+1":           "c",
			"layer0.node0.neighbor1+1": "c", // a's neighbours: b, c
			"layer1.node0+1":           "b",
		} {
			if at := place(t, s, b); string(b[at:at+1]) != want {
				t.Errorf("%s: %q, want %q", s, b[at:at+1], want)
			}
		}
		at, want := place(t, "layer0.node2.vector", b), place(t, "layer0.node2.vector", sorted)
		if !bytes.Equal(b[at:at+8], sorted[want:want+8]) {
			t.Errorf("the vector of node 2 differs between orders")
		}
		if place(t, "graph", b) != 8+len(`{"version":1}`) || place(t, "end-1", b) != len(b)-1 || place(t, "envelope", b) != 8 {
			t.Errorf("frame places")
		}
	}
}

func TestPlacesAnObjectDoesNotHave(t *testing.T) {
	b := threeNodes(nil)
	for _, s := range []string{"layer2", "layer0.node3", "layer1.node0.neighbor0"} {
		o, _ := ParseOffset(s)
		if _, err := o.place(b); err == nil {
			t.Errorf("%s resolved in an object without it", s)
		}
	}
	o, _ := ParseOffset("layer0")
	if _, err := o.place([]byte("LHV1\x00\x00\x00\x02{}\x02")); err == nil {
		t.Error("a layer resolved in a graph section that does not walk")
	}
	if _, err := o.place([]byte("not an object")); err == nil {
		t.Error("a layer resolved in no object")
	}
}

// KeyOrder stores every ordering of one graph as the same bytes, keeps
// the length, and leaves what is no walkable object alone.
func TestKeyOrderIsOneLayout(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	want := threeNodes(nil)
	if !bytes.Equal(InKeyOrder(want), want) {
		t.Fatal("an object in key order changed")
	}
	differed := 0
	for i := 0; i < 20; i++ {
		b := threeNodes(rng)
		if !bytes.Equal(b, want) {
			differed++
		}
		if got := InKeyOrder(b); !bytes.Equal(got, want) {
			t.Fatalf("shuffle %d: %x\nwant %x", i, got, want)
		}
	}
	if differed == 0 {
		t.Fatal("the shuffles never changed the order: nothing was tested")
	}
	for _, b := range [][]byte{[]byte("LHV1\x00\x00\x00\x00"), []byte("junk"), append(threeNodes(rng), 0xff)} {
		trailing := len(b) > 0 && b[len(b)-1] == 0xff
		got := InKeyOrder(b)
		if trailing {
			if got[len(got)-1] != 0xff || len(got) != len(b) {
				t.Errorf("trailing byte lost")
			}
			continue
		}
		if !bytes.Equal(got, b) {
			t.Errorf("%q changed", b)
		}
	}
	// An empty layer keeps its count.
	empty := testObject([]testNode{{"b", []float32{1}, nil}, {"a", []float32{2}, nil}}, nil)
	if got := InKeyOrder(empty); len(got) != len(empty) || place(t, "layer1", got) != len(got)-1 {
		t.Errorf("empty layer: %x from %x", got, empty)
	}
}

// Every byte of an object reads back as a place that names it, and the
// place names the same field in a shuffled layout of the same index.
func TestPlaceOfEveryByte(t *testing.T) {
	sorted := threeNodes(nil)
	shuffled := threeNodes(rand.New(rand.NewSource(5)))
	for off := range sorted {
		o := PlaceOf(sorted, off)
		if at, err := o.Byte(sorted); err != nil || at != off {
			t.Fatalf("byte %d: %s resolves to %d, %v", off, o, at, err)
		}
		back, err := ParseOffset(o.String())
		if err != nil || back != o {
			t.Fatalf("byte %d: %s does not read back: %v", off, o, err)
		}
		if at, err := o.Byte(shuffled); err != nil || InKeyOrder(shuffled)[off] != sorted[off] || shuffled[at] != sorted[off] {
			t.Fatalf("byte %d (%s): %v; the shuffled object has %q there, want %q", off, o, err, shuffled[at:at+1], sorted[off:off+1])
		}
	}
}
