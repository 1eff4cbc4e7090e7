package campaign

import (
	"context"
	"testing"

	"github.com/lhv1/harness/go/lhv1test"
	s3stores "github.com/lhv1/harness/go/s3stores"
	"github.com/lhv1/harness/golden/gen/model"
)

// What each client makes of the faults only HTTP has, seen through the
// Persistor: alpha is saved, the rule is armed, then alpha is saved again
// (Put faults) or loaded (Get faults) and the load classified as the
// campaign does. Safety properties asserted for both clients: a body cut
// short of its Content-Length is never loaded (the client reports it), a
// 404 with another code than NoSuchKey is never "missing", nothing is
// SILENT-WRONG. The table is logged (docs/FAULTS.md quotes it).
func TestHTTPOnlyFaultsThroughPersistor(t *testing.T) {
	srv := startServe(t)
	w, err := buildWorkload()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, rule string
		put        bool
		must       []Outcome // allowed outcomes
	}{
		{"get body cut at 100 B, persistent", `{"kind":"http-body-cut","op":"get","key":"*/_vectors/alpha.lhv1","cut":100,"persistent":true}`, false, []Outcome{StoreError}},
		{"get body cut at 100 B, once", `{"kind":"http-body-cut","op":"get","key":"*/_vectors/alpha.lhv1","cut":100}`, false, []Outcome{StoreError, Latest}},
		{"get reset before the status, once", `{"kind":"http-reset","op":"get","key":"*/_vectors/alpha.lhv1"}`, false, []Outcome{StoreError, Latest}},
		{"get reset before the status, persistent", `{"kind":"http-reset","op":"get","key":"*/_vectors/alpha.lhv1","persistent":true}`, false, []Outcome{StoreError}},
		{"get 404 NoSuchBucket, persistent", `{"kind":"http-404-code","op":"get","key":"*/_vectors/alpha.lhv1","persistent":true}`, false, []Outcome{StoreError}},
		{"get 503 SlowDown, once", `{"kind":"http-slowdown","op":"get","key":"*/_vectors/alpha.lhv1","retry_after":0}`, false, []Outcome{StoreError, Latest}},
		{"put reset after the write (ambiguous), once", `{"kind":"http-reset","op":"put","key":"*/_vectors/alpha.lhv1","done":true}`, true, []Outcome{Latest, InFlight}},
		{"put 503 SlowDown, once", `{"kind":"http-slowdown","op":"put","key":"*/_vectors/alpha.lhv1","retry_after":0}`, true, []Outcome{Latest}},
	}
	clients := []struct {
		name string
		open func(s3stores.Options) (s3stores.Store, error)
	}{
		{"aws-sdk-go-v2", func(so s3stores.Options) (s3stores.Store, error) { return s3stores.NewAWS(so) }},
		{"minio-go", func(so s3stores.Options) (s3stores.Store, error) { return s3stores.NewMinio(so) }},
	}
	ctx := context.Background()
	rn := &runner{w: w, ctx: ctx}
	table := "| HTTP fault | aws-sdk-go-v2 | minio-go |\n| --- | --- | --- |\n"
	for _, c := range cases {
		row := "| " + c.name + " |"
		for _, cl := range clients {
			backend := Serve(srv, cl.open)
			store, _, release, err := backend(ctx, lhv1test.Config{})
			if err != nil {
				t.Fatal(err)
			}
			key := model.FileKey("alpha")
			if err := store.Put(ctx, key, w.contents[a1].body); err != nil {
				t.Fatal(err)
			}
			if err := srv.Admin.AddRulesJSON(ctx, []byte(c.rule)); err != nil {
				t.Fatal(err)
			}
			state := nameState{acked: a1}
			saveErr := ""
			if c.put {
				if err := store.Put(ctx, key, w.contents[a2].body); err == nil {
					state.acked = a2
				} else {
					state.inflight = append(state.inflight, a2)
					saveErr = "save: " + err.Error()
				}
				if rules, err := srv.Admin.Rules(ctx); err != nil || len(rules) != 1 || rules[0].Fired == 0 {
					t.Errorf("%s, %s: the rule did not fire (%+v, %v)", cl.name, c.name, rules, err)
				}
				srv.Admin.ClearRules(ctx)
			}
			idx, err, panicked := load(ctx, model.NewPersistor(&guard{Store: store}), "alpha")
			out, detail := rn.classify("alpha", &state, idx, err)
			rules, err := srv.Admin.Rules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !c.put && (len(rules) != 1 || rules[0].Fired == 0) {
				t.Errorf("%s, %s: the rule did not fire (%+v)", cl.name, c.name, rules)
			}
			release()
			if panicked {
				t.Errorf("%s, %s: Load panicked: %s", cl.name, c.name, detail)
			}
			allowed := false
			for _, m := range c.must {
				allowed = allowed || out == m
			}
			if !allowed {
				t.Errorf("%s, %s: %s (%s %s), want one of %v", cl.name, c.name, out, saveErr, detail, c.must)
			}
			cell := out.String()
			if saveErr != "" {
				cell += " (save failed)"
			}
			row += " " + cell + " |"
		}
		table += row + "\n"
	}
	t.Log("\n" + table)
}
