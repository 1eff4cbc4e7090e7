package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/model"
)

// dumpAll is the reverse direction: objects another writer (liblhv1) put in
// a directory store are listed and loaded through the Go Persistor, and
// each is dumped to out/<name>.dump. Any index Go cannot load is an error.
func dumpAll(storeDir, out string) error {
	ctx := context.Background()
	p := model.NewPersistor(model.DirStore{Root: storeDir})
	names, err := p.List(ctx)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("no index in %s", storeDir)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	failed := 0
	for _, name := range names {
		idx, res := loadRecovering(ctx, p, name)
		if res.Go != "ok" {
			fmt.Fprintf(os.Stderr, "%s: Go %s: %s\n", name, res.Go, res.Message)
			failed++
			continue
		}
		d, err := dump.Index(idx)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".dump"), d, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "dumped %d of %d indexes\n", len(names)-failed, len(names))
	if failed > 0 {
		return fmt.Errorf("%d indexes did not load", failed)
	}
	return nil
}
