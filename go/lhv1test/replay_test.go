package lhv1test

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
)

// rawPersistor stores objects as given and "dumps" an object as its graph
// section in key order: enough identity for the judge in these tests.
type rawPersistor struct{ s Store }

var errRawMissing = errors.New("raw: missing")
var errRawFormat = errors.New("raw: bad format")

func (p rawPersistor) Save(ctx context.Context, idx Index) error {
	body := append(append([]byte("LHV1"), 0, 0, 0, byte(len(idx.Envelope))), idx.Envelope...)
	return p.s.Put(ctx, ObjectKey(idx.Name), append(body, idx.Graph...))
}

func (p rawPersistor) Load(ctx context.Context, name string) ([]byte, error) {
	b, err := p.s.Get(ctx, ObjectKey(name))
	if errors.Is(err, ErrKeyNotFound) {
		return nil, errRawMissing
	}
	if err != nil {
		return nil, err
	}
	l, err := parseLayout(b)
	if err != nil {
		return nil, errRawFormat
	}
	if l.graphErr != nil {
		return nil, l.graphErr
	}
	return InKeyOrder(b)[l.graph:], nil
}

func (rawPersistor) IsMissing(err error) bool   { return errors.Is(err, errRawMissing) }
func (rawPersistor) IsBadFormat(err error) bool { return errors.Is(err, errRawFormat) }

func newRaw(s Store) Persistor { return rawPersistor{s} }

// A planned place flips the same field whatever order the writer chose:
// the vector of node "c", so every order loads the same wrong content.
func TestFaultStoreResolvesPlaces(t *testing.T) {
	plan, err := ParsePlan("get-bit-flip nth=0 bit=layer0.node2.vector+13")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(3))
	var first []byte
	for i := 0; i < 10; i++ {
		mem := NewMemStore()
		_ = mem.Put(ctx, key, threeNodes(rng))
		fs := NewFaultStore(mem, Config{Plan: plan, Record: true})
		got, err := fs.Get(ctx, key)
		if err != nil || fs.Fired(GetBitFlip) != 1 {
			t.Fatalf("flip: %v, fired %d", err, fs.Fired(GetBitFlip))
		}
		content := InKeyOrder(got)
		if first == nil {
			first = content
		} else if !bytes.Equal(content, first) {
			t.Fatalf("order %d flipped another field", i)
		}
		e := fs.Effects()[0]
		if e.Fault.At.String() != "layer0.node2.vector+13" || e.Fault.Bit%8 != 5 || !bytes.Equal(e.After, got) {
			t.Fatalf("effect %+v", e.Fault)
		}
	}
	// A place the object lacks: nothing fires, the body comes back whole.
	plan, _ = ParsePlan("put-torn-prefix nth=0 cut=layer7")
	fs := NewFaultStore(NewMemStore(), Config{Plan: plan})
	b := threeNodes(nil)
	if err := fs.Put(ctx, key, b); err != nil || fs.Fired(PutTornPrefix) != 0 || !strings.Contains(fs.Log(), "no layer 7") {
		t.Fatalf("unresolvable cut: %v, fired %d, log %s", err, fs.Fired(PutTornPrefix), fs.Log())
	}
	if got, _ := fs.Inner().Get(ctx, key); !bytes.Equal(got, b) {
		t.Fatal("the Put did not land whole")
	}
	// old.: torn-over-old places the cut in the object written over.
	plan, _ = ParsePlan("put-torn-over-old nth=1 cut=old.layer1 reply=200")
	fs = NewFaultStore(NewMemStore(), Config{Plan: plan, Record: true})
	old := threeNodes(nil)
	_ = fs.Put(ctx, key, old)
	_ = fs.Put(ctx, key, append(old[:len(old):len(old)], 0))
	if e := fs.Effects(); len(e) != 1 || e[0].Fault.Cut != uint64(place(t, "layer1", old)) {
		t.Fatalf("old. cut: %+v", e)
	}
}

// A replay file reproduces its bytes and outcome; a file whose bytes do
// not come out of its plan is refused.
func TestReplayReproducesACase(t *testing.T) {
	before := threeNodes(rand.New(rand.NewSource(4)))
	plan := "get-bit-flip nth=0 bit=layer0.node0.vector+30"
	fault, _ := ParseFault(plan)
	mem := NewMemStore()
	_ = mem.Put(ctx, ObjectKey("a"), before)
	fs := NewFaultStore(mem, Config{Plan: []Fault{fault}, Record: true})
	p := newRaw(fs)
	saved, _ := newRaw(NewMemStore()).(rawPersistor).dumpOf(before)
	res, _ := LoadOnce(ctx, p, "a")
	states := []KnownState{{1, RoleAcked, saved}}
	out, detail := JudgeLoad("a", res, states)
	if out != SilentWrong {
		t.Fatalf("the flip in a vector: %s %s", out, detail)
	}
	e := fs.Effects()[0]
	f := &ReplayFile{Format: ReplayFormat, Persistor: "raw", Index: "a", Plan: plan,
		Resolved: e.Fault.Absolute().String(), Before: e.Before, Ended: e.After,
		Outcome: out.String(), Detail: detail, States: NewReplayStates(states)}
	path := filepath.Join(t.TempDir(), "case.json")
	if err := WriteReplay(path, f); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		back, err := ReadReplay(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Replay(ctx, back, newRaw)
		if err != nil || !r.Reproduced || !r.Matches(back) || r.Detail != detail {
			t.Fatalf("replay: %+v %v", r, err)
		}
	}
	f.Ended = append([]byte(nil), f.Ended...)
	f.Ended[len(f.Ended)-1] ^= 1
	if _, err := Replay(ctx, f, newRaw); err == nil || !strings.Contains(err.Error(), "other bytes") {
		t.Fatalf("a file whose bytes its plan does not make: %v", err)
	}
	f.Resolved = "get-bit-flip nth=0 bit=3"
	if _, err := Replay(ctx, f, newRaw); err == nil || !strings.Contains(err.Error(), "resolves to") {
		t.Fatalf("a file whose numbers its plan does not give: %v", err)
	}
}

func (rawPersistor) dumpOf(b []byte) ([]byte, error) {
	l, err := parseLayout(b)
	if err != nil {
		return nil, err
	}
	return InKeyOrder(b)[l.graph:], nil
}
