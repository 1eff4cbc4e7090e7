package s3stores

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/minio/minio-go/v7"

	"github.com/lhv1/harness/go/lhv1test"
)

func eachClient(t *testing.T, f func(t *testing.T, mk maker)) {
	for _, name := range []string{"aws", "minio"} {
		t.Run(name, func(t *testing.T) { f(t, clients[name]) })
	}
}

func TestPutGetDeleteRoundTrip(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		ctx := context.Background()
		s := bucketStore(t, mk)
		rng := rand.New(rand.NewSource(1))
		sizes := []int{0, 1, 8, 4095, 1 << 20}
		if s.Client() == "minio-go" {
			// gofakes3 answers MissingContentLength to minio-go's empty
			// PUT; the Persistor never writes fewer than 8 bytes.
			sizes = sizes[1:]
		}
		for _, n := range sizes {
			body := make([]byte, n)
			rng.Read(body)
			key := fmt.Sprintf("_vectors/size-%d.lhv1", n)
			if err := s.Put(ctx, key, body); err != nil {
				t.Fatalf("put %d B: %v", n, err)
			}
			got, err := s.Get(ctx, key)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("get %d B: %d B, %v", n, len(got), err)
			}
		}
		if err := s.Delete(ctx, "_vectors/size-8.lhv1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "_vectors/size-8.lhv1"); !errors.Is(err, errTeam) {
			t.Fatalf("get after delete: %v, want the team's not-found", err)
		}
		// Idempotent on a missing key, as the Persistor's Delete needs.
		if err := s.Delete(ctx, "_vectors/size-8.lhv1"); err != nil {
			t.Fatalf("delete of a missing key: %v", err)
		}
	})
}

func TestListPrefixAndPages(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		ctx := context.Background()
		s := bucketStore(t, mk)
		var want []string
		// More than one ListObjectsV2 page (1000 keys) to exercise the
		// continuation token.
		for i := 0; i < 1003; i++ {
			k := fmt.Sprintf("_vectors/i%04d.lhv1", i)
			want = append(want, k)
			if err := s.Put(ctx, k, []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Put(ctx, "other/x", []byte("x")); err != nil {
			t.Fatal(err)
		}
		got, err := s.List(ctx, "_vectors/")
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("listed %d keys, want %d (first %v)", len(got), len(want), got[:min(3, len(got))])
		}
	})
}

// S3's NoSuchKey is the team's typed not-found (Options.NotFound), with
// the client's own error still reachable; without Options.NotFound it is
// the harness's lhv1test.ErrKeyNotFound.
func TestNoSuchKeyIsTheTeamsNotFound(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		ctx := context.Background()
		endpoint := fakeS3(t)
		s := open(t, mk, endpoint, testBucket)
		if err := s.CreateBucket(ctx); err != nil {
			t.Fatal(err)
		}
		_, err := s.Get(ctx, "_vectors/never.lhv1")
		if !errors.Is(err, errTeam) || errors.Is(err, lhv1test.ErrKeyNotFound) {
			t.Fatalf("NoSuchKey: %v, want the team's not-found only", err)
		}
		if code := clientCode(err); code != "NoSuchKey" {
			t.Fatalf("the client's error is lost: %v (code %q)", err, code)
		}
		if !strings.Contains(err.Error(), "_vectors/never.lhv1") {
			t.Fatalf("%v does not name the key", err)
		}
		plain, err := mk(Options{Endpoint: endpoint, Bucket: testBucket, AccessKey: "test", SecretKey: "testsecret"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plain.Get(ctx, "_vectors/never.lhv1"); !errors.Is(err, lhv1test.ErrKeyNotFound) {
			t.Fatalf("NoSuchKey without Options.NotFound: %v, want lhv1test.ErrKeyNotFound", err)
		}
	})
}

// clientCode is the S3 error code the client reported, found through the
// store's error.
func clientCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	var mr minio.ErrorResponse
	if errors.As(err, &mr) {
		return mr.Code
	}
	return ""
}

// Only S3's NoSuchKey is the typed not-found. NoSuchBucket (also a 404),
// a 404 with another code, and a 5xx whose message says "key not found"
// are store errors, so a Persistor never turns them into a missing index.
func TestOnlyNoSuchKeyIsNotFound(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		ctx := context.Background()
		notFound := func(err error) bool { return errors.Is(err, errTeam) || errors.Is(err, lhv1test.ErrKeyNotFound) }
		noBucket := open(t, mk, fakeS3(t), "no-such-bucket")
		if _, err := noBucket.Get(ctx, "_vectors/x.lhv1"); err == nil || notFound(err) {
			t.Fatalf("NoSuchBucket mapped to not-found: %v", err)
		}
		other404 := open(t, mk, stub(t, 404, "NoSuchUpload", "not found"), "bkt")
		if _, err := other404.Get(ctx, "k"); err == nil || notFound(err) {
			t.Fatalf("404 NoSuchUpload mapped to not-found: %v", err)
		}
		// 501 is not retried by either client, so this stays quick.
		lying := open(t, mk, stub(t, 501, "NotImplemented", "key not found"), "bkt")
		_, err := lying.Get(ctx, "k")
		if err == nil || notFound(err) {
			t.Fatalf("5xx saying key not found mapped to not-found: %v", err)
		}
		if !strings.Contains(err.Error(), "key not found") && !strings.Contains(err.Error(), "NotImplemented") {
			t.Fatalf("the server's answer is lost: %v", err)
		}
	})
}
