package campaign

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/lhv1/harness/go/lhv1serve"
	s3stores "github.com/lhv1/harness/go/s3stores"
	"github.com/lhv1/harness/golden/gen/model"
)

// startProxy runs gofakes3 on a loopback port as the upstream and
// `lhv1 serve --upstream` in front of it; it returns the proxy and the
// upstream.
func startProxy(t *testing.T) (*lhv1serve.Server, *httptest.Server) {
	t.Helper()
	up := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(up.Close)
	return startServe(t, "--upstream", up.URL), up
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
	via, direct := proxiedPair(t, proxy, upstream.URL)
	v1, v2 := bytes.Repeat([]byte("1"), 64), bytes.Repeat([]byte("2"), 64)
	for _, v := range [][]byte{v1, v2} {
		if err := via.Put(ctx, "k", v); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := direct.Get(ctx, "k"); err != nil || !bytes.Equal(got, v2) {
		t.Fatalf("upstream holds %q, %v; want the second version", got, err)
	}
	if err := proxy.Admin.AddRules(ctx, lhv1serve.Rule{Kind: "get-stale", Key: "*", Lag: 1}); err != nil {
		t.Fatal(err)
	}
	if got, err := via.Get(ctx, "k"); err != nil || !bytes.Equal(got, v1) {
		t.Fatalf("stale read through the proxy: %q, %v; want the first version", got, err)
	}
	if err := proxy.Admin.AddRules(ctx, lhv1serve.Rule{Kind: "put-torn-prefix", Key: "*", Cut: 10, Reply: 200}); err != nil {
		t.Fatal(err)
	}
	if err := via.Put(ctx, "t", v2); err != nil {
		t.Fatalf("torn PUT acknowledged with 200: %v", err)
	}
	if got, err := direct.Get(ctx, "t"); err != nil || !bytes.Equal(got, v2[:10]) {
		t.Fatalf("upstream holds %q, %v; want the 10-byte cut", got, err)
	}
}

// proxiedPair opens bucket "proxied" through the proxy (creating it) and
// directly on the upstream.
func proxiedPair(t *testing.T, proxy *lhv1serve.Server, upstream string) (via, direct s3stores.Store) {
	t.Helper()
	o := s3stores.Options{Endpoint: proxy.Endpoint, Bucket: "proxied", AccessKey: proxy.AccessKey, SecretKey: proxy.SecretKey,
		NotFound: ModelNotFound}
	via, err := s3stores.NewAWS(o)
	if err != nil {
		t.Fatal(err)
	}
	o.Endpoint = upstream
	if direct, err = s3stores.NewAWS(o); err != nil {
		t.Fatal(err)
	}
	if err := via.CreateBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return via, direct
}

// Only the upstream's NoSuchKey is a not-found through the proxy: an
// upstream that is gone is an error of another kind, never a missing key
// (the distinction the persistor's Load depends on).
func TestProxyUpstreamFailureIsNotNotFound(t *testing.T) {
	proxy, upstream := startProxy(t)
	ctx := context.Background()
	via, direct := proxiedPair(t, proxy, upstream.URL)
	if err := via.Put(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := direct.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := via.Get(ctx, "k"); !errors.Is(err, model.ErrKeyNotFound) {
		t.Fatalf("deleted on the upstream, Get through the proxy: %v; want ErrKeyNotFound", err)
	}
	upstream.Close()
	if _, err := via.Get(ctx, "k"); err == nil || errors.Is(err, model.ErrKeyNotFound) {
		t.Fatalf("upstream gone, Get through the proxy: %v; want an error other than ErrKeyNotFound", err)
	}
}

// An unreachable upstream stops the proxy at start with the reason (the
// failed ListBuckets).
func TestProxyRefusesAnUnreachableUpstream(t *testing.T) {
	bin := os.Getenv("LHV1_BIN")
	if bin == "" {
		t.Skip("LHV1_BIN not set (ctest go_campaign_proxy sets it)")
	}
	up := httptest.NewServer(nil)
	up.Close() // a loopback port nothing listens on
	out, err := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--upstream", up.URL).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "upstream GET /: ") {
		t.Fatalf("lhv1 serve --upstream %s: %v, %q; want exit status 2 and the failed ListBuckets", up.URL, err, out)
	}
}

// Bucket names from the upstream are untrusted: a name outside the
// server's rule (here XML markup and an entity) is left out of the
// proxy's ListBuckets, a valid one is kept.
func TestProxyDropsBadUpstreamBucketNames(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets>`+
			`<Bucket><Name>a&amp;b</Name></Bucket><Bucket><Name>x</Bucket></Name><Bucket><Name>good-one</Name></Bucket>`+
			`</Buckets></ListAllMyBucketsResult>`)
	}))
	t.Cleanup(up.Close)
	proxy := startServe(t, "--upstream", up.URL)
	resp, err := http.Get(proxy.Endpoint + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || strings.Count(string(b), "<Name>") != 1 || !strings.Contains(string(b), "<Name>good-one</Name>") {
		t.Fatalf("ListBuckets through the proxy: %d %s; want only good-one", resp.StatusCode, b)
	}
}
