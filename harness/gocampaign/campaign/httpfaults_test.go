package campaign

import (
	"context"
	"testing"

	"github.com/lhv1/harness/go/lhv1campaign"
	"github.com/lhv1/harness/go/lhv1test"
)

// What each client makes of the faults only HTTP has, seen through the
// Go model's Persistor: alpha is saved, the rule is armed, then alpha is
// saved again (Put faults) or loaded (Get faults) and the load judged as
// the campaign does. Safety properties asserted for both clients: a body
// cut short of its Content-Length is never loaded (the client reports
// it), a 404 with another code than NoSuchKey is never "missing", nothing
// is SILENT-WRONG. The table is logged (docs/FAULT-RESULTS.md quotes it).
func TestHTTPOnlyFaultsThroughPersistor(t *testing.T) {
	srv := startServe(t)
	contents, err := lhv1campaign.Workload()
	if err != nil {
		t.Fatal(err)
	}
	a1, a2 := contents[0], contents[1]
	cases := []struct {
		name, rule string
		put        bool
		must       []Outcome // allowed outcomes
	}{
		{"get body cut at 100 B, persistent", `{"kind":"http-body-cut","op":"get","key":"*/_vectors/alpha.lhv1","cut":100,"persistent":true}`, false, []Outcome{lhv1test.StoreError}},
		{"get body cut at 100 B, once", `{"kind":"http-body-cut","op":"get","key":"*/_vectors/alpha.lhv1","cut":100}`, false, []Outcome{lhv1test.StoreError, lhv1test.Latest}},
		{"get reset before the status, once", `{"kind":"http-reset","op":"get","key":"*/_vectors/alpha.lhv1"}`, false, []Outcome{lhv1test.StoreError, lhv1test.Latest}},
		{"get reset before the status, persistent", `{"kind":"http-reset","op":"get","key":"*/_vectors/alpha.lhv1","persistent":true}`, false, []Outcome{lhv1test.StoreError}},
		{"get 404 NoSuchBucket, persistent", `{"kind":"http-404-code","op":"get","key":"*/_vectors/alpha.lhv1","persistent":true}`, false, []Outcome{lhv1test.StoreError}},
		{"get 503 SlowDown, once", `{"kind":"http-slowdown","op":"get","key":"*/_vectors/alpha.lhv1","retry_after":0}`, false, []Outcome{lhv1test.StoreError, lhv1test.Latest}},
		{"put reset after the write (ambiguous), once", `{"kind":"http-reset","op":"put","key":"*/_vectors/alpha.lhv1","done":true}`, true, []Outcome{lhv1test.Latest, lhv1test.InFlight}},
		{"put 503 SlowDown, once", `{"kind":"http-slowdown","op":"put","key":"*/_vectors/alpha.lhv1","retry_after":0}`, true, []Outcome{lhv1test.Latest}},
	}
	clients := []string{"aws-sdk-go-v2", "minio-go"}
	ctx := context.Background()
	save := func(p lhv1test.Persistor, c lhv1campaign.Content) error {
		return p.Save(ctx, lhv1test.Index{Name: c.Index, Envelope: c.Envelope, Graph: c.Graph})
	}
	table := "| HTTP fault | aws-sdk-go-v2 | minio-go |\n| --- | --- | --- |\n"
	for _, c := range cases {
		row := "| " + c.name + " |"
		for _, client := range clients {
			backend := Serve(srv, openers[client])
			store, _, release, err := backend(ctx, lhv1test.Config{NotFound: goModel.NotFound})
			if err != nil {
				t.Fatal(err)
			}
			var failed bool
			watched := watchGets{Store: store, failed: &failed}
			p := goModel.New(lhv1test.CountGuard(watched))
			if err := save(p, a1); err != nil {
				t.Fatal(err)
			}
			if err := srv.Admin.AddRulesJSON(ctx, []byte(c.rule)); err != nil {
				t.Fatal(err)
			}
			states := []lhv1test.KnownState{{Generation: 1, Role: lhv1test.RoleAcked, Dump: a1.Dump}, {Generation: 2, Role: lhv1test.RoleOlder, Dump: a2.Dump}}
			saveErr := ""
			if c.put {
				if err := save(p, a2); err == nil {
					states[0].Role, states[1].Role = lhv1test.RoleOlder, lhv1test.RoleAcked
				} else {
					states[1].Role = lhv1test.RoleInFlight
					saveErr = "save: " + err.Error()
				}
				if rules, err := srv.Admin.Rules(ctx); err != nil || len(rules) != 1 || rules[0].Fired == 0 {
					t.Errorf("%s, %s: the rule did not fire (%+v, %v)", client, c.name, rules, err)
				}
				srv.Admin.ClearRules(ctx)
			}
			res, panicked := lhv1test.LoadOnce(ctx, p, "alpha")
			res.StoreFailed = failed
			out, detail := lhv1test.JudgeLoad("alpha", res, states)
			rules, err := srv.Admin.Rules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !c.put && (len(rules) != 1 || rules[0].Fired == 0) {
				t.Errorf("%s, %s: the rule did not fire (%+v)", client, c.name, rules)
			}
			release()
			if panicked {
				t.Errorf("%s, %s: Load panicked: %s", client, c.name, detail)
			}
			allowed := false
			for _, m := range c.must {
				allowed = allowed || out == m
			}
			if !allowed {
				t.Errorf("%s, %s: %s (%s %s), want one of %v", client, c.name, out, saveErr, detail, c.must)
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

// watchGets notes whether the last Get failed (a store error, as the
// campaign tells one apart).
type watchGets struct {
	lhv1test.Store
	failed *bool
}

func (w watchGets) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := w.Store.Get(ctx, key)
	*w.failed = err != nil
	return b, err
}
