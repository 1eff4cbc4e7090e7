package s3stores

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/lhv1/harness/go/lhv1test"
)

const testBucket = "lhv1-test"

// fakeS3 starts gofakes3 (in-memory backend) on a loopback port for the
// test and returns its base URL.
func fakeS3(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	return srv.URL
}

// stub serves every request with one canned reply, for the error mapping.
func stub(t testing.TB, status int, code, message string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + code +
				`</Code><Message>` + message + `</Message><Resource>/b/k</Resource><RequestId>1</RequestId></Error>`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type maker func(Options) (Store, error)

var clients = map[string]maker{
	"aws":   func(o Options) (Store, error) { return NewAWS(o) },
	"minio": func(o Options) (Store, error) { return NewMinio(o) },
}

// errTeam is a team's typed not-found, as upstream's
// storeclient.ErrKeyNotFound: the stores under test are given it.
var errTeam = errors.New("storeclient: key not found")

func open(t testing.TB, mk maker, endpoint, bucket string) Store {
	t.Helper()
	s, err := mk(Options{Endpoint: endpoint, Bucket: bucket, AccessKey: "test", SecretKey: "testsecret",
		NotFound: lhv1test.NotFoundWrapping(errTeam)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bucketStore(t testing.TB, mk maker) Store {
	t.Helper()
	s := open(t, mk, fakeS3(t), testBucket)
	if err := s.CreateBucket(context.Background()); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return s
}
