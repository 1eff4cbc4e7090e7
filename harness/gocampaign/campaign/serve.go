package campaign

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/lhv1/harness/go/lhv1serve"
	"github.com/lhv1/harness/go/lhv1test"
	s3stores "github.com/lhv1/harness/go/s3stores"
	"github.com/lhv1/harness/golden/gen/model"
)

// Serve is the backend for a running `lhv1 serve`: the faults act below
// the client, on the wire. Each case resets the server (store, history,
// rule counters, log), creates the bucket through the client, and arms
// the planned fault as an admin-API rule matching every key: the rule's
// nth counts the operations of the kind's type, as the fault store does.
// A seeded mix has no rule equivalent (the server draws per rule, not per
// operation) and is refused.
func Serve(srv *lhv1serve.Server, open func(s3stores.Options) (s3stores.Store, error)) Backend {
	var n atomic.Int64
	return func(ctx context.Context, cfg lhv1test.Config) (model.Store, Injector, func(), error) {
		if cfg.RatePPM != 0 {
			return nil, nil, nil, fmt.Errorf("lhv1 serve: a seeded mix is not available over HTTP")
		}
		if err := srv.Admin.ClearRules(ctx); err != nil {
			return nil, nil, nil, err
		}
		if err := srv.Admin.Reset(ctx); err != nil {
			return nil, nil, nil, err
		}
		s, err := open(s3stores.Options{Endpoint: srv.Endpoint, Bucket: fmt.Sprintf("case-%07d", n.Add(1)),
			AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, NotFound: ModelNotFound})
		if err == nil {
			err = s.CreateBucket(ctx)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		for _, f := range cfg.Plan {
			if err := srv.Admin.AddRules(ctx, lhv1serve.RuleFor(f, "*")); err != nil {
				return nil, nil, nil, fmt.Errorf("arming %s: %w", f, err)
			}
		}
		return s, &serveInjector{ctx: ctx, admin: srv.Admin}, func() {}, nil
	}
}

type serveInjector struct {
	ctx    context.Context
	admin  *lhv1serve.Admin
	rules  []lhv1serve.RuleState
	loaded bool
}

// Fired reads the rules' counters once, after the workload.
func (s *serveInjector) Fired(k lhv1test.Kind) uint64 {
	if !s.loaded {
		s.loaded = true
		s.rules, _ = s.admin.Rules(s.ctx) // on error nothing fired
	}
	var n uint64
	for _, r := range s.rules {
		if r.Kind == k.String() {
			n += r.Fired
		}
	}
	return n
}

func (s *serveInjector) Log() string {
	text, err := s.admin.LogText(s.ctx)
	if err != nil {
		return err.Error()
	}
	return text
}
