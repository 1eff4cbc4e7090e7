package lhv1test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

var ctx = context.Background()

const key = "_vectors/a.lhv1"

var (
	oldBody = []byte("OLD-0123456789abcdef")
	newBody = []byte("new-body")
)

// withOld is a FaultStore over a MemStore that already holds oldBody.
func withOld(t *testing.T, plan ...Fault) (*FaultStore, *MemStore) {
	t.Helper()
	mem := NewMemStore()
	if err := mem.Put(ctx, key, oldBody); err != nil {
		t.Fatal(err)
	}
	return NewFaultStore(mem, Config{Plan: plan}), mem
}

func inner(t *testing.T, mem *MemStore) []byte {
	t.Helper()
	b, err := mem.Get(ctx, key)
	if errors.Is(err, ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func status(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// Each Put kind: the reply, and what the inner store holds afterwards.
func TestPutFaultEffects(t *testing.T) {
	for _, c := range []struct {
		f      Fault
		status int
		stored []byte
	}{
		{Fault{Kind: PutFailBefore}, 503, oldBody},
		{Fault{Kind: PutFailAfter}, 500, newBody},
		{Fault{Kind: PutLost}, 0, oldBody},
		{Fault{Kind: PutTornPrefix, Cut: 3}, 503, []byte("new")},
		{Fault{Kind: PutTornPrefix, Cut: 3, Ack: true}, 0, []byte("new")},
		{Fault{Kind: PutTornPrefix, Cut: 99, Ack: true}, 0, newBody},
		{Fault{Kind: PutTornOverOld, Cut: 3, Ack: true}, 0, []byte("new-0123456789abcdef")},
		{Fault{Kind: PutTornOverOld, Cut: 8}, 503, []byte("new-body456789abcdef")},
	} {
		t.Run(c.f.String(), func(t *testing.T) {
			fs, mem := withOld(t, c.f)
			err := fs.Put(ctx, key, newBody)
			if status(err) != c.status || (c.status == 0) != (err == nil) {
				t.Fatalf("Put = %v, want status %d", err, c.status)
			}
			if got := inner(t, mem); !bytes.Equal(got, c.stored) {
				t.Fatalf("stored %q, want %q", got, c.stored)
			}
			if fs.Fired(c.f.Kind) != 1 {
				t.Fatalf("fired %d", fs.Fired(c.f.Kind))
			}
			if !strings.Contains(fs.Log(), c.f.Kind.String()) {
				t.Fatalf("log lacks the kind:\n%s", fs.Log())
			}
		})
	}
}

func TestGetFaultEffects(t *testing.T) {
	fs, mem := withOld(t,
		Fault{Kind: GetFail, Nth: 0},
		Fault{Kind: GetFailNotFoundBody, Nth: 1},
		Fault{Kind: GetNotFound, Nth: 2},
		Fault{Kind: GetBitFlip, Nth: 3, Bit: 8*3 + 1},
		Fault{Kind: GetStale, Nth: 4, Lag: 1},
		Fault{Kind: GetStale, Nth: 5, Lag: 2},
	)
	if err := fs.Put(ctx, key, newBody); err != nil {
		t.Fatal(err)
	}
	_, err := fs.Get(ctx, key)
	if status(err) != 500 || errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("get-fail: %v", err)
	}
	_, err = fs.Get(ctx, key)
	if status(err) != 500 || !strings.Contains(err.Error(), "key not found") || errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("get-fail-key-not-found-body must say it and stay untyped: %v", err)
	}
	if _, err = fs.Get(ctx, key); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("get-not-found: %v", err)
	}
	b, err := fs.Get(ctx, key)
	want := bytes.Clone(newBody)
	want[3] ^= 2
	if err != nil || !bytes.Equal(b, want) || !bytes.Equal(inner(t, mem), newBody) {
		t.Fatalf("bit flip: %q %v (inner %q)", b, err, inner(t, mem))
	}
	if b, err = fs.Get(ctx, key); err != nil || !bytes.Equal(b, oldBody) {
		t.Fatalf("stale lag 1: %q %v", b, err)
	}
	// Lag beyond the history serves the oldest known state.
	if b, err = fs.Get(ctx, key); err != nil || !bytes.Equal(b, oldBody) {
		t.Fatalf("stale lag 2: %q %v", b, err)
	}
	if b, err = fs.Get(ctx, key); err != nil || !bytes.Equal(b, newBody) {
		t.Fatalf("unfaulted get: %q %v", b, err)
	}
}

// A stale read of a key that did not exist then is the typed not-found the
// caller chose.
func TestStaleReadOfAbsentUsesTheCallersNotFound(t *testing.T) {
	errMine := errors.New("storeclient: key not found")
	fs := NewFaultStore(NewMemStore(), Config{
		Plan:     []Fault{{Kind: GetStale, Nth: 0}},
		NotFound: func(string) error { return errMine },
	})
	if err := fs.Put(ctx, key, newBody); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Get(ctx, key); err != errMine {
		t.Fatalf("err = %v", err)
	}
}

func TestDeleteFaultEffects(t *testing.T) {
	for _, c := range []struct {
		k      Kind
		status int
		stored []byte
	}{
		{DelFailBefore, 503, oldBody},
		{DelFailAfter, 500, nil},
		{DelLost, 0, oldBody},
	} {
		fs, mem := withOld(t, Fault{Kind: c.k})
		err := fs.Delete(ctx, key)
		if status(err) != c.status || (c.status == 0) != (err == nil) {
			t.Fatalf("%s: Delete = %v", c.k, err)
		}
		if got := inner(t, mem); !bytes.Equal(got, c.stored) {
			t.Fatalf("%s: stored %q", c.k, got)
		}
	}
}

func TestListFaultEffects(t *testing.T) {
	mem := NewMemStore()
	mem.Put(ctx, "_vectors/untouched.lhv1", []byte("u"))
	fs := NewFaultStore(mem, Config{Plan: []Fault{
		{Kind: ListFail, Nth: 0},
		{Kind: ListStale, Nth: 1, Lag: 1},
		{Kind: ListStale, Nth: 2, Lag: 2},
	}})
	fs.Put(ctx, "_vectors/a.lhv1", []byte("a"))
	fs.Put(ctx, "_vectors/b.lhv1", []byte("b"))
	fs.Delete(ctx, "_vectors/a.lhv1")
	if _, err := fs.List(ctx, "_vectors/"); status(err) != 503 {
		t.Fatalf("list-fail: %v", err)
	}
	// One mutation ago a was still there.
	got, _ := fs.List(ctx, "_vectors/")
	if want := []string{"_vectors/untouched.lhv1", "_vectors/a.lhv1", "_vectors/b.lhv1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("lag 1: %v", got)
	}
	// Two mutations ago b was not written yet.
	got, _ = fs.List(ctx, "_vectors/")
	if want := []string{"_vectors/untouched.lhv1", "_vectors/a.lhv1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("lag 2: %v", got)
	}
	got, _ = fs.List(ctx, "_vectors/")
	if want := []string{"_vectors/b.lhv1", "_vectors/untouched.lhv1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fresh: %v", got)
	}
}

// A persistent fault fires on its operation and every later one of the
// type; other types are not counted.
func TestPersistentAndNth(t *testing.T) {
	fs, _ := withOld(t, Fault{Kind: PutFailBefore, Nth: 1, Persistent: true})
	var statuses []int
	for i := 0; i < 4; i++ {
		fs.Get(ctx, key)
		statuses = append(statuses, status(fs.Put(ctx, key, newBody)))
	}
	if !reflect.DeepEqual(statuses, []int{0, 503, 503, 503}) || fs.Fired(PutFailBefore) != 3 || fs.Ops(OpPut) != 4 {
		t.Fatalf("statuses %v fired %d ops %d", statuses, fs.Fired(PutFailBefore), fs.Ops(OpPut))
	}
}

// splitmix64's published first outputs for seed 0, the generator the C
// fault store draws from.
func TestSplitmix64KnownAnswer(t *testing.T) {
	s := uint64(0)
	for _, want := range []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f} {
		if got := splitmix64(&s); got != want {
			t.Fatalf("splitmix64 = %#x, want %#x", got, want)
		}
	}
}

func seededRun(seed uint64) (string, [kindCount]uint64) {
	fs := NewFaultStore(NewMemStore(), Config{Seed: seed, RatePPM: 300000})
	for i := 0; i < 200; i++ {
		k := fmt.Sprintf("_vectors/k%d.lhv1", i%5)
		fs.Put(ctx, k, bytes.Repeat([]byte{byte(i)}, 40+i))
		fs.Get(ctx, k)
		if i%2 == 0 {
			fs.Delete(ctx, k)
			fs.List(ctx, "_vectors/")
		}
	}
	return fs.Log(), fs.fired
}

// Same seed and same operations: the same decisions; another seed: others.
// And the seeded mix reaches every kind.
func TestSeedIsReproducible(t *testing.T) {
	a, firedA := seededRun(7)
	b, _ := seededRun(7)
	c, _ := seededRun(8)
	if a != b {
		t.Fatal("same seed, different logs")
	}
	if a == c {
		t.Fatal("different seeds, same log")
	}
	for _, k := range Kinds() {
		if firedA[k] == 0 {
			t.Errorf("%s never fired in the seeded run", k)
		}
	}
}

// Without a plan or a rate, the FaultStore is the inner store.
func TestNoFaultsIsTransparent(t *testing.T) {
	fs, mem := withOld(t)
	if err := fs.Put(ctx, key, newBody); err != nil {
		t.Fatal(err)
	}
	if b, err := fs.Get(ctx, key); err != nil || !bytes.Equal(b, newBody) || !bytes.Equal(inner(t, mem), newBody) {
		t.Fatalf("%q %v", b, err)
	}
	for _, k := range Kinds() {
		if fs.Fired(k) != 0 {
			t.Fatalf("%s fired", k)
		}
	}
}
