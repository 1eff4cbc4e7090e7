package lhv1test

import (
	"context"
	"strings"
	"testing"
)

// A Save's contract as the audit holds it: one Put, and nil only when it
// landed. Each broken Save below is a real persistor bug.
func TestSaveAuditReportsBrokenSaves(t *testing.T) {
	body := []byte("LHV1 whole object")
	for _, c := range []struct {
		name string
		plan string
		save func(ctx context.Context, s Store) error
		want string // "" : no problem
	}{
		{"one Put", "", func(ctx context.Context, s Store) error { return s.Put(ctx, key, body) }, ""},
		{"a failed Put reported", "put-fail-before nth=0", func(ctx context.Context, s Store) error { return s.Put(ctx, key, body) }, ""},
		{"a failed Put swallowed", "put-fail-before nth=0", func(ctx context.Context, s Store) error { _ = s.Put(ctx, key, body); return nil },
			"returned nil while its Put failed"},
		{"no Put", "", func(context.Context, Store) error { return nil }, "returned nil without a Put"},
		{"envelope first, then the whole object", "", func(ctx context.Context, s Store) error {
			if err := s.Put(ctx, key, body[:4]); err != nil {
				return err
			}
			return s.Put(ctx, key, body)
		}, "Save wrote 2 times"},
		{"two writes, the second failing", "put-fail-before nth=1", func(ctx context.Context, s Store) error {
			_ = s.Put(ctx, key, body[:4])
			return s.Put(ctx, key, body)
		}, "Save wrote 2 times"},
		{"a retry of the same body", "put-fail-before nth=0", func(ctx context.Context, s Store) error {
			if err := s.Put(ctx, key, body); err == nil {
				return nil
			}
			return s.Put(ctx, key, body)
		}, ""},
		{"a retry that fails too, swallowed", "put-fail-before nth=0 persistent", func(ctx context.Context, s Store) error {
			_ = s.Put(ctx, key, body)
			_ = s.Put(ctx, key, body)
			return nil
		}, "returned nil while its Put failed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			plan, err := ParsePlan(c.plan)
			if err != nil {
				t.Fatal(err)
			}
			a := NewSaveAudit(NewFaultStore(NewMemStore(), Config{Plan: plan}))
			r := a.Save(func() error { return c.save(ctx, a) })
			if (c.want == "") != (r.Problem == "") || !strings.Contains(r.Problem, c.want) {
				t.Fatalf("problem %q, want %q", r.Problem, c.want)
			}
		})
	}
}
