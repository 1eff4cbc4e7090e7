package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/lhv1/harness/golden/gen/model"
)

// generate rewrites out/objects, out/expected and out/MANIFEST.tsv from
// what Go does now. The Go-written goldens are taken from reuse/objects
// when they are there and still match their spec (coder/hnsw builds in map
// order, so a rebuild would change bytes and neighbour lists for nothing);
// reuse == "" builds every one afresh.
func generate(out, reuse string) error {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "lhv1golden-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	store := model.DirStore{Root: filepath.Join(tmp, "store")}
	bases := map[string]*base{}
	var goldens []golden
	get := func(s spec, file string) (*base, error) {
		if reuse != "" {
			b, err := reuseBase(filepath.Join(reuse, "objects", file), s)
			if err == nil {
				return b, nil
			}
			fmt.Fprintf(os.Stderr, "rebuilding %s: %v\n", file, err)
		}
		return build(ctx, store, s)
	}
	for _, s := range positiveSpecs() {
		b, err := get(s, "y_"+s.name+".lhv1")
		if err != nil {
			return fmt.Errorf("build %s: %w", s.name, err)
		}
		bases[s.name] = b
		goldens = append(goldens, yes(s.name, s.about+" (written by coder/hnsw through the Go Persistor)", b.Body))
	}
	for _, s := range goFindings() {
		b, err := get(s, "n_"+s.name+".lhv1")
		if err != nil {
			return fmt.Errorf("build %s: %w", s.name, err)
		}
		goldens = append(goldens, no(s.name, "graph-dangling-neighbor", s.about, b.Body))
	}
	goldens = append(goldens, derived(bases)...)
	sort.Slice(goldens, func(i, j int) bool { return goldens[i].File < goldens[j].File })
	for i := 1; i < len(goldens); i++ {
		if goldens[i].File == goldens[i-1].File {
			return fmt.Errorf("two goldens named %s", goldens[i].File)
		}
	}

	objects, expected := filepath.Join(out, "objects"), filepath.Join(out, "expected")
	for _, d := range []string{objects, expected} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var rows []string
	for i, g := range goldens {
		path := filepath.Join(objects, g.File)
		if err := os.WriteFile(path, g.Body, 0o644); err != nil {
			return err
		}
		stem := strings.TrimSuffix(g.File, ".lhv1")
		dumpPath := ""
		if g.Verdict == "ok" {
			dumpPath = filepath.Join(expected, stem+".dump")
		}
		r, err := runChild(self, path, objectName(g.File), dumpPath)
		if err != nil {
			return err
		}
		dumpCol := "-"
		if dumpPath != "" {
			if _, err := os.Stat(dumpPath); err == nil {
				dumpCol = "expected/" + stem + ".dump"
			}
		}
		if strings.HasPrefix(g.File, "y_") && r.Go != "ok" {
			return fmt.Errorf("%s: a positive that Go does not load: %s %s", g.File, r.Go, r.Message)
		}
		sum := sha256.Sum256(g.Body)
		rows = append(rows, strings.Join([]string{g.File, hex.EncodeToString(sum[:]), g.Verdict, g.Reason,
			r.Go, cell(r.Message), dumpCol, cell(g.About)}, "\t"))
		fmt.Fprintf(os.Stderr, "[%3d/%d] %-58s %-13s go %s\n", i+1, len(goldens), g.File, g.Verdict, r.Go)
	}
	manifest := "# file\tsha256\tverdict\treason\tgo\tgo_message\tdump\tabout\n" + strings.Join(rows, "\n") + "\n"
	return os.WriteFile(filepath.Join(out, "MANIFEST.tsv"), []byte(manifest), 0o644)
}

// cell keeps a manifest field on one line and one column.
func cell(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	if s == "" {
		return "-"
	}
	return s
}
