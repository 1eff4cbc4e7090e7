package s3faults

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/lhv1/harness/go/lhv1serve"
	"github.com/lhv1/harness/go/lhv1test"
	"github.com/lhv1/harness/go/s3stores"

	"github.com/lhv1/harness/examples/vectord"
	"github.com/lhv1/harness/examples/vectord/internal/storeclient"
)

const bucket = "vectord"

// docsIndex is index "docs" holding the first n of five vectors: two
// saves of different sizes tell the versions apart by Len.
func docsIndex(t *testing.T, n int) *vectord.Index {
	t.Helper()
	idx, err := vectord.NewIndex(vectord.Params{Name: "docs", Dimension: 2, Distance: "euclidean", M: 4, EfSearch: 8})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range [][]float32{{0, 0}, {1, 0}, {0, 1}, {5, 5}, {9, 1}}[:n] {
		if err := idx.Add(string(rune('a'+i)), v, map[string]any{"i": float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	return idx
}

// What vectord's Persistor must do when S3 misbehaves on the wire. One
// server (signatures required) for the test; each case resets it, saves
// version 1 (3 vectors), arms its rules, saves version 2 (4 vectors) and
// loads. The client is aws-sdk-go-v2 with its default retries: a fault it
// retries past must be invisible.
func TestPersistorAgainstServer(t *testing.T) {
	srv := lhv1serve.Start(t, lhv1serve.Options{Auth: true})
	store, err := s3stores.NewAWS(s3stores.Options{Endpoint: srv.Endpoint, Bucket: bucket,
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region,
		NotFound: lhv1test.NotFoundWrapping(storeclient.ErrKeyNotFound)})
	if err != nil {
		t.Fatal(err)
	}
	p := vectord.NewPersistor(store)
	docs := "*/_vectors/docs.lhv1"
	for _, c := range []struct {
		name  string
		rules []lhv1serve.Rule
		save2 func(error) bool
		load  func(*vectord.Index, error) bool
		must  string
	}{
		{"never saved", nil, nil, missing,
			"S3's NoSuchKey reaches Load as storeclient.ErrKeyNotFound: the index is missing"},
		{"torn PUT acknowledged with 200", []lhv1serve.Rule{{Kind: "put-torn-prefix", Key: docs, Cut: 20, Reply: 200}}, isNil, badFormat,
			"the second Save succeeds and Load refuses the torn object as ErrBadFormat"},
		{"torn PUT answered 503, retried", []lhv1serve.Rule{{Kind: "put-torn-prefix", Key: docs, Cut: 20}}, isNil, version(4),
			"the client retries the 503 and the retry lands: Load gives version 2"},
		{"ambiguous 500 after the write, retried", []lhv1serve.Rule{{Kind: "put-fail-after", Key: docs}}, isNil, version(4),
			"the client retries the 500 and the retry lands: Load gives version 2"},
		{"503 SlowDown on GET, once", []lhv1serve.Rule{{Kind: "http-slowdown", Op: "get", Key: docs, RetryAfter: new(uint64)}}, isNil, version(4),
			"the client retries: Load gives version 2"},
		{"503 SlowDown on every GET", []lhv1serve.Rule{{Kind: "http-slowdown", Op: "get", Key: docs, Persistent: true, RetryAfter: new(uint64)}}, isNil, storeError,
			"Load fails with a store error, never ErrKeyMissing"},
		{"stale read", []lhv1serve.Rule{{Kind: "get-stale", Key: docs, Lag: 1}}, isNil, version(3),
			"Load gives the whole previous version, never a mixture"},
		{"404 NoSuchBucket on GET", []lhv1serve.Rule{{Kind: "http-404-code", Op: "get", Key: docs, Persistent: true}}, isNil, storeError,
			"a 404 that is not NoSuchKey is a store error, not a missing index"},
		{"GET body cut short", []lhv1serve.Rule{{Kind: "http-body-cut", Op: "get", Key: docs, Cut: 10, Persistent: true}}, isNil, storeError,
			"the client reports the short body: a store error, never a decode of 10 bytes"},
		{"500 whose body says key not found", []lhv1serve.Rule{{Kind: "get-fail-key-not-found-body", Key: docs, Persistent: true}}, isNil, storeError,
			"Load fails with a store error, not ErrKeyMissing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			if err := srv.Admin.ClearRules(ctx); err != nil {
				t.Fatal(err)
			}
			if err := srv.Admin.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			if err := store.CreateBucket(ctx); err != nil {
				t.Fatal(err)
			}
			var err2 error
			if c.save2 != nil {
				if err := p.Save(ctx, docsIndex(t, 3)); err != nil {
					t.Fatal(err)
				}
				if err := srv.Admin.AddRules(ctx, c.rules...); err != nil {
					t.Fatal(err)
				}
				err2 = p.Save(ctx, docsIndex(t, 4))
			}
			idx, err := p.Load(ctx, "docs")
			ok := (c.save2 == nil || c.save2(err2)) && c.load(idx, err)
			rules, rerr := srv.Admin.Rules(ctx)
			for _, r := range rules {
				ok = ok && r.Fired > 0
			}
			if !ok || rerr != nil {
				log, _ := srv.Admin.LogText(ctx)
				t.Errorf("want: %s\ngot: second Save %v; Load %s\nrules: %+v %v\ndecision log:\n%s",
					c.must, err2, describe(idx, err), rules, rerr, log)
			}
		})
	}
}

func isNil(err error) bool { return err == nil }

func badFormat(_ *vectord.Index, err error) bool { return errors.Is(err, vectord.ErrBadFormat) }
func missing(_ *vectord.Index, err error) bool   { return errors.Is(err, vectord.ErrKeyMissing) }

func storeError(_ *vectord.Index, err error) bool {
	return err != nil && !errors.Is(err, vectord.ErrKeyMissing) && !errors.Is(err, vectord.ErrBadFormat)
}

func version(n int) func(*vectord.Index, error) bool {
	return func(idx *vectord.Index, err error) bool { return err == nil && idx.Len() == n }
}

func describe(idx *vectord.Index, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("an index of %d vectors", idx.Len())
}
