package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// behaviour prints what Go's loader does with each file, one line each:
// "<file> TAB <ok|error|panic|fatal> TAB <message>", each load in its own
// child process. The object is loaded as the name between a y_/n_/i_ prefix
// and ".lhv1" when it has one, else as its file name without extension.
// For differential runs against lhv1_predict_go (lhv1 verify --json), and
// for the frozen archives (golden/archive/): with dumpDir set, each object
// that loads is dumped to dumpDir/<file name without extension>.dump.
func behaviour(files []string, dumpDir string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".lhv1")
		if len(base) > 2 && base[1] == '_' && strings.ContainsRune("yni", rune(base[0])) {
			base = base[2:]
		}
		if base == "" || strings.ContainsAny(base, "/\\") {
			base = "object"
		}
		dumpPath := ""
		if dumpDir != "" {
			dumpPath = filepath.Join(dumpDir, strings.TrimSuffix(filepath.Base(f), ".lhv1")+".dump")
		}
		r, err := runChild(self, f, base, dumpPath)
		if err != nil {
			return err
		}
		fmt.Printf("%s\t%s\t%s\n", f, r.Go, cell(r.Message))
	}
	return nil
}
