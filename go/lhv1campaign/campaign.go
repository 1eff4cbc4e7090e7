// Package lhv1campaign is the fault campaign of docs/FAULTS.md over a
// team's own Persistor: the C campaign's workload (`lhv1 campaign`,
// src/testing/), fault rows, offset classes, seeds, classification and
// self-checks, with every write through the Persistor's Save and every
// read through its Load (lhv1test.Persistor), over a memory store or any
// real client, faults injected by lhv1test.FaultStore (or by a Backend of
// your own, such as lhv1 serve's rules). Each Save is audited
// (lhv1test.SaveAudit); what Save wrote is stored in key order
// (lhv1test.KeyOrder), so two runs give one table; a listed case can be
// written as a replay file (lhv1test.Replay, `lhv1 campaign --replay`).
package lhv1campaign

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lhv1/harness/go/lhv1test"
)

const mixRatePPM = 150000

// The outcomes, lhv1test's, by their short names here.
type Outcome = lhv1test.Outcome

const (
	Latest       = lhv1test.Latest
	InFlight     = lhv1test.InFlight
	Stale        = lhv1test.Stale
	Missing      = lhv1test.Missing
	StoreError   = lhv1test.StoreError
	BadFormat    = lhv1test.BadFormat
	DecodeError  = lhv1test.DecodeError
	Inconsistent = lhv1test.Inconsistent
	SilentWrong  = lhv1test.SilentWrong
	outcomeCount = Outcome(lhv1test.NumOutcomes)
)

// Subject is the persistor under test.
type Subject struct {
	// Name heads its column in the reports ("examples/vectord").
	Name string
	// New makes the persistor over the store the campaign gives it.
	New func(lhv1test.Store) lhv1test.Persistor
	// NotFound builds the typed not-found its Load recognises
	// (lhv1test.NotFoundWrapping(yourSentinel)): every store the campaign
	// makes answers a missing key with it.
	NotFound func(key string) error
}

// rowDef is one row of the table: a kind, its reply (torn writes) and
// whether the fault is persistent; None is the seeded mix.
type rowDef struct {
	kind       lhv1test.Kind
	ack        bool
	persistent bool
}

func (d rowDef) name() string {
	if d.kind == lhv1test.None {
		return fmt.Sprintf("seeded mix (%d%% of ops)", mixRatePPM/10000)
	}
	s := d.kind.String()
	if d.kind == lhv1test.PutTornPrefix || d.kind == lhv1test.PutTornOverOld {
		if d.ack {
			s += " reply=200"
		} else {
			s += " reply=503"
		}
	}
	if d.persistent {
		s += " persistent"
	}
	return s
}

// Options: the C campaign's --seed, --sample, --mix, --no-inject.
type Options struct {
	Seed     uint64
	Sample   int // seeded offsets per object (C default 16)
	Mix      int // seeded-mix runs (C default 200); 0 leaves the row out
	NoInject bool
	// Rows, when set, runs only the rows with these names.
	Rows []string
	// Thin keeps every Thin-th offset class of a torn write or bit flip
	// (0 or 1: all, as the C campaign); for quick runs.
	Thin   int
	Client string // for the report
	// MapOrder stores what Save wrote as it wrote it, instead of in key
	// order (lhv1test.KeyOrder). Planned places still follow keys, but a
	// torn write or a seeded cut falls on whatever order the writer
	// chose: with coder/hnsw's Export, the table differs from run to run.
	MapOrder bool
	// Replays, when set, is a directory: each listed case is written
	// there as a replay file (Case.Replay names it).
	Replays string
}

// Row is one line of the table.
type Row struct {
	Fault      string         `json:"fault"`
	Kind       string         `json:"kind"`
	Cases      int            `json:"cases"`
	Fired      int            `json:"fired"`
	Panics     int            `json:"go_panics"`
	Guarded    int            `json:"not_loaded_count_beyond_input"`
	BadSaves   int            `json:"bad_saves"`
	Outcomes   map[string]int `json:"outcomes"`
	Unexpected int            `json:"unexpected"`
	counts     [outcomeCount]int
	kind       lhv1test.Kind
}

// Counts are the row's cases per outcome, in column order.
func (r *Row) Counts() [lhv1test.NumOutcomes]int { return r.counts }

// Case is a listed case (SILENT-WRONG, unexpected, or a Save that broke
// its contract), with its log.
type Case struct {
	Row      string `json:"row"`
	Fault    string `json:"fault"`
	Where    string `json:"where"`
	Index    string `json:"index"`
	Outcome  string `json:"outcome"`
	Expected bool   `json:"expected"`
	Detail   string `json:"detail"`
	BadSave  string `json:"bad_save,omitempty"`
	Replay   string `json:"replay,omitempty"`
	Log      string `json:"log"`
}

// Result is the campaign's report, in the C JSON's shape (plus
// "persistor", "client", "go_panics" and "bad_saves").
type Result struct {
	Persistor    string   `json:"persistor"`
	Client       string   `json:"client"`
	Seed         uint64   `json:"seed"`
	Cases        int      `json:"cases"`
	Seconds      float64  `json:"seconds"`
	Rows         []*Row   `json:"rows"`
	Listed       []Case   `json:"cases_listed"`
	FailedChecks []string `json:"failed_checks"`
	Passed       bool     `json:"passed"`
}

func splitmix(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	return mix(*x - 0x9e3779b97f4a7c15)
}

// Run runs the campaign over fresh stores from newStore, faults injected
// above them by lhv1test.FaultStore.
func Run(ctx context.Context, s Subject, newStore NewStore, o Options) (*Result, error) {
	return RunWith(ctx, s, Above(newStore), o)
}

// RunWith runs the campaign over a backend (for lhv1 serve: faults below
// the client, armed through the admin API).
func RunWith(ctx context.Context, s Subject, backend Backend, o Options) (*Result, error) {
	w, err := buildWorkload()
	if err != nil {
		return nil, err
	}
	if s.NotFound == nil {
		s.NotFound = lhv1test.NotFoundWrapping(lhv1test.ErrKeyNotFound)
	}
	rn := &runner{w: w, subject: s, backend: backend, ctx: ctx, keyOrder: !o.MapOrder}
	res := &Result{Persistor: s.Name, Client: o.Client, Seed: o.Seed, FailedChecks: []string{}, Listed: []Case{}}
	base, err := rn.runCase(lhv1test.Config{}, &lhv1test.Fault{Kind: lhv1test.None}, false)
	if err != nil {
		return nil, err
	}
	if base.outcome != Latest {
		res.FailedChecks = append(res.FailedChecks, fmt.Sprintf("fault-free run: %s %s: %s", base.index, base.outcome, base.detail))
		return res, nil
	}
	if base.badSave != "" {
		// The rows still run: they show what the broken Save does under faults.
		res.FailedChecks = append(res.FailedChecks, "fault-free run: "+base.badSave)
	}
	if o.Replays != "" {
		if err := os.MkdirAll(o.Replays, 0o755); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	rng := o.Seed
	for _, d := range rowDefs() {
		if d.kind == lhv1test.None && o.Mix == 0 {
			continue // no seeded mix asked for (lhv1 serve has no rate-based mix)
		}
		if len(o.Rows) > 0 && !slices.Contains(o.Rows, d.name()) {
			continue
		}
		row := &Row{Fault: d.name(), Kind: d.kind.String(), kind: d.kind}
		res.Rows = append(res.Rows, row)
		one := func(f *lhv1test.Fault, mixSeed uint64, where string) error {
			cfg := lhv1test.Config{}
			switch {
			case o.NoInject:
			case f != nil:
				cfg.Plan = []lhv1test.Fault{*f}
			default:
				cfg.Seed, cfg.RatePPM = mixSeed, mixRatePPM
			}
			r, err := rn.runCase(cfg, f, false)
			if err != nil {
				return err
			}
			row.Cases++
			res.Cases++
			if r.fired {
				row.Fired++
			}
			row.Panics += r.panics
			row.Guarded += r.guarded
			row.counts[r.outcome]++
			if r.unexpected {
				row.Unexpected++
			}
			if r.badSave != "" {
				row.BadSaves++
			}
			if r.outcome == SilentWrong || r.unexpected || r.badSave != "" {
				again, err := rn.runCase(cfg, f, true)
				if err != nil {
					return err
				}
				fs := ""
				if f != nil {
					fs = f.String()
				}
				c := Case{row.Fault, fs, where, r.index, r.outcome.String(), !r.unexpected, r.detail, r.badSave, "", again.log}
				if o.Replays != "" {
					if c.Replay, err = writeReplay(o.Replays, len(res.Listed), s.Name, o.Client, c, f, again); err != nil {
						return err
					}
				}
				res.Listed = append(res.Listed, c)
			}
			return nil
		}
		if err := runRow(rn, d, o, &rng, one); err != nil {
			return nil, err
		}
	}
	res.Seconds = time.Since(start).Seconds()
	for _, r := range res.Rows {
		r.Outcomes = map[string]int{}
		for oc := Outcome(0); oc < outcomeCount; oc++ {
			r.Outcomes[oc.String()] = r.counts[oc]
		}
	}
	res.FailedChecks = append(res.FailedChecks, checkRows(res)...)
	res.Passed = len(res.FailedChecks) == 0
	return res, nil
}

// writeReplay writes a listed case as replay file number n of dir.
func writeReplay(dir string, n int, persistor, client string, c Case, f *lhv1test.Fault, r caseResult) (string, error) {
	rf := &lhv1test.ReplayFile{Format: lhv1test.ReplayFormat, Persistor: persistor, Client: client,
		Row: c.Row, Where: c.Where, Index: c.Index, Plan: c.Fault, Ended: r.worst.ended,
		Outcome: r.outcome.String(), Detail: r.detail, States: lhv1test.NewReplayStates(r.worst.states), Log: r.log}
	// The fault's own effect reproduces the case when the worst load got
	// the bytes the fault left (a later operation may have replaced them).
	if e := r.worst.effect; f != nil && e != nil && bytesEqual(e.After, r.worst.ended) {
		rf.Resolved, rf.Before, rf.Written = e.Fault.Absolute().String(), e.Before, e.Written
	}
	slug := strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			return c
		}
		return '-'
	}, strings.ToLower(c.Row+"-"+c.Index))
	name := fmt.Sprintf("%04d-%s.json", n, slug)
	return name, lhv1test.WriteReplay(filepath.Join(dir, name), rf)
}
