package lhv1test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Behaviour is what a loader did with a golden, in the manifest's words.
type Behaviour string

const (
	Ok    Behaviour = "ok"
	Error Behaviour = "error"
	Panic Behaviour = "panic"
	// Fatal: Go's runtime died (out of memory) on the object. Such goldens
	// are not run in-process; they are reported as skipped.
	Fatal Behaviour = "fatal"
)

// Loader loads one object as index `name` (the golden's file name without
// its y_/n_/i_ prefix and .lhv1): for example your DecodeIndex over the
// unframed body, or Persistor.Load over a store holding it. Its error (and
// a panic) is compared with what Go recorded; the value it returns is
// compared with golden/expected when it can be dumped (WithDump, Dumper)
// and used when a UseFunc is given (WithUse).
type Loader func(name string, body []byte) (any, error)

// GoldenResult is one golden: what the spec says and Go recorded, what the
// loader did, and the cases it ran, judged as lhv1 conform judges them.
type GoldenResult struct {
	File        string    // e.g. "n_frame_bad_magic.lhv1"
	Name        string    // the index name the loader was given
	Verdict     string    // the spec's verdict (ok, bad-format, ...)
	Reason      string    // the spec's reason code
	Want        Behaviour // what Go recorded
	WantMessage string    // Go's error or panic value ("-" if none)
	Got         Behaviour // what the loader did ("" when skipped)
	GotMessage  string
	Skipped     bool // Want is fatal: not run in-process

	// Content, for goldens with an expected dump ("" when passed or not run).
	DumpChecked bool   // an ok load was dumped and compared
	DumpProblem string // the dump's failure reason
	UseRan      bool   // the loaded index was used (searches, an add)
	UseProblem  string
	SaveRan     bool // the expected dump went through the writer and back
	SaveProblem string

	cases []Case
}

// Changed reports a run golden whose behaviour differs from Go's record
// (which fails its case only where the loader does not do what the spec
// says either, or panics: Cases).
func (r GoldenResult) Changed() bool { return !r.Skipped && r.Got != r.Want }

func (r GoldenResult) String() string {
	if r.Skipped {
		return fmt.Sprintf("%s: skipped (Go recorded %s: %s)", r.File, r.Want, r.WantMessage)
	}
	s := fmt.Sprintf("%s: got %s, Go recorded %s", r.File, r.Got, r.Want)
	if r.Got != Ok {
		s += fmt.Sprintf(" (got: %s)", r.GotMessage)
	}
	if r.Want != Ok {
		s += fmt.Sprintf(" (Go: %s)", r.WantMessage)
	}
	return s
}

// Cases are the cases of the golden: golden/<file>, then golden/<file>/use
// and golden/<file>/save when they ran; a skipped golden's case is marked
// Skipped.
func (r GoldenResult) Cases() []Case {
	if r.Skipped {
		return []Case{{Name: "golden/" + r.File, Skipped: true}}
	}
	return r.cases
}

// ManifestEntry is one row of golden/MANIFEST.tsv.
type ManifestEntry struct {
	File, SHA256, Verdict, Reason string
	Go                            Behaviour
	GoMessage, Dump, About        string
}

// ReadManifest reads dir/MANIFEST.tsv (dir is the golden directory, the
// one holding objects/).
func ReadManifest(dir string) ([]ManifestEntry, error) {
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ManifestEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		c := strings.Split(text, "\t")
		if len(c) != 8 {
			return nil, fmt.Errorf("MANIFEST.tsv line %d: %d columns, want 8", line, len(c))
		}
		b := Behaviour(c[4])
		if b != Ok && b != Error && b != Panic && b != Fatal {
			return nil, fmt.Errorf("MANIFEST.tsv line %d: unknown Go behaviour %q", line, c[4])
		}
		out = append(out, ManifestEntry{c[0], c[1], c[2], c[3], b, c[5], c[6], c[7]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("MANIFEST.tsv lists no golden")
	}
	return out, nil
}

// GoldenName is the index name a golden is loaded under.
func GoldenName(file string) string {
	name := strings.TrimSuffix(file, ".lhv1")
	if len(name) > 2 && name[1] == '_' {
		name = name[2:]
	}
	return name
}

// RunGoldens runs load over every golden of dir and returns one result per
// manifest row. The error is for a golden that cannot be read or whose
// bytes are not the manifest's (sha256), not for a changed behaviour.
func RunGoldens(dir string, load Loader) ([]GoldenResult, error) {
	return RunTestee(dir, Testee{Load: load})
}

// RunTestee is RunGoldens with the content checks t allows, in lhv1
// conform's order: each golden is loaded (and its load dumped, t.Dump or
// Dumper, and compared with golden/expected), an ok golden's loaded index
// is used (t.Use), and each expected dump goes through t.Save and back
// through t.Load.
func RunTestee(dir string, t Testee) ([]GoldenResult, error) {
	entries, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	out := make([]GoldenResult, 0, len(entries))
	for _, e := range entries {
		r := GoldenResult{File: e.File, Name: GoldenName(e.File), Verdict: e.Verdict,
			Reason: e.Reason, Want: e.Go, WantMessage: e.GoMessage}
		if e.Go == Fatal {
			r.Skipped = true
			out = append(out, r)
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, "objects", e.File))
		if err != nil {
			return nil, err
		}
		if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != e.SHA256 {
			return nil, fmt.Errorf("%s: sha256 differs from MANIFEST.tsv", e.File)
		}
		var want []byte
		if e.Dump != "-" {
			if want, err = os.ReadFile(filepath.Join(dir, e.Dump)); err != nil {
				return nil, err
			}
		}
		if err := runGolden(t, &r, e, body, want); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Dump, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// runGolden runs and judges the cases of one golden.
func runGolden(t Testee, r *GoldenResult, e ManifestEntry, body, want []byte) error {
	rep, loaded := t.load(r.Name, body)
	r.Got, r.GotMessage = rep.outcome, rep.message
	load := Case{Name: "golden/" + e.File}
	judgeLoad(&load, expectation{specOK: e.Verdict == "ok", spec: specWords(e.Verdict, e.Reason),
		goDid: e.Go, dump: want}, rep)
	r.DumpChecked = rep.outcome == Ok && want != nil && rep.dump != nil
	if r.DumpChecked && load.Failed {
		r.DumpProblem = load.Message
	}
	r.cases = append(r.cases, load)
	if t.Use != nil && e.Verdict == "ok" {
		use := Case{Name: load.Name + "/use"}
		if rep.outcome != Ok {
			use.Skipped, use.Detail = true, "its load did not succeed"
		} else {
			ix, err := readDump(want)
			if err != nil {
				return err
			}
			r.UseRan = true
			judgeUse(&use, t, loaded, ix)
			r.UseProblem = use.Message
		}
		r.cases = append(r.cases, use)
	}
	if t.Save != nil && want != nil {
		save := Case{Name: load.Name + "/save"}
		judgeSave(&save, t, r.Name, want, t.save(r.Name, want))
		r.SaveRan, r.SaveProblem = true, save.Message
		r.cases = append(r.cases, save)
	}
	return nil
}

// Option adds a check to TestGoldens.
type Option func(*options)

type options struct {
	dump        DumpFunc
	use         UseFunc
	save        SaveFunc
	failureList string
}

// WithDump dumps what the loader returns (else a Dumper dumps itself).
func WithDump(f DumpFunc) Option { return func(o *options) { o.dump = f } }

// WithUse uses what the loader returns: searches for stored vectors and an
// add, on every ok load of a golden with an expected dump.
func WithUse(f UseFunc) Option { return func(o *options) { o.use = f } }

// WithSave round-trips each expected dump through your writer and loader.
func WithSave(f SaveFunc) Option { return func(o *options) { o.save = f } }

// WithFailureList reads the cases your reader is known to fail from a
// failure list file (FailureList).
func WithFailureList(path string) Option { return func(o *options) { o.failureList = path } }

// TestGoldens is the conformance test: one subtest per golden whose cases
// are judged as lhv1 conform judges them (docs/CONFORMANCE.md, "Judging"):
// the load passes when the loader does what the spec says or, where the
// spec rejects, what Go recorded (never a panic); an ok load's dump must
// equal golden/expected; the use and save cases the options add (subtests
// "use", "save") must pass. The failure list (WithFailureList) is the one
// lhv1 conform reads: a listed case that fails with the listed message is
// expected. Goldens Go died on (fatal) are skipped. dir is the golden
// directory (MANIFEST.tsv, objects/, expected/). With
// LHV1_WRITE_FAILURE_LIST=FILE in the environment it writes the list of
// this run to FILE: the failing cases, plus the entries of the list for
// cases only lhv1 conform runs.
func TestGoldens(t *testing.T, dir string, load Loader, opts ...Option) {
	t.Helper()
	TestTestee(t, dir, Testee{Load: load}, opts...)
}

// TestTestee is TestGoldens for a Testee (Load, and Dump, Use, Save when
// set; options given override them).
func TestTestee(t *testing.T, dir string, tt Testee, opts ...Option) {
	t.Helper()
	o := options{dump: tt.Dump, use: tt.Use, save: tt.Save}
	for _, f := range opts {
		f(&o)
	}
	tt.Dump, tt.Use, tt.Save = o.dump, o.use, o.save
	list := FailureList{}
	if o.failureList != "" {
		var err error
		if list, err = ReadFailureList(o.failureList); err != nil {
			t.Fatal(err)
		}
	}
	results, err := RunTestee(dir, tt)
	if err != nil {
		t.Fatal(err)
	}
	// Every golden ran in RunTestee: the list is checked against all cases,
	// whatever subtests -run selects.
	for _, name := range list.NotRun(results) {
		t.Errorf("%s is in the failure list but is no case of this run: remove it from the list", name)
	}
	for _, r := range results {
		t.Run(strings.TrimSuffix(r.File, ".lhv1"), func(t *testing.T) {
			if r.Skipped {
				t.Skip(r.String())
			}
			for i, c := range r.Cases() {
				if i == 0 {
					judge(t, c, list)
				} else {
					t.Run(c.Name[strings.LastIndex(c.Name, "/")+1:], func(t *testing.T) { judge(t, c, list) })
				}
			}
		})
	}
	if path := os.Getenv("LHV1_WRITE_FAILURE_LIST"); path != "" {
		written := list.Rewritten(results)
		if err := os.WriteFile(path, []byte(written.String()), 0o644); err != nil {
			t.Error(err)
		} else {
			t.Logf("wrote the failure list of this run (%d cases) to %s", len(written), path)
		}
	}
}

// judge applies the failure list to one case.
func judge(t *testing.T, c Case, list FailureList) {
	t.Helper()
	if c.Skipped {
		t.Skip(c.Name + ": not run: " + c.Detail)
	}
	if fails, text := Judge(c, list); fails {
		t.Error(text)
	} else if text != "" {
		t.Log(text)
	}
}

// Judge applies a failure list to one case as lhv1 conform does
// (protobuf's semantics): it says whether the case fails the run, and why
// (or, for an expected failure, a note). A listed case fails the run when
// it passes, or fails with a message other than the listed one.
func Judge(c Case, list FailureList) (fails bool, text string) {
	listed, isListed := list[c.Name]
	detail := ""
	if c.Detail != "" {
		detail = " (" + c.Detail + ")"
	}
	switch {
	case c.Skipped:
		return false, ""
	case c.Failed && isListed && listed != "" && listed != c.Message:
		return true, fmt.Sprintf("%s: message changed: fails with %q, the failure list says %q%s", c.Name, c.Message, listed, detail)
	case c.Failed && isListed:
		return false, fmt.Sprintf("%s: fails as the failure list expects: %s%s", c.Name, c.Message, detail)
	case c.Failed:
		return true, fmt.Sprintf("%s: %s%s", c.Name, c.Message, detail)
	case isListed:
		return true, fmt.Sprintf("%s: now passes: remove it from the failure list", c.Name)
	}
	return false, ""
}
