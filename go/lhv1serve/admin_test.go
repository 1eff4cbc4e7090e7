package lhv1serve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lhv1/harness/go/lhv1test"
)

var ctx = context.Background()

// s3 sends one path-style S3 request to the server, signed with its
// credentials unless unsigned, and returns the status and body.
func s3(t *testing.T, s *Server, method, path string, body []byte, unsigned bool) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, s.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if !unsigned {
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", hash)
		if err := s.Admin.signer.SignHTTP(ctx, s.Admin.creds, req, hash, "s3", s.Region, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// Every admin call against a real server: a rule armed through the client
// fires on the S3 request it matches (an acknowledged torn PUT keeps 4
// bytes), shows in Rules with its counters and in the decision log; an
// invalid rule is refused with the server's reason; ClearRules empties
// the list; Reset empties the store.
func TestAdminAgainstServer(t *testing.T) {
	s := Start(t, Options{})
	a := s.Admin
	if code, b := s3(t, s, "PUT", "/bkt", nil, false); code != 200 {
		t.Fatalf("create bucket: %d %s", code, b)
	}
	torn := RuleFor(lhv1test.Fault{Kind: lhv1test.PutTornPrefix, Cut: 4, Ack: true}, "bkt/_vectors/*")
	if err := a.AddRules(ctx, torn); err != nil {
		t.Fatal(err)
	}
	if code, b := s3(t, s, "PUT", "/bkt/_vectors/a.lhv1", []byte("LHV1 whole object"), false); code != 200 {
		t.Fatalf("torn PUT acknowledged: %d %s", code, b)
	}
	if code, b := s3(t, s, "GET", "/bkt/_vectors/a.lhv1", nil, false); code != 200 || string(b) != "LHV1" {
		t.Fatalf("after the torn PUT: %d %q, want the 4-byte prefix", code, b)
	}
	rules, err := a.Rules(ctx)
	if err != nil || len(rules) != 1 {
		t.Fatalf("Rules = %+v, %v", rules, err)
	}
	if r := rules[0]; r.Rule != torn || r.Fired != 1 || r.Matches != 1 {
		t.Fatalf("rule state %+v, want %+v as written", r, torn)
	}
	if n, err := a.Fired(ctx, "put-torn-prefix"); n != 1 || err != nil {
		t.Fatalf("Fired = %d, %v", n, err)
	}
	log, err := a.Log(ctx)
	if err != nil || len(log) != 1 {
		t.Fatalf("Log = %+v, %v", log, err)
	}
	if e := log[0]; e.Op != "put" || e.Key != "bkt/_vectors/a.lhv1" || e.Kind != "put-torn-prefix" || e.Rule == nil || *e.Rule != rules[0].ID {
		t.Fatalf("log entry %+v", e)
	}

	err = a.AddRules(ctx, Rule{Kind: "get-bit-flop"})
	var ae *AdminError
	if !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(ae.Body, `unknown fault kind &quot;get-bit-flop&quot;`) {
		t.Fatalf("unknown kind: %v", err)
	}
	// A field the kind does not take, in the plan reader's words.
	_, planErr := lhv1test.ParseFault("put-lost cut=3")
	err = a.AddRules(ctx, Rule{Kind: "put-lost", Cut: 3})
	if !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(ae.Body, `put-lost does not take &quot;cut&quot;`) || planErr == nil {
		t.Fatalf("a field put-lost does not take: %v (the plan reader: %v)", err, planErr)
	}
	if err := a.AddRulesJSON(ctx, []byte(`[{"kind":"http-slowdown","op":"get","persistent":true}]`)); err != nil {
		t.Fatal(err)
	}
	if code, _ := s3(t, s, "GET", "/bkt/_vectors/a.lhv1", nil, false); code != 503 {
		t.Fatalf("GET under a persistent http-slowdown: %d", code)
	}
	if err := a.ClearRules(ctx); err != nil {
		t.Fatal(err)
	}
	if rules, err := a.Rules(ctx); err != nil || len(rules) != 0 {
		t.Fatalf("after ClearRules: %+v, %v", rules, err)
	}
	if err := a.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if code, b := s3(t, s, "GET", "/bkt/_vectors/a.lhv1", nil, false); code != 404 || !bytes.Contains(b, []byte("NoSuchBucket")) {
		t.Fatalf("after Reset: %d %s, want 404 NoSuchBucket", code, b)
	}
	if log, err := a.Log(ctx); err != nil || len(log) != 0 {
		t.Fatalf("log after Reset: %+v, %v", log, err)
	}
}

// Options.Rules are armed from the start; with Options.Auth the server
// refuses an unsigned S3 request and serves the returned credentials, and
// the admin client's signed calls are served.
func TestStartWithRulesAndAuth(t *testing.T) {
	s := Start(t, Options{Auth: true, Seed: 7, Rules: []Rule{
		{Kind: "get-fail", Key: "*/x", Persistent: true},
		{Kind: "http-404-code", Op: "get", Key: "*/y", Code: "NoSuchUpload"},
	}})
	rules, err := s.Admin.Rules(ctx)
	if err != nil || len(rules) != 2 || rules[0].Kind != "get-fail" || !rules[0].Persistent || rules[1].Kind != "http-404-code" {
		t.Fatalf("Rules = %+v, %v", rules, err)
	}
	if code, _ := s3(t, s, "PUT", "/bkt", nil, true); code != 403 {
		t.Fatalf("unsigned request under --auth: %d, want 403", code)
	}
	if code, b := s3(t, s, "PUT", "/bkt", nil, false); code != 200 {
		t.Fatalf("signed with the returned credentials: %d %s", code, b)
	}
	if code, b := s3(t, s, "GET", "/bkt/y", nil, false); code != 404 || !bytes.Contains(b, []byte("NoSuchUpload")) {
		t.Fatalf("armed http-404-code: %d %s", code, b)
	}
	if err := s.Admin.Reset(ctx); err != nil {
		t.Fatal(err)
	}
}

// RuleFor writes each planned fault as the rule that injects it on the
// wire.
func TestRuleFor(t *testing.T) {
	plan, err := lhv1test.ParsePlan("put-torn-over-old nth=2 cut=40 reply=200\nget-bit-flip nth=1 bit=77\nget-stale nth=0 lag=2\ndel-lost nth=3 persistent")
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{
		{Kind: "put-torn-over-old", Nth: 2, Cut: 40, Reply: 200},
		{Kind: "get-bit-flip", Nth: 1, Bit: 77},
		{Kind: "get-stale", Lag: 2},
		{Kind: "del-lost", Nth: 3, Persistent: true},
	}
	for i, f := range plan {
		if got := RuleFor(f, ""); got != want[i] {
			t.Errorf("RuleFor(%s) = %+v, want %+v", f, got, want[i])
		}
	}
}
