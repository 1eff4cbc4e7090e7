package campaign

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/lhv1/harness/go/lhv1test"
	s3stores "github.com/lhv1/harness/go/s3stores"
	"github.com/lhv1/harness/golden/gen/model"
)

// Serve is the backend for `lhv1 serve` at base (http://127.0.0.1:PORT):
// the faults act below the client, on the wire. Each case resets the
// server (store, history, rule counters, log), creates the bucket through
// the client, and arms the planned fault as an admin-API rule matching
// every key: the rule's nth counts the operations of the kind's type, as
// the fault store does. A seeded mix has no rule equivalent (the server
// draws per rule, not per operation) and is refused.
func Serve(base string, open func(s3stores.Options) (s3stores.Store, error)) Backend {
	var n atomic.Int64
	return func(ctx context.Context, cfg lhv1test.Config) (model.Store, Injector, func(), error) {
		if cfg.RatePPM != 0 {
			return nil, nil, nil, fmt.Errorf("lhv1 serve: a seeded mix is not available over HTTP")
		}
		if err := admin(ctx, "DELETE", base+"/_lhv1/rules", nil, nil); err != nil {
			return nil, nil, nil, err
		}
		if err := admin(ctx, "POST", base+"/_lhv1/reset", nil, nil); err != nil {
			return nil, nil, nil, err
		}
		s, err := open(s3stores.Options{Endpoint: base, Bucket: fmt.Sprintf("case-%07d", n.Add(1)), AccessKey: "k", SecretKey: "s", NotFound: ModelNotFound})
		if err == nil {
			err = s.CreateBucket(ctx)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		for _, f := range cfg.Plan {
			if err := admin(ctx, "POST", base+"/_lhv1/rules", rule(f), nil); err != nil {
				return nil, nil, nil, fmt.Errorf("arming %s: %w", f, err)
			}
		}
		return s, &serveInjector{ctx: ctx, base: base}, func() {}, nil
	}
}

// rule is the admin-API rule of a planned fault (docs/FAULTS.md, Rules).
func rule(f lhv1test.Fault) map[string]any {
	r := map[string]any{"kind": f.Kind.String(), "key": "*", "nth": f.Nth, "persistent": f.Persistent}
	switch f.Kind {
	case lhv1test.PutTornPrefix, lhv1test.PutTornOverOld:
		r["cut"] = f.Cut
		r["reply"] = 503
		if f.Ack {
			r["reply"] = 200
		}
	case lhv1test.GetBitFlip:
		r["bit"] = f.Bit
	case lhv1test.GetStale, lhv1test.ListStale:
		r["lag"] = max(f.Lag, 1)
	}
	return r
}

func admin(ctx context.Context, method, url string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

type serveInjector struct {
	ctx   context.Context
	base  string
	rules []struct {
		Kind  string `json:"kind"`
		Fired uint64 `json:"fired"`
	}
	loaded bool
}

// Fired reads the rules' counters once, after the workload.
func (s *serveInjector) Fired(k lhv1test.Kind) uint64 {
	if !s.loaded {
		s.loaded = true
		admin(s.ctx, "GET", s.base+"/_lhv1/rules", nil, &s.rules) // an array; on error nothing fired
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
	req, err := http.NewRequestWithContext(s.ctx, "GET", s.base+"/_lhv1/log", nil)
	if err != nil {
		return err.Error()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
