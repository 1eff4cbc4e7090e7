package lhv1campaign

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/lhv1/harness/go/lhv1test"
)

const absent = -1

type nameState struct {
	acked    int
	inflight []int
}

func (s *nameState) inflightHas(c int) bool {
	for _, x := range s.inflight {
		if x == c {
			return true
		}
	}
	return false
}

// witness is what the case's worst load saw: the bytes the store gave,
// the states it was judged against, and the fault's effect on its key.
type witness struct {
	ended  []byte
	states []lhv1test.KnownState
	effect *lhv1test.Effect
}

type caseResult struct {
	outcome    Outcome
	seen       uint
	unexpected bool
	fired      bool
	panics     int
	guarded    int
	index      string
	detail     string
	badSave    string
	log        string
	worst      witness
}

func (r *caseResult) note(o Outcome, index, detail string, w witness) {
	r.seen |= 1 << o
	if o.Worse(r.outcome) || r.index == "" {
		r.outcome, r.index, r.detail, r.worst = o, index, detail, w
	}
}

// NewStore makes a fresh, empty store for one case (a new bucket, or a new
// memory store) whose missing keys are notFound(key), and says how to
// release it.
type NewStore func(ctx context.Context, notFound func(key string) error) (lhv1test.Store, func(), error)

// Injector counts the faults that fired in a case and keeps their log.
type Injector interface {
	Fired(k lhv1test.Kind) uint64
	Log() string
}

// Backend gives each case a fresh store with the case's faults armed: the
// planned fault of cfg.Plan (its Cut or Bit already resolved against the
// object the workload writes there, for a backend that takes numbers),
// or cfg's seeded mix; cfg.NotFound is the subject's not-found.
type Backend func(ctx context.Context, cfg lhv1test.Config) (lhv1test.Store, Injector, func(), error)

// Above injects with lhv1test.FaultStore above the stores of newStore (the
// memory store, or a client talking to a plain S3 server).
func Above(newStore NewStore) Backend {
	return func(ctx context.Context, cfg lhv1test.Config) (lhv1test.Store, Injector, func(), error) {
		inner, release, err := newStore(ctx, cfg.NotFound)
		if err != nil {
			return nil, nil, nil, err
		}
		cfg.Record = true
		fs := lhv1test.NewFaultStore(inner, cfg)
		return fs, fs, release, nil
	}
}

// MemoryStores gives each case a fresh lhv1test.MemStore: the persistor
// without any client.
func MemoryStores(_ context.Context, notFound func(string) error) (lhv1test.Store, func(), error) {
	return lhv1test.NewMemStore(notFound), func() {}, nil
}

type runner struct {
	w        *workload
	subject  Subject
	backend  Backend
	ctx      context.Context
	keyOrder bool
}

// observer sits under the persistor: it keeps what each Get returned (the
// bytes, or that the store failed) and keeps a Go loader alive as
// lhv1test.CountGuard does, counting what it kept back.
type observer struct {
	lhv1test.Store
	mu      sync.Mutex
	gets    map[string]getRecord
	guarded int
}

type getRecord struct {
	body   []byte
	failed bool
}

func (o *observer) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := o.Store.Get(ctx, key)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.gets[key] = getRecord{b, err != nil}
	if err == nil {
		if n, guarded := lhv1test.Guarded(b); guarded {
			o.guarded++
			return nil, fmt.Errorf("%w: count %d", lhv1test.ErrCountBeyondInput, n)
		}
	}
	return b, err
}

func (o *observer) take(key string) (getRecord, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	g, ok := o.gets[key]
	delete(o.gets, key)
	return g, ok
}

// states is what the client was told about name, as the judge takes it.
func (rn *runner) states(name string, s *nameState) []lhv1test.KnownState {
	var out []lhv1test.KnownState
	role := func(c int) lhv1test.Role {
		switch {
		case c == s.acked:
			return lhv1test.RoleAcked
		case s.inflightHas(c):
			return lhv1test.RoleInFlight
		}
		return lhv1test.RoleOlder
	}
	if s.acked == absent || s.inflightHas(absent) {
		out = append(out, lhv1test.KnownState{Role: role(absent)})
	}
	for c, ct := range rn.w.contents {
		if ct.index == name {
			out = append(out, lhv1test.KnownState{Generation: ct.gen, Role: role(c), Dump: ct.dump})
		}
	}
	return out
}

type subjectRun struct {
	p     lhv1test.Persistor
	store *observer
	audit *lhv1test.SaveAudit
	fs    *lhv1test.FaultStore // nil over a backend of its own
}

func (rn *runner) list(sr *subjectRun) ([]string, error) {
	if l, ok := sr.p.(lhv1test.Lister); ok {
		return l.List(rn.ctx)
	}
	keys, err := sr.audit.List(rn.ctx, "_vectors/")
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	var out []string
	for _, k := range keys {
		if n, ok := strings.CutSuffix(strings.TrimPrefix(k, "_vectors/"), ".lhv1"); ok && n != "" && strings.HasPrefix(k, "_vectors/") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (rn *runner) delete(sr *subjectRun, name string) error {
	if d, ok := sr.p.(lhv1test.Deleter); ok {
		return d.Delete(rn.ctx, name)
	}
	return sr.audit.Delete(rn.ctx, lhv1test.ObjectKey(name))
}

func (rn *runner) verify(sr *subjectRun, states []nameState, r *caseResult) {
	listed, err := rn.list(sr)
	if err != nil {
		r.note(StoreError, "(list)", "list: "+err.Error(), witness{})
	} else {
		for i, name := range names {
			s := &states[i]
			shown := false
			for _, l := range listed {
				shown = shown || l == name
			}
			want := s.acked != absent
			either := false
			for _, x := range s.inflight {
				either = either || (x != absent) != want
			}
			if shown != want && !either {
				verb := "omits"
				if shown {
					verb = "shows"
				}
				r.note(Stale, "(list)", "list "+verb+" "+name, witness{})
			}
		}
	}
	for i, name := range names {
		key := lhv1test.ObjectKey(name)
		sr.store.take(key)
		guardedBefore := sr.store.guarded
		res, panicked := lhv1test.LoadOnce(rn.ctx, sr.p, name)
		g, got := sr.store.take(key)
		res.StoreFailed = got && g.failed
		res.NotLoaded = res.NotLoaded || sr.store.guarded > guardedBefore
		if panicked {
			r.panics++
		}
		if res.NotLoaded {
			r.guarded++
		}
		st := rn.states(name, &states[i])
		o, detail := lhv1test.JudgeLoad(name, res, st)
		w := witness{ended: g.body, states: st}
		if sr.fs != nil {
			for _, e := range sr.fs.Effects() {
				if e.Key == key {
					e := e
					w.effect = &e
				}
			}
		}
		r.note(o, name, detail, w)
	}
}

// runCase runs the workload over the backend's store with cfg; single is
// the planned fault (nil for a seeded mix), checked right after the
// faulted Save/Delete and after the workload; a mix is checked after
// every op. Every Save is audited.
func (rn *runner) runCase(cfg lhv1test.Config, single *lhv1test.Fault, keepLog bool) (caseResult, error) {
	var r caseResult
	cfg.NotFound = rn.subject.NotFound
	store, inj, release, err := rn.backend(rn.ctx, cfg)
	if err != nil {
		return r, err
	}
	defer release()
	sr := &subjectRun{}
	sr.fs, _ = inj.(*lhv1test.FaultStore)
	if rn.keyOrder {
		store = lhv1test.KeyOrder(store)
	}
	sr.store = &observer{Store: store, gets: map[string]getRecord{}}
	sr.audit = lhv1test.NewSaveAudit(sr.store)
	sr.p = rn.subject.New(sr.audit)
	states := make([]nameState, len(names))
	for i := range states {
		states[i].acked = absent
	}
	fop := lhv1test.Op(-1)
	if single != nil {
		fop = single.Kind.Op()
	}
	var seen [4]uint64
	for _, o := range ops {
		s := &states[slot(o.index)]
		typ := lhv1test.OpDelete
		var err error
		if o.content >= 0 {
			typ = lhv1test.OpPut
			c := rn.w.contents[o.content]
			sv := sr.audit.Save(func() error {
				return sr.p.Save(rn.ctx, lhv1test.Index{Name: c.index, Envelope: c.envelope, Graph: c.graph})
			})
			err = sv.Err
			if sv.Problem != "" && r.badSave == "" {
				r.badSave = fmt.Sprintf("save %s generation %d: %s", c.index, c.gen, sv.Problem)
			}
		} else {
			err = rn.delete(sr, o.index)
		}
		if err == nil {
			s.acked, s.inflight = o.content, nil
		} else if len(s.inflight) < 16 {
			s.inflight = append(s.inflight, o.content)
		}
		if single == nil {
			rn.verify(sr, states, &r)
		} else if typ == fop {
			if seen[typ] == single.Nth {
				rn.verify(sr, states, &r)
			}
			seen[typ]++
		}
	}
	rn.verify(sr, states, &r)
	if single != nil {
		r.fired = inj.Fired(single.Kind) > 0
	} else {
		for _, k := range lhv1test.Kinds() {
			r.fired = r.fired || inj.Fired(k) > 0
		}
	}
	for o := Outcome(0); o < outcomeCount; o++ {
		if r.seen&(1<<o) == 0 || o == Latest || o == InFlight {
			continue
		}
		allowed := false
		for _, k := range lhv1test.Kinds() {
			allowed = allowed || (inj.Fired(k) > 0 && Expected(k, o))
		}
		r.unexpected = r.unexpected || !allowed
	}
	if keepLog {
		r.log = inj.Log()
	}
	return r, nil
}

func slot(name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	panic("lhv1campaign: unknown index " + name)
}

func bytesEqual(a, b []byte) bool { return (a == nil) == (b == nil) && bytes.Equal(a, b) }
