package modelstores

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/lhv1/harness/go/lhv1test"
	"github.com/lhv1/harness/go/s3stores"
	"github.com/lhv1/harness/golden/gen/model"
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

type maker func(s3stores.Options) (s3stores.Store, error)

var clients = map[string]maker{
	"aws":   func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewAWS(o) },
	"minio": func(o s3stores.Options) (s3stores.Store, error) { return s3stores.NewMinio(o) },
}

func eachClient(t *testing.T, f func(t *testing.T, mk maker)) {
	for _, name := range []string{"aws", "minio"} {
		t.Run(name, func(t *testing.T) { f(t, clients[name]) })
	}
}

// open is a store whose NoSuchKey is the model's typed not-found, the one
// its Persistor turns into ErrKeyMissing.
func open(t testing.TB, mk maker, endpoint, bucket string) s3stores.Store {
	t.Helper()
	s, err := mk(s3stores.Options{Endpoint: endpoint, Bucket: bucket, AccessKey: "test", SecretKey: "testsecret",
		NotFound: lhv1test.NotFoundWrapping(model.ErrKeyNotFound)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bucketStore(t testing.TB, mk maker) s3stores.Store {
	t.Helper()
	s := open(t, mk, fakeS3(t), testBucket)
	if err := s.CreateBucket(context.Background()); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return s
}
