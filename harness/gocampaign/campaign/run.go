package campaign

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lhv1/harness/go/hnswdump/wire"
	"github.com/lhv1/harness/go/lhv1test"
	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/model"
)

// Outcome of a case, the C campaign's LHV1_OUTCOMES in order.
type Outcome int

const (
	Latest Outcome = iota
	InFlight
	Stale
	Missing
	StoreError
	BadFormat
	DecodeError
	Inconsistent
	SilentWrong
	outcomeCount
)

var outcomeNames = [outcomeCount]string{"latest", "in-flight", "stale", "missing", "store-error",
	"bad-format", "decode-error", "inconsistent", "SILENT-WRONG"}

func (o Outcome) String() string { return outcomeNames[o] }

// severity: the order a case's worst outcome is picked in.
var severity = [outcomeCount]int{Latest: 0, InFlight: 1, StoreError: 2, BadFormat: 3,
	DecodeError: 4, Inconsistent: 5, Missing: 6, Stale: 7, SilentWrong: 8}

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

type caseResult struct {
	outcome    Outcome
	seen       uint
	unexpected bool
	fired      bool
	panics     int
	guarded    int
	index      string
	detail     string
	log        string
}

func (r *caseResult) note(o Outcome, index, detail string) {
	r.seen |= 1 << o
	if severity[o] > severity[r.outcome] || r.index == "" {
		r.outcome, r.index, r.detail = o, index, detail
	}
}

// NewStore makes a fresh, empty store for one case (a new bucket, or a new
// memory store) and says how to release it.
type NewStore func(ctx context.Context) (model.Store, func(), error)

// Injector counts the faults that fired in a case and keeps their log.
type Injector interface {
	Fired(k lhv1test.Kind) uint64
	Log() string
}

// Backend gives each case a fresh store with the case's faults armed:
// the planned fault of cfg.Plan, or cfg's seeded mix.
type Backend func(ctx context.Context, cfg lhv1test.Config) (model.Store, Injector, func(), error)

// Above injects with lhv1test.FaultStore above the stores of newStore (the
// memory model, or a client talking to a plain S3 server).
func Above(newStore NewStore) Backend {
	return func(ctx context.Context, cfg lhv1test.Config) (model.Store, Injector, func(), error) {
		inner, release, err := newStore(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		cfg.NotFound = ModelNotFound
		cfg.IsNotFound = func(err error) bool { return errors.Is(err, model.ErrKeyNotFound) }
		fs := lhv1test.NewFaultStore(inner, cfg)
		return fs, fs, release, nil
	}
}

type runner struct {
	w       *workload
	backend Backend
	ctx     context.Context
}

// load is Persistor.Load, with a panic recovered (Go's loader panics on
// some objects; vectord would crash).
func load(ctx context.Context, p *model.Persistor, name string) (idx *model.Index, err error, panicked bool) {
	defer func() {
		if v := recover(); v != nil {
			idx, err, panicked = nil, fmt.Errorf("decode %q: panic: %v", name, v), true
		}
	}()
	idx, err = p.Load(ctx, name)
	return idx, err, false
}

func (rn *runner) classify(name string, s *nameState, idx *model.Index, err error) (Outcome, string) {
	if err != nil {
		detail := err.Error()
		if len(detail) > 200 {
			detail = detail[:200]
		}
		switch {
		case errors.Is(err, model.ErrKeyMissing):
			if s.acked == absent {
				return Latest, detail
			}
			if s.inflightHas(absent) {
				return InFlight, detail
			}
			return Missing, detail
		case errors.Is(err, errCountBeyondInput):
			return DecodeError, detail
		case errors.Is(err, model.ErrBadFormat):
			return BadFormat, detail
		case strings.HasPrefix(err.Error(), "decode "):
			return DecodeError, detail
		default: // "get ...": the store's failure
			return StoreError, detail
		}
	}
	d, derr := dump.Index(idx)
	if derr != nil {
		return DecodeError, "dump: " + derr.Error()
	}
	match := -2
	for c, ct := range rn.w.contents {
		if ct.index == name && bytes.Equal(d, ct.dump) {
			match = c
		}
	}
	switch {
	case match == -2:
		if s.acked >= 0 {
			return SilentWrong, firstDiff(d, rn.w.contents[s.acked].dump)
		}
		return SilentWrong, "loads ok; the last acknowledged op deleted it"
	case match == s.acked:
		return Latest, ""
	case s.inflightHas(match):
		return InFlight, ""
	}
	acked := "its deletion"
	if s.acked >= 0 {
		acked = "a newer generation"
	}
	return Stale, fmt.Sprintf("loads %s generation %d; acknowledged: %s", name, rn.w.contents[match].gen, acked)
}

func firstDiff(a, b []byte) string {
	i, line, start := 0, 1, 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		if a[i] == '\n' {
			line++
			start = i + 1
		}
		i++
	}
	end := start
	for end < len(a) && a[end] != '\n' && end-start < 120 {
		end++
	}
	return fmt.Sprintf("dump line %d: %s", line, a[start:end])
}

func (rn *runner) verify(p *model.Persistor, states []nameState, r *caseResult) {
	listed, err := p.List(rn.ctx)
	if err != nil {
		r.note(StoreError, "(list)", "list: "+err.Error())
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
				r.note(Stale, "(list)", "list "+verb+" "+name)
			}
		}
	}
	for i, name := range names {
		idx, err, panicked := load(rn.ctx, p, name)
		if panicked {
			r.panics++
		}
		if errors.Is(err, errCountBeyondInput) {
			r.guarded++
		}
		o, detail := rn.classify(name, &states[i], idx, err)
		r.note(o, name, detail)
	}
}

// runCase runs the workload over a FaultStore with cfg; single is the
// planned fault (nil for a seeded mix), checked right after the faulted
// Put/Delete and after the workload; a mix is checked after every op.
func (rn *runner) runCase(cfg lhv1test.Config, single *lhv1test.Fault, keepLog bool) (caseResult, error) {
	var r caseResult
	fs, inj, release, err := rn.backend(rn.ctx, cfg)
	if err != nil {
		return r, err
	}
	defer release()
	g := &guard{Store: fs}
	p := model.NewPersistor(g)
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
			// Persistor.Save is Put(FileKey, Frame(env, graph)); the
			// workload's bytes are laid out once so offsets are fixed.
			if err = fs.Put(rn.ctx, model.FileKey(o.index), rn.w.contents[o.content].body); err != nil {
				err = fmt.Errorf("put: %w", err)
			}
		} else {
			err = p.Delete(rn.ctx, o.index)
		}
		if err == nil {
			s.acked, s.inflight = o.content, nil
		} else if len(s.inflight) < 16 {
			s.inflight = append(s.inflight, o.content)
		}
		if single == nil {
			rn.verify(p, states, &r)
		} else if typ == fop {
			if seen[typ] == single.Nth {
				rn.verify(p, states, &r)
			}
			seen[typ]++
		}
	}
	rn.verify(p, states, &r)
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
	panic("campaign: unknown index " + name)
}

var errCountBeyondInput = errors.New("graph count beyond the input: coder/hnsw Import would allocate it (a large one kills the process: fatal error: out of memory); not loaded")

// maxGoCount: a count Import may allocate without endangering the run
// (at most a few hundred MiB); negative counts panic, which is recovered.
const maxGoCount = 1 << 24

// guard keeps the campaign alive: a flipped or torn count can make Go's
// Import allocate terabytes and die unrecoverably. An object whose graph
// section declares a count above maxGoCount and beyond its remaining bytes
// (wire.Parse, the Go reference's own reader) is not handed to Load:
// Import could only fail on it or kill the process, so it is filed as
// decode-error and counted in the report's "not loaded" column.
type guard struct{ model.Store }

func (g *guard) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := g.Store.Get(ctx, key)
	if err != nil {
		return b, err
	}
	if _, graph, uerr := model.Unframe(b); uerr == nil {
		if _, perr := wire.Parse(graph); perr != nil {
			var count int64
			var at int
			if n, _ := fmt.Sscanf(perr.Error(), "count %d at %d does not fit the input", &count, &at); n == 2 && count > maxGoCount {
				return nil, fmt.Errorf("%w: %v", errCountBeyondInput, perr)
			}
		}
	}
	return b, nil
}
