// Package twowriters is the two-writer workload: two writers (two
// persistors, as two replicas of a service would hold) each Load the same
// index, add their own vectors and Save it, interleaved by a plan. Run
// says, per plan, whether the final object holds every acknowledged
// addition, whether a writer was told of a conflict, and which
// acknowledged additions vanished (lost updates).
package twowriters

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lhv1/harness/examples/vectord"
)

// IndexName is the index both writers update.
const IndexName = "shared"

// Persistence is what a writer needs: vectord.Persistor and
// vectord.ConditionalPersistor both are.
type Persistence interface {
	Load(ctx context.Context, name string) (*vectord.Index, error)
	Save(ctx context.Context, idx *vectord.Index) error
}

// Plan is one interleaving. Steps are "Ar" (writer A loads the index, or
// starts a new one if it is missing, reapplies its unsaved additions and
// adds one new vector) and "Aw" (A saves), likewise for B.
type Plan struct {
	Name  string
	Steps []string
	// Create: the store starts empty (both writers create the index);
	// otherwise it starts holding one vector, "base".
	Create bool
	// Racy: a writer saves over a version it did not read, so the plain
	// persistor loses an update here and the conditional one must not.
	Racy bool
}

// plansTSV is the table of interleavings, shared with the C workload
// (lhv1 campaign --two-writers reads the same file).
//
//go:embed plans.tsv
var plansTSV string

// Plans are the interleavings the table shows.
var Plans = mustParsePlans(plansTSV)

// ParsePlans reads plans.tsv: lines of name, steps, create, racy separated
// by tabs; '#' lines are comments.
func ParsePlans(tsv string) ([]Plan, error) {
	var plans []Plan
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[0] == "" {
			return nil, fmt.Errorf("plans.tsv:%d: want name, steps, create, racy", n+1)
		}
		create, err1 := yesNo(f[2])
		racy, err2 := yesNo(f[3])
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("plans.tsv:%d: %w", n+1, err)
		}
		st := steps(f[1])
		for _, s := range st {
			if len(s) != 2 || (s[0] != 'A' && s[0] != 'B') || (s[1] != 'r' && s[1] != 'w') {
				return nil, fmt.Errorf("plans.tsv:%d: step %q: not Ar, Aw, Br or Bw", n+1, s)
			}
		}
		plans = append(plans, Plan{Name: f[0], Steps: st, Create: create, Racy: racy})
	}
	if len(plans) == 0 {
		return nil, errors.New("plans.tsv: no plan")
	}
	return plans, nil
}

func yesNo(s string) (bool, error) {
	switch s {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, fmt.Errorf("%q: want yes or no", s)
}

func mustParsePlans(tsv string) []Plan {
	plans, err := ParsePlans(tsv)
	if err != nil {
		panic(err)
	}
	return plans
}

func steps(s string) []string { return strings.Fields(s) }

// Mode is how the writers persist.
type Mode string

const (
	Plain       Mode = "plain"       // vectord.Persistor: unconditional PUT
	Conditional Mode = "conditional" // vectord.ConditionalPersistor; a conflict is reported
	Retry       Mode = "retry"       // conditional, and on a conflict the writer reloads, reapplies and saves again
)

var Modes = []Mode{Plain, Conditional, Retry}

// maxRetries bounds the reload-and-save loop of Retry: with two writers
// taking turns one retry always suffices.
const maxRetries = 3

// Result is what one plan did under one mode.
type Result struct {
	Acknowledged []string `json:"acknowledged"` // vectors a Save returned nil for
	Final        []string `json:"final"`        // vectors of the object after the plan
	Lost         []string `json:"lost"`         // acknowledged, not in the final object
	Conflicts    []string `json:"conflicts"`    // the steps whose Save reported a conflict
	Retries      int      `json:"retries"`
	Unsaved      []string `json:"unsaved"` // additions a writer knows were not saved (conflict, no retry)
}

// LostUpdate: an acknowledged Save's additions vanished.
func (r Result) LostUpdate() bool { return len(r.Lost) > 0 }

// Verdict is the table cell.
func (r Result) Verdict() string {
	var parts []string
	if r.LostUpdate() {
		parts = append(parts, "**lost update**: "+strings.Join(r.Lost, ", ")+" acknowledged, gone")
	}
	if len(r.Conflicts) > 0 {
		c := "conflict detected at " + strings.Join(r.Conflicts, ", ")
		if r.Retries > 0 {
			c += fmt.Sprintf("; %d retry after reload", r.Retries)
		}
		parts = append(parts, c)
	}
	if !r.LostUpdate() && len(r.Unsaved) == 0 {
		parts = append(parts, "all kept")
	} else if len(r.Unsaved) > 0 {
		parts = append(parts, "not saved, and told: "+strings.Join(r.Unsaved, ", "))
	}
	return strings.Join(parts, "; ")
}

type writer struct {
	name    string
	p       Persistence
	idx     *vectord.Index
	pending []string // added, not yet acknowledged
	added   int
}

// Run plays plan with mode. newPersistence gives each writer (and the
// final reader) its own persistor over the store; reset empties the store.
func Run(ctx context.Context, plan Plan, mode Mode, newPersistence func(Mode) Persistence, reset func() error) (Result, error) {
	var res Result
	if err := reset(); err != nil {
		return res, fmt.Errorf("reset: %w", err)
	}
	if !plan.Create {
		idx, err := newIndex()
		if err == nil {
			err = add(idx, "base")
		}
		if err == nil {
			err = newPersistence(Plain).Save(ctx, idx)
		}
		if err != nil {
			return res, fmt.Errorf("seeding the index: %w", err)
		}
		res.Acknowledged = append(res.Acknowledged, "base")
	}
	writers := map[byte]*writer{
		'A': {name: "A", p: newPersistence(mode)},
		'B': {name: "B", p: newPersistence(mode)},
	}
	for i, s := range plan.Steps {
		w, ok := writers[s[0]]
		if !ok || len(s) != 2 {
			return res, fmt.Errorf("step %q: not Ar, Aw, Br or Bw", s)
		}
		switch s[1] {
		case 'r':
			if err := w.read(ctx, true); err != nil {
				return res, fmt.Errorf("step %d (%s): %w", i+1, s, err)
			}
		case 'w':
			if w.idx == nil {
				return res, fmt.Errorf("step %d (%s): the writer has read nothing", i+1, s)
			}
			for try := 0; ; try++ {
				err := w.p.Save(ctx, w.idx)
				if err == nil {
					res.Acknowledged = append(res.Acknowledged, w.pending...)
					w.pending = nil
					break
				}
				if !errors.Is(err, vectord.ErrConflict) {
					return res, fmt.Errorf("step %d (%s): %w", i+1, s, err)
				}
				if try == 0 {
					res.Conflicts = append(res.Conflicts, fmt.Sprintf("%d (%s)", i+1, s))
				}
				if mode != Retry {
					break
				}
				if try == maxRetries {
					return res, fmt.Errorf("step %d (%s): still conflicting after %d retries: %w", i+1, s, maxRetries, err)
				}
				res.Retries++
				if err := w.read(ctx, false); err != nil {
					return res, fmt.Errorf("step %d (%s), reload: %w", i+1, s, err)
				}
			}
		default:
			return res, fmt.Errorf("step %q: not Ar, Aw, Br or Bw", s)
		}
	}
	for _, k := range []byte("AB") {
		res.Unsaved = append(res.Unsaved, writers[k].pending...)
	}
	final, err := newPersistence(Plain).Load(ctx, IndexName)
	if err != nil {
		return res, fmt.Errorf("loading the final object: %w", err)
	}
	for _, id := range allIDs(writers) {
		if _, ok := final.Graph().Lookup(id); ok {
			res.Final = append(res.Final, id)
		}
	}
	for _, id := range res.Acknowledged {
		if !slices.Contains(res.Final, id) {
			res.Lost = append(res.Lost, id)
		}
	}
	return res, nil
}

// read loads the index (a new one if it is missing), reapplies the
// writer's unsaved additions and, when addNew, adds one more.
func (w *writer) read(ctx context.Context, addNew bool) error {
	idx, err := w.p.Load(ctx, IndexName)
	if errors.Is(err, vectord.ErrKeyMissing) {
		idx, err = newIndex()
	}
	if err != nil {
		return err
	}
	if addNew {
		w.added++
		w.pending = append(w.pending, fmt.Sprintf("%s%d", w.name, w.added))
	}
	for _, id := range w.pending {
		if err := add(idx, id); err != nil {
			return err
		}
	}
	w.idx = idx
	return nil
}

func allIDs(writers map[byte]*writer) []string {
	ids := []string{"base"}
	for _, k := range []byte("AB") {
		for n := 1; n <= writers[k].added; n++ {
			ids = append(ids, fmt.Sprintf("%s%d", writers[k].name, n))
		}
	}
	return ids
}

func newIndex() (*vectord.Index, error) {
	return vectord.NewIndex(vectord.Params{Name: IndexName, Dimension: 2, Distance: "euclidean", M: 4, EfSearch: 8})
}

// add inserts id with a vector of its own (its bytes as coordinates).
func add(idx *vectord.Index, id string) error {
	var x, y float32
	for i, c := range []byte(id) {
		x += float32(c) * float32(i+1)
		y += float32(c) / float32(i+1)
	}
	return idx.Add(id, []float32{x, y}, map[string]any{"writer": id})
}
