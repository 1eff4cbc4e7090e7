package main

// Go's behaviour on one object is observed in a child process (this binary
// re-executed with -child-load): an unrecoverable "fatal error: out of
// memory" kills only the child, and the parent records it as `fatal`.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/lhv1/harness/golden/gen/addrspace"
	"github.com/lhv1/harness/golden/gen/dump"
	"github.com/lhv1/harness/golden/gen/model"
)

const childTimeout = 2 * time.Minute

type goResult struct {
	Go      string `json:"go"`      // ok | error | panic | fatal
	Message string `json:"message"` // the error, the panic's value, the fatal line
}

// childLoad is the child's side: load `file` stored as `name` through the
// Persistor over a directory store, print the outcome as one JSON line,
// and write the dump to dumpPath when the load succeeds.
func childLoad(file, name, dumpPath string) {
	if err := addrspace.Limit(addrspace.Headroom); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	body, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	dir, err := os.MkdirTemp("", "lhv1golden-store-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store := model.DirStore{Root: dir}
	if err := store.Put(ctx, model.FileKey(name), body); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	body = nil
	idx, res := loadRecovering(ctx, model.NewPersistor(store), name)
	if res.Go == "ok" && dumpPath != "" {
		d, err := dump.Index(idx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "child: dump:", err)
			os.Exit(3)
		}
		if err := os.WriteFile(dumpPath, d, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
	}
	json.NewEncoder(os.Stdout).Encode(res)
}

func loadRecovering(ctx context.Context, p *model.Persistor, name string) (idx *model.Index, res goResult) {
	defer func() {
		if r := recover(); r != nil {
			idx, res = nil, goResult{"panic", fmt.Sprint(r)}
		}
	}()
	idx, err := p.Load(ctx, name)
	if err != nil {
		return nil, goResult{"error", err.Error()}
	}
	return idx, goResult{"ok", ""}
}

// runChild is the parent's side. It returns Go's behaviour on `file`.
func runChild(self, file, name, dumpPath string) (goResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), childTimeout)
	defer cancel()
	args := []string{"-child-load", file, "-child-name", name}
	if dumpPath != "" {
		args = append(args, "-child-dump", dumpPath)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return goResult{}, fmt.Errorf("%s: Go's loader ran past %v", file, childTimeout)
	}
	if runErr == nil {
		var r goResult
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			return goResult{}, fmt.Errorf("%s: child said %q: %w", file, out.String(), err)
		}
		return r, nil
	}
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.HasPrefix(line, "fatal error: ") {
			return goResult{"fatal", line}, nil
		}
	}
	return goResult{}, fmt.Errorf("%s: child failed (%v): %s", file, runErr, errb.String())
}
