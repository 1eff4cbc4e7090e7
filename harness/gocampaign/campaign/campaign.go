package campaign

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lhv1/harness/go/lhv1test"
)

const mixRatePPM = 150000

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
	// (0 or 1: all, as the C campaign); for quick runs over HTTP.
	Thin   int
	Client string // for the report
}

// Row is one line of the table.
type Row struct {
	Fault      string         `json:"fault"`
	Kind       string         `json:"kind"`
	Cases      int            `json:"cases"`
	Fired      int            `json:"fired"`
	Panics     int            `json:"go_panics"`
	Guarded    int            `json:"not_loaded_count_beyond_input"`
	Outcomes   map[string]int `json:"outcomes"`
	Unexpected int            `json:"unexpected"`
	counts     [outcomeCount]int
	kind       lhv1test.Kind
}

// Case is a listed case (SILENT-WRONG or unexpected), with its log.
type Case struct {
	Row      string `json:"row"`
	Fault    string `json:"fault"`
	Where    string `json:"where"`
	Index    string `json:"index"`
	Outcome  string `json:"outcome"`
	Expected bool   `json:"expected"`
	Detail   string `json:"detail"`
	Log      string `json:"log"`
}

// Result is the campaign's report, in the C JSON's shape.
type Result struct {
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
func Run(ctx context.Context, newStore NewStore, o Options) (*Result, error) {
	return RunWith(ctx, Above(newStore), o)
}

// RunWith runs the campaign over a backend (for lhv1 serve: faults below
// the client, armed through the admin API).
func RunWith(ctx context.Context, backend Backend, o Options) (*Result, error) {
	w, err := buildWorkload()
	if err != nil {
		return nil, err
	}
	rn := &runner{w: w, backend: backend, ctx: ctx}
	res := &Result{Client: o.Client, Seed: o.Seed, FailedChecks: []string{}, Listed: []Case{}}
	base, err := rn.runCase(lhv1test.Config{}, &lhv1test.Fault{Kind: lhv1test.None}, false)
	if err != nil {
		return nil, err
	}
	if base.outcome != Latest {
		res.FailedChecks = append(res.FailedChecks, fmt.Sprintf("fault-free run: %s %s: %s", base.index, base.outcome, base.detail))
		return res, nil
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
			if r.outcome == SilentWrong || r.unexpected {
				again, err := rn.runCase(cfg, f, true)
				if err != nil {
					return err
				}
				fs := ""
				if f != nil {
					fs = f.String()
				}
				res.Listed = append(res.Listed, Case{row.Fault, fs, where, r.index, r.outcome.String(), !r.unexpected, r.detail, again.log})
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

func runRow(rn *runner, d rowDef, o Options, rng *uint64, one func(*lhv1test.Fault, uint64, string) error) error {
	w := rn.w
	if d.kind == lhv1test.None {
		for i := 0; i < o.Mix; i++ {
			seed := splitmix(rng)
			if err := one(nil, seed, fmt.Sprintf("seed 0x%016x", seed)); err != nil {
				return err
			}
		}
		return nil
	}
	op := d.kind.Op()
	n := map[lhv1test.Op]int{lhv1test.OpPut: nPuts(), lhv1test.OpGet: len(names), lhv1test.OpDelete: len(ops) - nPuts(), lhv1test.OpList: 1}[op]
	for nth := 0; nth < n; nth++ {
		f := lhv1test.Fault{Kind: d.kind, Nth: uint64(nth), Ack: d.ack, Persistent: d.persistent}
		switch d.kind {
		case lhv1test.PutTornPrefix, lhv1test.PutTornOverOld:
			body, old := putContext(w, nth)
			over := d.kind == lhv1test.PutTornOverOld
			limit := len(body.body)
			if over && old != nil && len(old.body) > len(body.body) {
				limit++
			}
			var oldC *content
			if over {
				oldC = old
			}
			s := offsetClasses(body, oldC, limit, false, rng, o.Sample)
			s.thin(o.Thin)
			if over && old != nil && len(old.body) > len(body.body) {
				s.add(len(body.body), "whole new body, old tail kept")
			}
			for _, c := range s.v {
				f.Cut = uint64(c.off)
				if err := one(&f, 0, c.label); err != nil {
					return err
				}
			}
		case lhv1test.GetBitFlip:
			body := finalContent(w, names[nth])
			if body == nil {
				continue
			}
			s := offsetClasses(body, nil, len(body.body), true, rng, o.Sample)
			s.thin(o.Thin)
			for _, c := range s.v {
				f.Bit = uint64(c.off)*8 + splitmix(rng)%8
				if err := one(&f, 0, c.label); err != nil {
					return err
				}
			}
		case lhv1test.GetStale, lhv1test.ListStale:
			ages := len(ops)
			if d.kind == lhv1test.GetStale {
				ages = mutationsOf(names[nth])
			}
			for lag := 1; lag <= ages; lag++ {
				f.Lag = uint64(lag)
				if err := one(&f, 0, fmt.Sprintf("%s #%d lag=%d", op, nth, lag)); err != nil {
					return err
				}
			}
		default:
			if err := one(&f, 0, fmt.Sprintf("%s #%d", op, nth)); err != nil {
				return err
			}
		}
	}
	return nil
}

func nPuts() int {
	n := 0
	for _, o := range ops {
		if o.content >= 0 {
			n++
		}
	}
	return n
}

func mutationsOf(name string) int {
	n := 0
	for _, o := range ops {
		if o.index == name {
			n++
		}
	}
	return n
}

// putContext: the content of the nth Put and what its key held before.
func putContext(w *workload, nth int) (body, old *content) {
	k := 0
	for i, o := range ops {
		if o.content < 0 {
			continue
		}
		if k == nth {
			for j := i - 1; j >= 0; j-- {
				if ops[j].index == o.index {
					if ops[j].content >= 0 {
						old = w.contents[ops[j].content]
					}
					break
				}
			}
			return w.contents[o.content], old
		}
		k++
	}
	return nil, nil
}

func finalContent(w *workload, name string) *content {
	var c *content
	for _, o := range ops {
		if o.index == name {
			c = nil
			if o.content >= 0 {
				c = w.contents[o.content]
			}
		}
	}
	return c
}

type offsetClass struct {
	off   int
	label string
}

type offsetSet struct {
	v     []offsetClass
	limit int
}

func (s *offsetSet) add(off int, label string) {
	if off < 0 || off >= s.limit {
		return
	}
	for _, c := range s.v {
		if c.off == off {
			return
		}
	}
	s.v = append(s.v, offsetClass{off, label})
}

func structural(s *offsetSet, c *content, tag string, vectors bool) {
	for i := 0; i <= 8; i++ {
		s.add(i, fmt.Sprintf("%sheader+%d", tag, i))
	}
	e := c.envEnd
	for d := -2; d <= 2; d++ {
		s.add(e+d, fmt.Sprintf("%senvelope-end%+d", tag, d))
	}
	for i := 0; e+i < c.graphHeaderEnd; i++ {
		s.add(e+i, fmt.Sprintf("%sgraph-header+%d", tag, i))
	}
	for l, lo := range c.layers {
		for d := -1; d <= 1; d++ {
			s.add(lo+d, fmt.Sprintf("%slayer%d%+d", tag, l, d))
		}
		for i, nd := range c.nodes[l] {
			s.add(nd, fmt.Sprintf("%snode L%d#%d", tag, l, i))
			if vectors {
				s.add(c.vectors[l][i], fmt.Sprintf("%svector L%d#%d", tag, l, i))
			}
		}
	}
	s.add(c.end-1, tag+"end-1")
	s.add(c.end-2, tag+"end-2")
}

func offsetClasses(body, old *content, limit int, vectors bool, rng *uint64, sample int) *offsetSet {
	s := &offsetSet{limit: limit}
	structural(s, body, "", vectors)
	if old != nil {
		structural(s, old, "old ", false)
	}
	for i := 0; i < sample && len(body.body) > 0; i++ {
		off := int(splitmix(rng) % uint64(len(body.body)))
		s.add(off, "sample")
	}
	return s
}

func (s *offsetSet) thin(k int) {
	if k <= 1 {
		return
	}
	var kept []offsetClass
	for i, c := range s.v {
		if i%k == 0 {
			kept = append(kept, c)
		}
	}
	s.v = kept
}

// checkRows is check_rows: what proves each fault did something.
func checkRows(res *Result) []string {
	var fails []string
	for _, r := range res.Rows {
		c := r.counts
		if r.Cases == 0 {
			fails = append(fails, r.Fault+": no cases")
			continue
		}
		if r.kind == lhv1test.None {
			if r.Fired == 0 || c[Latest] == r.Cases {
				fails = append(fails, r.Fault+": expected faults that fire and have effects")
			}
			continue
		}
		if r.Fired != r.Cases {
			fails = append(fails, fmt.Sprintf("%s: fired in %d of %d cases", r.Fault, r.Fired, r.Cases))
		}
		// The row's self-check: the kind's any / each / only columns.
		f := facts[r.kind]
		inAny, inOnly, each := 0, 0, true
		for oc := Outcome(0); oc < outcomeCount; oc++ {
			if f.any&(1<<oc) != 0 {
				inAny += c[oc]
			}
			if f.only&(1<<oc) != 0 {
				inOnly += c[oc]
			}
			if f.each&(1<<oc) != 0 && c[oc] == 0 {
				each = false
			}
		}
		need := ""
		if (f.any != 0 && inAny == 0) || !each || (f.only != 0 && inOnly != r.Cases) {
			need = f.check
		}
		if need != "" {
			fails = append(fails, fmt.Sprintf("%s: expected %s", r.Fault, need))
		}
	}
	n := 0
	for _, r := range res.Rows {
		n += r.Unexpected
	}
	if n > 0 {
		fails = append(fails, fmt.Sprintf("%d cases with an unexpected outcome (listed)", n))
	}
	return fails
}
