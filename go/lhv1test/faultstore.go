package lhv1test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Config chooses the faults. A planned fault takes precedence on its
// operation; otherwise, with RatePPM > 0, each operation draws a fault of
// its type with probability RatePPM/1e6 from Seed's stream (splitmix64,
// drawn in the same order as the C fault store, so the same seed and the
// same operations give the same decisions).
type Config struct {
	Plan    []Fault
	Seed    uint64
	RatePPM uint32
	// NotFound builds the typed not-found your Persistor recognises, e.g.
	// NotFoundWrapping(storeclient.ErrKeyNotFound): for get-not-found, a
	// stale read of an absent version, and a missing key of an inner store
	// that answers with the harness's own ErrKeyNotFound (a MemStore made
	// without yours), so that errors.Is finds your sentinel on every
	// not-found. Default: an error wrapping ErrKeyNotFound.
	NotFound func(key string) error
	// IsNotFound recognises the inner store's typed not-found, for the
	// log ("not-found 404", as the C store logs it). Default: errors.Is
	// ErrKeyNotFound, or the sentinel of a NotFoundWrapping NotFound.
	IsNotFound func(error) bool
}

// FaultStore wraps a Store and injects the faults of docs/FAULTS.md. It
// keeps, per key, every version that landed in the inner store through it
// (and the state found there before its first write): that is what stale
// reads and stale listings serve. Safe for concurrent use (operations are
// serialised, so the decisions stay reproducible).
type FaultStore struct {
	inner Store
	cfg   Config
	// ownNotFound: NotFound is the caller's, so the harness's
	// ErrKeyNotFound from the inner store is answered with it.
	ownNotFound bool
	mu          sync.Mutex
	rng         uint64
	ops         [opCount]uint64
	fired       [kindCount]uint64
	seq         uint64 // mutations that landed so far
	opNo        uint64
	hist        map[string]*keyHist
	histKeys    []string // first-use order, for listings
	log         strings.Builder
}

type version struct {
	seq     uint64
	present bool
	body    []byte
}

type keyHist struct{ v []version }

// NewFaultStore wraps inner.
func NewFaultStore(inner Store, cfg Config) *FaultStore {
	if cfg.NotFound == nil {
		cfg.NotFound = defaultNotFound
	}
	sentinel := sentinelOf(cfg.NotFound)
	if cfg.IsNotFound == nil {
		cfg.IsNotFound = func(err error) bool {
			return errors.Is(err, ErrKeyNotFound) || (sentinel != nil && errors.Is(err, sentinel))
		}
	}
	cfg.Plan = append([]Fault(nil), cfg.Plan...)
	return &FaultStore{inner: inner, cfg: cfg, ownNotFound: sentinel != ErrKeyNotFound,
		rng: cfg.Seed, hist: map[string]*keyHist{}}
}

// Inner is the wrapped store (read through it to see what really landed).
func (f *FaultStore) Inner() Store { return f.inner }

// Log is the decision log: one line per operation and what was injected,
// in the C fault store's wording.
func (f *FaultStore) Log() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.log.String()
}

// Fired is how many times a kind fired.
func (f *FaultStore) Fired(k Kind) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if k < 0 || k >= kindCount {
		return 0
	}
	return f.fired[k]
}

// Ops is how many operations of a type ran.
func (f *FaultStore) Ops(op Op) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if op < 0 || op >= opCount {
		return 0
	}
	return f.ops[op]
}

func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// selectFault is select_fault of src/testing/fault_store.c.
func (f *FaultStore) selectFault(op Op, n int) Fault {
	i := f.ops[op]
	f.ops[op]++
	for _, pf := range f.cfg.Plan {
		if pf.Kind.Op() == op && (i == pf.Nth || (pf.Persistent && i > pf.Nth)) {
			return pf
		}
	}
	if f.cfg.RatePPM == 0 || splitmix64(&f.rng)%1000000 >= uint64(f.cfg.RatePPM) {
		return Fault{Kind: None}
	}
	var candidates []Kind
	for _, k := range Kinds() {
		if k.Op() == op {
			candidates = append(candidates, k)
		}
	}
	r := Fault{Kind: candidates[splitmix64(&f.rng)%uint64(len(candidates))], Nth: i}
	if n > 0 {
		r.Cut = splitmix64(&f.rng) % uint64(n) // a strict prefix
	} else {
		r.Cut = 0
	}
	r.Bit = splitmix64(&f.rng)
	r.Ack = splitmix64(&f.rng)&1 == 1
	r.Lag = 1 + splitmix64(&f.rng)%3
	return r
}

func (f *FaultStore) logOp(op Op, key string) {
	fmt.Fprintf(&f.log, "#%d %s %s", f.opNo, op, escapeKey(key))
	f.opNo++
}

func (f *FaultStore) logEnd(format string, args ...any) {
	fmt.Fprintf(&f.log, ": "+format+"\n", args...)
}

func escapeKey(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= 0x20 && c < 0x7f && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	return b.String()
}

// histGet is the key's history, created on first use with the state the
// inner store holds before this store mutates it.
func (f *FaultStore) histGet(ctx context.Context, key string) *keyHist {
	if h := f.hist[key]; h != nil {
		return h
	}
	h := &keyHist{}
	body, err := f.inner.Get(ctx, key)
	h.v = append(h.v, version{seq: f.seq, present: err == nil, body: body})
	f.hist[key] = h
	f.histKeys = append(f.histKeys, key)
	return h
}

func (f *FaultStore) histRecord(ctx context.Context, key string, present bool, body []byte) {
	h := f.histGet(ctx, key)
	f.seq++
	h.v = append(h.v, version{seq: f.seq, present: present, body: bytes.Clone(body)})
}

// at is the state of the key just after mutation number seq.
func (h *keyHist) at(seq uint64) version {
	best := h.v[0]
	for _, v := range h.v {
		if v.seq <= seq {
			best = v
		}
	}
	return best
}

// describe is an inner failure as the C store logs it: "not-found 404",
// "failed 503", else "failed: <error>".
func (f *FaultStore) describe(err error) string {
	var se *StatusError
	switch {
	case f.cfg.IsNotFound(err):
		return "not-found 404"
	case errors.As(err, &se):
		return fmt.Sprintf("failed %d", se.Status)
	}
	return "failed: " + err.Error()
}

func fail(status int, body string) error { return &StatusError{Status: status, Body: body} }

func (f *FaultStore) Put(ctx context.Context, key string, body []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	fault := f.selectFault(OpPut, len(body))
	f.logOp(OpPut, key)
	fmt.Fprintf(&f.log, " (%d B)", len(body))
	h := f.histGet(ctx, key)
	switch fault.Kind {
	case PutFailBefore:
		f.fired[fault.Kind]++
		f.logEnd("put-fail-before: nothing written, reply 503")
		return fail(503, "service unavailable")
	case PutLost:
		f.fired[fault.Kind]++
		f.logEnd("put-lost: nothing written, reply 200")
		return nil
	case PutFailAfter:
		if err := f.inner.Put(ctx, key, body); err != nil {
			f.logEnd("inner put failed: %v", err)
			return err
		}
		f.histRecord(ctx, key, true, body)
		f.fired[fault.Kind]++
		f.logEnd("put-fail-after: whole body written, reply 500")
		return fail(500, "internal server error")
	case PutTornPrefix, PutTornOverOld:
		cut := int(min(fault.Cut, uint64(len(body))))
		torn := bytes.Clone(body[:cut])
		oldTail := 0
		if cur := h.v[len(h.v)-1]; fault.Kind == PutTornOverOld && cur.present && len(cur.body) > cut {
			oldTail = len(cur.body) - cut
			torn = append(torn, cur.body[cut:]...)
		}
		if err := f.inner.Put(ctx, key, torn); err != nil {
			f.logEnd("inner put failed: %v", err)
			return err
		}
		f.histRecord(ctx, key, true, torn)
		f.fired[fault.Kind]++
		tail := ""
		if oldTail > 0 {
			tail = fmt.Sprintf(", %d B of the old object after it", oldTail)
		}
		reply := 503
		if fault.Ack {
			reply = 200
		}
		f.logEnd("%s: kept %d of %d B%s, reply %d", fault.Kind, cut, len(body), tail, reply)
		if fault.Ack {
			return nil
		}
		return fail(503, "service unavailable")
	}
	if err := f.inner.Put(ctx, key, body); err != nil {
		f.logEnd("inner put failed: %v", err)
		return err
	}
	f.histRecord(ctx, key, true, body)
	f.logEnd("ok")
	return nil
}

func (f *FaultStore) Get(ctx context.Context, key string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fault := f.selectFault(OpGet, 0)
	f.logOp(OpGet, key)
	switch fault.Kind {
	case GetFail:
		f.fired[fault.Kind]++
		f.logEnd("get-fail: reply 500")
		return nil, fail(500, "internal server error")
	case GetFailNotFoundBody:
		f.fired[fault.Kind]++
		f.logEnd("get-fail-key-not-found-body: reply 500 \"key not found\"")
		return nil, fail(500, `{"error":"key not found"}`)
	case GetNotFound:
		f.fired[fault.Kind]++
		f.logEnd("get-not-found: reply 404 whatever the store holds")
		return nil, f.cfg.NotFound(key)
	case GetStale:
		h := f.hist[key]
		if h == nil || len(h.v) < 2 {
			break // no older state known: serve the current one
		}
		lag := max(fault.Lag, 1)
		old := h.v[0]
		if lag < uint64(len(h.v)) {
			old = h.v[uint64(len(h.v))-1-lag]
		}
		f.fired[fault.Kind]++
		if !old.present {
			f.logEnd("get-stale: served the state %d writes back: absent, 404", lag)
			return nil, f.cfg.NotFound(key)
		}
		f.logEnd("get-stale: served the version %d writes back (%d B)", lag, len(old.body))
		return bytes.Clone(old.body), nil
	}
	out, err := f.inner.Get(ctx, key)
	if err != nil {
		f.logEnd("%s", f.describe(err))
		if f.ownNotFound && errors.Is(err, ErrKeyNotFound) {
			return nil, f.cfg.NotFound(key)
		}
		return nil, err
	}
	if fault.Kind == GetBitFlip && len(out) > 0 {
		out = bytes.Clone(out) // never touch what the inner store holds
		bit := fault.Bit % (uint64(len(out)) * 8)
		out[bit/8] ^= 1 << (bit % 8)
		f.fired[fault.Kind]++
		f.logEnd("get-bit-flip: bit %d (byte %d, mask 0x%02x) of %d B flipped", bit, bit/8, 1<<(bit%8), len(out))
		return out, nil
	}
	if fault.Kind != None {
		f.logEnd("ok (%d B); %s had nothing to act on", len(out), fault.Kind)
	} else {
		f.logEnd("ok (%d B)", len(out))
	}
	return out, nil
}

func (f *FaultStore) Delete(ctx context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	fault := f.selectFault(OpDelete, 0)
	f.logOp(OpDelete, key)
	f.histGet(ctx, key)
	switch fault.Kind {
	case DelFailBefore:
		f.fired[fault.Kind]++
		f.logEnd("del-fail-before: nothing deleted, reply 503")
		return fail(503, "service unavailable")
	case DelLost:
		f.fired[fault.Kind]++
		f.logEnd("del-lost: nothing deleted, reply 200")
		return nil
	}
	if err := f.inner.Delete(ctx, key); err != nil {
		f.logEnd("inner delete failed: %v", err)
		return err
	}
	f.histRecord(ctx, key, false, nil)
	if fault.Kind == DelFailAfter {
		f.fired[fault.Kind]++
		f.logEnd("del-fail-after: deleted, reply 500")
		return fail(500, "internal server error")
	}
	f.logEnd("ok")
	return nil
}

func (f *FaultStore) List(ctx context.Context, prefix string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fault := f.selectFault(OpList, 0)
	f.logOp(OpList, prefix)
	if fault.Kind == ListFail {
		f.fired[fault.Kind]++
		f.logEnd("list-fail: reply 503")
		return nil, fail(503, "service unavailable")
	}
	fresh, err := f.inner.List(ctx, prefix)
	if err != nil {
		f.logEnd("inner list failed: %v", err)
		return nil, err
	}
	if fault.Kind != ListStale || f.seq == 0 {
		note := ""
		if fault.Kind == ListStale {
			note = "; list-stale had no older state"
		}
		f.logEnd("%d keys%s", len(fresh), note)
		return fresh, nil
	}
	// The key set as it stood lag mutations ago: keys this store never
	// touched come from the inner listing; the others from history.
	lag := max(fault.Lag, 1)
	then := uint64(0)
	if f.seq > lag {
		then = f.seq - lag
	}
	var out []string
	for _, k := range fresh {
		if f.hist[k] == nil {
			out = append(out, k)
		}
	}
	hidden, revived := 0, 0
	for _, k := range f.histKeys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		h := f.hist[k]
		now, was := h.v[len(h.v)-1].present, h.at(then).present
		if was {
			out = append(out, k)
		}
		if now && !was {
			hidden++
		}
		if was && !now {
			revived++
		}
	}
	f.fired[fault.Kind]++
	f.logEnd("list-stale: %d keys as %d mutations ago (%d new hidden, %d deleted shown)", len(out), lag, hidden, revived)
	return out, nil
}
