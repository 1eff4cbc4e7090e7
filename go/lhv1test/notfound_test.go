package lhv1test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

var errTeam = errors.New("storeclient: key not found")

// Every not-found a FaultStore hands out is the team's, whichever part of
// the harness produced it: the inner MemStore made without the team's
// builder (the documented setup), one made with it, get-not-found, and a
// stale read of a version that did not exist. None is the harness's own.
func TestNotFoundIsTheTeamsEverywhere(t *testing.T) {
	nf := NotFoundWrapping(errTeam)
	for _, c := range []struct {
		name string
		mem  *MemStore
		plan []Fault
		put  bool
	}{
		{"never saved, inner MemStore without the team's builder", NewMemStore(), nil, false},
		{"never saved, inner MemStore with it", NewMemStore(nf), nil, false},
		{"get-not-found", NewMemStore(), []Fault{{Kind: GetNotFound}}, true},
		{"get-stale of a version that did not exist", NewMemStore(), []Fault{{Kind: GetStale, Lag: 1}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := NewFaultStore(c.mem, Config{Plan: c.plan, NotFound: nf})
			if c.put {
				if err := fs.Put(ctx, key, newBody); err != nil {
					t.Fatal(err)
				}
			}
			_, err := fs.Get(ctx, key)
			if !errors.Is(err, errTeam) || errors.Is(err, ErrKeyNotFound) {
				t.Fatalf("Get = %v: want the team's not-found only", err)
			}
			if !strings.Contains(err.Error(), key) {
				t.Fatalf("%v does not name the key", err)
			}
			if log := fs.Log(); !strings.Contains(log, "404") {
				t.Fatalf("not logged as a not-found:\n%s", log)
			}
		})
	}
}

// A MemStore used directly answers with the builder it was given, and the
// harness's ErrKeyNotFound without one.
func TestMemStoreNotFound(t *testing.T) {
	if _, err := NewMemStore(NotFoundWrapping(errTeam)).Get(ctx, key); !errors.Is(err, errTeam) || errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("with the team's builder: %v", err)
	}
	if _, err := NewMemStore().Get(ctx, key); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("without: %v", err)
	}
}

// A real client's own not-found (already the team's) passes through the
// FaultStore unchanged: the caller can still reach the client's error.
func TestInnerTeamNotFoundPassesThrough(t *testing.T) {
	noSuchKey := errors.New("api error NoSuchKey")
	inner := storeFunc(func(key string) ([]byte, error) {
		return nil, fmt.Errorf("get %q: %w: %w", key, errTeam, noSuchKey)
	})
	fs := NewFaultStore(inner, Config{NotFound: NotFoundWrapping(errTeam)})
	_, err := fs.Get(ctx, key)
	if !errors.Is(err, errTeam) || !errors.Is(err, noSuchKey) {
		t.Fatalf("Get = %v", err)
	}
	if !strings.Contains(fs.Log(), "not-found 404") {
		t.Fatalf("log: %s", fs.Log())
	}
}

// storeFunc is a Store whose Get is the function; it holds nothing.
type storeFunc func(key string) ([]byte, error)

func (f storeFunc) Get(_ context.Context, key string) ([]byte, error) { return f(key) }
func (storeFunc) Put(context.Context, string, []byte) error           { return nil }
func (storeFunc) Delete(context.Context, string) error                { return nil }
func (storeFunc) List(context.Context, string) ([]string, error)      { return nil, nil }
