package lhv1test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// ReplayFormat names the version of the replay file's layout.
const ReplayFormat = "lhv1-replay/1"

// ReplayFile is one case of a fault campaign kept so that it can be run
// again exactly, independent of the order a writer chose: the bytes the
// key held before the fault, the planned fault (with its place) and its
// numbers, a torn write's body, the bytes the faulted load got, the
// states of the index the client was told about, and the outcome. Replay
// (Go, any Persistor) and `lhv1 campaign --replay FILE` (liblhv1) read it;
// docs/FAULTS.md describes the layout.
type ReplayFile struct {
	Format    string `json:"format"`
	Persistor string `json:"persistor"` // whose Load gave Outcome
	Client    string `json:"client"`
	Row       string `json:"row"`
	Where     string `json:"where"` // the offset class
	Index     string `json:"index"`
	Plan      string `json:"plan"`
	// Resolved is the plan line with the cut or bit the fault store
	// resolved; "" when the case cannot be reproduced from Before (a
	// seeded mix, a fault other than a torn write or a bit flip, a load
	// of bytes a later operation made).
	Resolved string        `json:"resolved"`
	Before   []byte        `json:"before"`            // nil: no object
	Written  []byte        `json:"written,omitempty"` // a torn write's body
	Ended    []byte        `json:"ended"`             // what Load got; nil: no object
	Outcome  string        `json:"outcome"`
	Detail   string        `json:"detail"`
	States   []ReplayState `json:"states"`
	Log      string        `json:"log,omitempty"`
}

// ReplayState is a KnownState with its dump as text (nil: no object).
type ReplayState struct {
	Generation int     `json:"generation"`
	Role       Role    `json:"role"`
	Dump       *string `json:"dump"`
}

// NewReplayStates is states in the file's form.
func NewReplayStates(states []KnownState) []ReplayState {
	out := make([]ReplayState, len(states))
	for i, s := range states {
		out[i] = ReplayState{Generation: s.Generation, Role: s.Role}
		if s.Dump != nil {
			d := string(s.Dump)
			out[i].Dump = &d
		}
	}
	return out
}

func (f *ReplayFile) known() []KnownState {
	out := make([]KnownState, len(f.States))
	for i, s := range f.States {
		out[i] = KnownState{Generation: s.Generation, Role: s.Role}
		if s.Dump != nil {
			out[i].Dump = []byte(*s.Dump)
		}
	}
	return out
}

// WriteReplay writes f as indented JSON.
func WriteReplay(path string, f *ReplayFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadReplay reads a replay file.
func ReadReplay(path string) (*ReplayFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f ReplayFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if f.Format != ReplayFormat {
		return nil, fmt.Errorf("%s: format %q, want %q", path, f.Format, ReplayFormat)
	}
	return &f, nil
}

// ReplayResult is what a replay did.
type ReplayResult struct {
	// Reproduced: the planned fault, applied by a FaultStore to Before
	// (and Written), resolved to the same numbers and left Ended again.
	// False when the file has nothing to reproduce (Resolved is "").
	Reproduced bool
	Outcome    Outcome
	Detail     string
	Panicked   bool
}

// Matches reports whether the replay gave the recorded outcome.
func (r ReplayResult) Matches(f *ReplayFile) bool { return r.Outcome.String() == f.Outcome }

// Replay runs a replay file's case again: it reapplies the fault to the
// recorded bytes (an error when they come out different), then loads
// what the store ended with through a Persistor made by newPersistor
// (over a store holding only that object, behind CountGuard) and judges
// the load against the recorded states, as the campaign did.
func Replay(ctx context.Context, f *ReplayFile, newPersistor func(Store) Persistor) (ReplayResult, error) {
	var r ReplayResult
	key := ObjectKey(f.Index)
	if f.Resolved != "" {
		if err := reproduce(ctx, f, key); err != nil {
			return r, err
		}
		r.Reproduced = true
	}
	store := NewMemStore()
	if f.Ended != nil {
		if err := store.Put(ctx, key, f.Ended); err != nil {
			return r, err
		}
	}
	p := newPersistor(CountGuard(store))
	res, panicked := LoadOnce(ctx, p, f.Index)
	r.Panicked = panicked
	r.Outcome, r.Detail = JudgeLoad(f.Index, res, f.known())
	return r, nil
}

// reproduce applies the planned fault to the recorded bytes with a
// FaultStore and requires the recorded numbers and bytes.
func reproduce(ctx context.Context, f *ReplayFile, key string) error {
	fault, err := ParseFault(f.Plan)
	if err != nil {
		return err
	}
	want, err := ParseFault(f.Resolved)
	if err != nil {
		return fmt.Errorf("resolved: %w", err)
	}
	fault.Nth, fault.Persistent = 0, false
	mem := NewMemStore()
	if f.Before != nil {
		if err := mem.Put(ctx, key, f.Before); err != nil {
			return err
		}
	}
	fs := NewFaultStore(mem, Config{Plan: []Fault{fault}, Record: true})
	var got []byte
	switch {
	case fault.Kind.torn():
		_ = fs.Put(ctx, key, f.Written) // its reply is the plan's
		got, err = mem.Get(ctx, key)
	case fault.Kind == GetBitFlip:
		got, err = fs.Get(ctx, key)
	default:
		return fmt.Errorf("replay: %s: only torn writes and bit flips are reproduced from the bytes before", fault.Kind)
	}
	if err != nil {
		return fmt.Errorf("replay: the store holds no object after %s: %w", f.Plan, err)
	}
	effects := fs.Effects()
	if len(effects) != 1 {
		return fmt.Errorf("replay: %s did not fire on the recorded bytes:\n%s", f.Plan, fs.Log())
	}
	if e := effects[0].Fault; e.Cut != want.Cut || e.Bit != want.Bit {
		return fmt.Errorf("replay: %s resolves to %s, the file says %s", f.Plan, e.Absolute(), f.Resolved)
	}
	if !bytes.Equal(got, f.Ended) {
		return fmt.Errorf("replay: %s gives other bytes than the file's (%d B, the file %d B)", f.Plan, len(got), len(f.Ended))
	}
	return nil
}

// LoadOnce is one Load as the campaign reads it: a panic recovered (and
// reported), the error classified by p (IsMissing, IsBadFormat) and by
// CountGuard. StoreFailed is for the caller to set: only the store knows.
func LoadOnce(ctx context.Context, p Persistor, name string) (r LoadResult, panicked bool) {
	func() {
		defer func() {
			if v := recover(); v != nil {
				r.Dump, r.Err, panicked = nil, fmt.Errorf("load %q: panic: %v", name, v), true
			}
		}()
		r.Dump, r.Err = p.Load(ctx, name)
	}()
	if r.Err != nil {
		r.Dump = nil
		r.Missing = !panicked && p.IsMissing(r.Err)
		if fe, ok := p.(FormatErrors); ok && !panicked {
			r.BadFormat = fe.IsBadFormat(r.Err)
		}
		r.NotLoaded = errors.Is(r.Err, ErrCountBeyondInput)
	}
	return r, panicked
}
