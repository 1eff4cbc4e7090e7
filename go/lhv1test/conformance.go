package lhv1test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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

// GoldenResult is one golden: what Go recorded against what the loader
// did, and the content checks of the load.
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
	DumpProblem string // how the dump differs from golden/expected, or why it failed
	UseRan      bool   // the loaded index was used (searches, an add)
	UseProblem  string
	SaveRan     bool // the expected dump went through the writer and back
	SaveProblem string
}

// Changed reports a run golden whose behaviour differs from Go's record.
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

// Case is one conformance case, named as `lhv1 conform` names it:
// golden/<file> (behaviour, and dump against golden/expected),
// golden/<file>/use and golden/<file>/save.
type Case struct {
	Name    string
	Failed  bool
	Message string
}

// Cases are the cases a golden ran (none when skipped).
func (r GoldenResult) Cases() []Case {
	if r.Skipped {
		return nil
	}
	c := Case{Name: "golden/" + r.File}
	switch {
	case r.Changed():
		c.Failed, c.Message = true, strings.TrimPrefix(r.String(), r.File+": ")
	case r.DumpProblem != "":
		c.Failed, c.Message = true, r.DumpProblem
	}
	out := []Case{c}
	if r.UseRan {
		out = append(out, Case{Name: c.Name + "/use", Failed: r.UseProblem != "", Message: r.UseProblem})
	}
	if r.SaveRan {
		out = append(out, Case{Name: c.Name + "/save", Failed: r.SaveProblem != "", Message: r.SaveProblem})
	}
	return out
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

// RunTestee is RunGoldens with the content checks t allows: each ok load of
// a golden that has an expected dump is dumped and compared (t.Dump or
// Dumper) and used (t.Use); each expected dump goes through t.Save and back
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
		var loaded any
		r.Got, r.GotMessage, loaded = runOne(t.Load, r.Name, body)
		if e.Dump != "-" {
			want, err := os.ReadFile(filepath.Join(dir, e.Dump))
			if err != nil {
				return nil, err
			}
			checkContent(t, &r, loaded, e.Dump, want)
		}
		out = append(out, r)
	}
	return out, nil
}

func runOne(load Loader, name string, body []byte) (b Behaviour, msg string, loaded any) {
	var err error
	if p, m := recovered(func() { loaded, err = load(name, body) }); p {
		return Panic, m, nil
	}
	if err != nil {
		return Error, err.Error(), nil
	}
	return Ok, "", loaded
}

// checkContent compares an ok load with the expected dump (then uses it:
// use adds a node), and round-trips the expected dump through the writer.
func checkContent(t Testee, r *GoldenResult, loaded any, wantPath string, want []byte) {
	if r.Got == Ok {
		d, ok, err := dumpRecovering(t, loaded)
		switch {
		case err != nil:
			r.DumpChecked, r.DumpProblem = true, "loaded, but the dump failed: "+err.Error()
		case ok:
			r.DumpChecked, r.DumpProblem = true, dumpDiff(d, want, wantPath)
		}
		if t.Use != nil {
			r.UseRan = true
			ix, err := readDump(want)
			if err != nil {
				r.UseProblem = wantPath + ": " + err.Error()
			} else {
				r.UseProblem = checkUse(t.Use, loaded, ix)
			}
		}
	}
	if t.Save != nil {
		r.SaveRan, r.SaveProblem = true, checkSave(t, r.Name, want)
	}
}

func dumpRecovering(t Testee, loaded any) (d []byte, ok bool, err error) {
	if p, m := recovered(func() { d, ok, err = t.dump(loaded) }); p {
		return nil, false, fmt.Errorf("dump panicked: %s", m)
	}
	return d, ok, err
}

// checkSave writes the index the expected dump describes with t.Save and
// loads the object back with t.Load: it must load, and dump as it was.
func checkSave(t Testee, name string, want []byte) string {
	var obj []byte
	var err error
	if p, m := recovered(func() { obj, err = t.Save(name, want) }); p {
		return "save panicked: " + m
	}
	if err != nil {
		return "save failed: " + err.Error()
	}
	b, msg, loaded := runOne(t.Load, name, obj)
	if b != Ok {
		return fmt.Sprintf("the saved object does not load (%s: %s)", b, msg)
	}
	d, ok, err := dumpRecovering(t, loaded)
	switch {
	case err != nil:
		return "the saved object loads, but its dump failed: " + err.Error()
	case !ok:
		return ""
	}
	if p := dumpDiff(d, want, "the expected dump"); p != "" {
		return "the saved object loads back different: " + p
	}
	return ""
}

// dumpDiff names the first line where got differs from want ("" if equal).
func dumpDiff(got, want []byte, wantName string) string {
	if bytes.Equal(got, want) {
		return ""
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			at := 0
			for at < len(gl) && at < len(wl) && gl[at] == wl[at] {
				at++
			}
			return fmt.Sprintf("dump differs from %s at line %d, byte %d: got %s, want %s",
				wantName, i+1, at+1, excerpt(gl, at), excerpt(wl, at))
		}
	}
	return "dump differs from " + wantName
}

// excerpt quotes about 60 bytes of line from around byte at.
func excerpt(line string, at int) string {
	from := max(0, at-20)
	to := min(len(line), from+60)
	s := strconv.Quote(line[from:to])
	if from > 0 {
		s = "..." + s
	}
	if to < len(line) {
		s += "..."
	}
	return s
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

// TestGoldens is the conformance test: one subtest per golden, failing when
// the loader does something other than what Go recorded (ok / error /
// panic), when an ok load's dump differs from golden/expected, and in the
// use and save cases the options add (subtests "use", "save"), unless the
// failure list names the case. Goldens Go died on (fatal) are skipped with
// the recorded reason. dir is the golden directory (MANIFEST.tsv, objects/,
// expected/). With LHV1_WRITE_FAILURE_LIST=FILE in the environment it
// writes the cases that fail to FILE, in the failure list's format.
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
	seen, failing := map[string]bool{}, FailureList{}
	for _, r := range results {
		for _, c := range r.Cases() {
			seen[c.Name] = true
			if c.Failed {
				failing[c.Name] = c.Message
			}
		}
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
	for name := range list {
		if !seen[name] {
			t.Errorf("%s is in the failure list but is not a case of this run: remove it from the list", name)
		}
	}
	if path := os.Getenv("LHV1_WRITE_FAILURE_LIST"); path != "" {
		if err := os.WriteFile(path, []byte(failing.String()), 0o644); err != nil {
			t.Error(err)
		} else {
			t.Logf("wrote the %d failing cases to %s", len(failing), path)
		}
	}
}

// judge applies the failure list to one case.
func judge(t *testing.T, c Case, list FailureList) {
	t.Helper()
	if fails, text := Judge(c, list); fails {
		t.Error(text)
	} else if text != "" {
		t.Log(text)
	}
}

// Judge applies a failure list to one case, as lhv1 conform does: it says
// whether the case fails the run, and why (or, for an expected failure,
// a note).
func Judge(c Case, list FailureList) (fails bool, text string) {
	_, listed := list[c.Name]
	switch {
	case c.Failed && listed:
		return false, fmt.Sprintf("%s: fails as the failure list expects: %s", c.Name, c.Message)
	case c.Failed:
		return true, fmt.Sprintf("%s: %s", c.Name, c.Message)
	case listed:
		return true, fmt.Sprintf("%s: now passes: remove it from the failure list", c.Name)
	}
	return false, ""
}
