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
	"time"

	"github.com/lhv1/harness/golden/gen/model"
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
		if _, err := s.Get(ctx, "_vectors/size-8.lhv1"); !errors.Is(err, model.ErrKeyNotFound) {
			t.Fatalf("get after delete: %v, want ErrKeyNotFound", err)
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

// Only S3's NoSuchKey is the typed not-found. NoSuchBucket (also a 404),
// a 404 with another code, and a 5xx whose message says "key not found"
// are store errors, so Load never turns them into ErrKeyMissing.
func TestOnlyNoSuchKeyIsNotFound(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		ctx := context.Background()
		s := bucketStore(t, mk)
		_, err := s.Get(ctx, "_vectors/never.lhv1")
		if !errors.Is(err, model.ErrKeyNotFound) {
			t.Fatalf("NoSuchKey: %v", err)
		}
		if _, err := model.NewPersistor(s).Load(ctx, "never"); !errors.Is(err, model.ErrKeyMissing) {
			t.Fatalf("Load of a missing index: %v", err)
		}
		noBucket := open(t, mk, fakeS3(t), "no-such-bucket")
		if _, err := noBucket.Get(ctx, "_vectors/x.lhv1"); err == nil || errors.Is(err, model.ErrKeyNotFound) {
			t.Fatalf("NoSuchBucket mapped to not-found: %v", err)
		}
		other404 := open(t, mk, stub(t, 404, "NoSuchUpload", "not found"), "bkt")
		if _, err := other404.Get(ctx, "k"); err == nil || errors.Is(err, model.ErrKeyNotFound) {
			t.Fatalf("404 NoSuchUpload mapped to not-found: %v", err)
		}
		// 501 is not retried by either client, so this stays quick.
		lying := open(t, mk, stub(t, 501, "NotImplemented", "key not found"), "bkt")
		_, err = lying.Get(ctx, "k")
		if err == nil || errors.Is(err, model.ErrKeyNotFound) {
			t.Fatalf("5xx saying key not found mapped to not-found: %v", err)
		}
		if !strings.Contains(err.Error(), "key not found") && !strings.Contains(err.Error(), "NotImplemented") {
			t.Fatalf("the server's answer is lost: %v", err)
		}
	})
}

// The upstream-shaped Persistor over each client: save, list, load,
// delete of a real coder/hnsw index.
func TestPersistorOverClient(t *testing.T) {
	eachClient(t, func(t *testing.T, mk maker) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		p := model.NewPersistor(bucketStore(t, mk))
		idx := testIndex(t, "docs")
		if err := p.Save(ctx, idx); err != nil {
			t.Fatal(err)
		}
		names, err := p.List(ctx)
		if err != nil || !reflect.DeepEqual(names, []string{"docs"}) {
			t.Fatalf("List = %v, %v", names, err)
		}
		got, err := p.Load(ctx, "docs")
		if err != nil || got.Params != idx.Params || got.Graph.Len() != idx.Graph.Len() {
			t.Fatalf("Load = %+v, %v", got, err)
		}
		if err := p.Delete(ctx, "docs"); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Load(ctx, "docs"); !errors.Is(err, model.ErrKeyMissing) {
			t.Fatalf("Load after Delete: %v", err)
		}
	})
}
