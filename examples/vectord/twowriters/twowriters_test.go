package twowriters

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/lhv1/harness/go/lhv1serve"

	"github.com/lhv1/harness/examples/vectord"
	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

// TestTwoWriters plays every plan under every mode against lhv1 serve
// (memory backend, signatures required) through aws-sdk-go-v2, and holds
// the table to what it must show: the plain persistor loses an update in
// each racy plan and in no other; the conditional one never loses one and
// reports a conflict in each racy plan instead; with a retry after reload
// every writer's additions are kept. With $LHV1_REPORT_DIR set the table
// is written there as two-writers.md and two-writers.json.
func TestTwoWriters(t *testing.T) {
	srv := lhv1serve.Start(t, lhv1serve.Options{Auth: true})
	cfg := storeclient.S3Config{Endpoint: srv.Endpoint, Bucket: "vectord",
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region}
	ctx := context.Background()
	newPersistence := func(m Mode) Persistence {
		s := storeclient.NewS3(cfg)
		if m == Plain {
			return vectord.NewPersistor(s)
		}
		return vectord.NewConditionalPersistor(s)
	}
	reset := func() error {
		if err := srv.Admin.Reset(ctx); err != nil {
			return err
		}
		return storeclient.NewS3(cfg).CreateBucket(ctx)
	}
	var rows []Row
	for _, plan := range Plans {
		row := Row{Plan: plan.Name, Steps: strings.Join(plan.Steps, " "), Create: plan.Create, Racy: plan.Racy,
			Results: map[Mode]Result{}}
		for _, mode := range Modes {
			res, err := Run(ctx, plan, mode, newPersistence, reset)
			if err != nil {
				t.Fatalf("%s, %s: %v", plan.Name, mode, err)
			}
			row.Results[mode] = res
			if msg := judge(plan, mode, res); msg != "" {
				t.Errorf("%s (%s), %s persistor: %s; got %s (%+v)", plan.Name, row.Steps, mode, msg, res.Verdict(), res)
			}
		}
		rows = append(rows, row)
	}
	t.Log("\n" + Markdown(rows))
	if dir := os.Getenv("LHV1_REPORT_DIR"); dir != "" {
		if err := WriteReport(dir, rows); err != nil {
			t.Fatal(err)
		}
	}
}

// judge says what is wrong with res ("" when nothing is).
func judge(plan Plan, mode Mode, res Result) string {
	switch {
	case mode == Plain && plan.Racy && !res.LostUpdate():
		return "the plain persistor must lose an update here (the workload no longer races)"
	case mode != Plain && res.LostUpdate():
		return "an acknowledged Save's additions vanished: a lost update"
	case mode == Conditional && plan.Racy && len(res.Conflicts) == 0:
		return "a conflict must be reported"
	case mode == Conditional && plan.Racy && len(res.Unsaved) == 0:
		return "the conflicting writer's additions must be reported unsaved"
	case mode == Retry && (len(res.Unsaved) > 0 || len(res.Final) != len(res.Acknowledged)):
		return "after retrying, every writer's additions must be in the final object"
	case !plan.Racy && (res.LostUpdate() || len(res.Conflicts) > 0 || len(res.Unsaved) > 0):
		return "nothing races here: all must be kept, no conflict"
	}
	return ""
}
