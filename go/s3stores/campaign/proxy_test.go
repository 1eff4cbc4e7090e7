package campaign

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	s3stores "lhv1s3"
)

// startProxy runs gofakes3 on a loopback port as the upstream and
// `lhv1 serve --upstream` in front of it; it returns both base URLs.
func startProxy(t *testing.T) (proxy, upstream string) {
	t.Helper()
	up := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(up.Close)
	return startServe(t, "--upstream", up.URL), up.URL
}

// The campaign through the proxy: the same rows and checks as against the
// built-in backend (every planned fault fires, the quiet rows match the
// Go model, the client's retry heals put-fail-after).
func TestCampaignThroughProxy(t *testing.T) {
	proxy, _ := startProxy(t)
	campaignThroughServe(t, proxy, "lhv1 serve --upstream gofakes3")
}

// The faults reach the upstream: an acknowledged torn PUT leaves the cut
// body on gofakes3, and a stale read through the proxy serves the version
// the proxy saw before while gofakes3 holds the newer one.
func TestProxyFaultsReachTheUpstream(t *testing.T) {
	proxy, upstream := startProxy(t)
	ctx := context.Background()
	o := s3stores.Options{Endpoint: proxy, Bucket: "proxied", AccessKey: "k", SecretKey: "s"}
	via, err := s3stores.NewAWS(o)
	if err != nil {
		t.Fatal(err)
	}
	o.Endpoint = upstream
	direct, err := s3stores.NewAWS(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := via.CreateBucket(ctx); err != nil {
		t.Fatal(err)
	}
	v1, v2 := bytes.Repeat([]byte("1"), 64), bytes.Repeat([]byte("2"), 64)
	for _, v := range [][]byte{v1, v2} {
		if err := via.Put(ctx, "k", v); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := direct.Get(ctx, "k"); err != nil || !bytes.Equal(got, v2) {
		t.Fatalf("upstream holds %q, %v; want the second version", got, err)
	}
	stale := map[string]any{"kind": "get-stale", "key": "*", "nth": 0, "lag": 1}
	if err := admin(ctx, "POST", proxy+"/_lhv1/rules", stale, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := via.Get(ctx, "k"); err != nil || !bytes.Equal(got, v1) {
		t.Fatalf("stale read through the proxy: %q, %v; want the first version", got, err)
	}
	torn := map[string]any{"kind": "put-torn-prefix", "key": "*", "nth": 0, "cut": 10, "reply": 200}
	if err := admin(ctx, "POST", proxy+"/_lhv1/rules", torn, nil); err != nil {
		t.Fatal(err)
	}
	if err := via.Put(ctx, "t", v2); err != nil {
		t.Fatalf("torn PUT acknowledged with 200: %v", err)
	}
	if got, err := direct.Get(ctx, "t"); err != nil || !bytes.Equal(got, v2[:10]) {
		t.Fatalf("upstream holds %q, %v; want the 10-byte cut", got, err)
	}
}
