package lhv1campaign

import (
	"context"

	"github.com/lhv1/harness/go/lhv1test"
)

// CaseRun is one case run on its own (RunOne).
type CaseRun struct {
	Outcome Outcome
	Index   string // the index the outcome is of
	Detail  string
	Fired   bool
	BadSave string
	Log     string // the injector's decision log
}

// RunOne runs the workload once over a store from backend: with the
// planned fault f, or (f nil) the seeded mix of mixSeed, as the campaign
// runs each case. A C campaign's listed case, rerun here, must make the
// same decisions (ctest go_campaign_matches_c compares the logs).
func RunOne(ctx context.Context, s Subject, backend Backend, f *lhv1test.Fault, mixSeed uint64, o Options) (CaseRun, error) {
	w, err := buildWorkload()
	if err != nil {
		return CaseRun{}, err
	}
	if s.NotFound == nil {
		s.NotFound = lhv1test.NotFoundWrapping(lhv1test.ErrKeyNotFound)
	}
	rn := &runner{w: w, subject: s, backend: backend, ctx: ctx, keyOrder: !o.MapOrder}
	var cfg lhv1test.Config
	if f != nil {
		cfg.Plan = []lhv1test.Fault{*f}
	} else {
		cfg.Seed, cfg.RatePPM = mixSeed, mixRatePPM
	}
	r, err := rn.runCase(cfg, f, true)
	return CaseRun{r.outcome, r.index, r.detail, r.fired, r.badSave, r.log}, err
}

// Content is one state of the workload: an index's generation, the object
// as stored (key order), its two streams and its canonical dump.
type Content struct {
	Index    string
	Gen      int
	Object   []byte
	Envelope []byte
	Graph    []byte
	Dump     []byte
}

// Workload is every state the campaign saves, in the C campaign's order
// (alpha 1-3, beta 1-3, gamma 1-2, delta 1-2, epsilon 1-2).
func Workload() ([]Content, error) {
	w, err := buildWorkload()
	if err != nil {
		return nil, err
	}
	out := make([]Content, len(w.contents))
	for i, c := range w.contents {
		out[i] = Content{c.index, c.gen, c.body, c.envelope, c.graph, c.dump}
	}
	return out, nil
}
