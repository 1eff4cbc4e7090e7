// Package lhv1serveclients checks `lhv1 serve` with the two Go S3 clients
// users run, at their default settings: aws-sdk-go-v2 (service/s3 v1.114:
// over plain HTTP a hashed body with an x-amz-checksum-crc32 header; the
// aws-chunked trailing CRC32 is its default over TLS only; checksum
// validation "when supported") and minio-go v7 (streaming SigV4 chunk
// signatures over plain HTTP). The server binary is $LHV1_CLI; each test starts it with --auth on
// a free loopback port, so every request's signature is verified too.
package lhv1serveclients

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/lhv1/harness/harness/http/goclients/lhv1serve"
)

const (
	accessKey = lhv1serve.AccessKey
	secretKey = lhv1serve.SecretKey
)

// serve starts `lhv1 serve --auth` and returns its base URL.
func serve(t *testing.T, extra ...string) string { return lhv1serve.Serve(t, extra...) }

// store is what both clients do here.
type store interface {
	createBucket(ctx context.Context, b string) error
	put(ctx context.Context, b, k string, body []byte) error
	get(ctx context.Context, b, k string) ([]byte, error)
	del(ctx context.Context, b, k string) error
	list(ctx context.Context, b, prefix string) ([]string, error)
	notFound(err error) bool
}

type awsStore struct{ c *s3.Client }

func newAWS(url string) store {
	cfg := aws.Config{Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(accessKey, secretKey, "")}
	return awsStore{s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(url)
		o.UsePathStyle = true
	})}
}

func (s awsStore) createBucket(ctx context.Context, b string) error {
	_, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &b})
	return err
}
func (s awsStore) put(ctx context.Context, b, k string, body []byte) error {
	_, err := s.c.PutObject(ctx, &s3.PutObjectInput{Bucket: &b, Key: &k, Body: bytes.NewReader(body)})
	return err
}
func (s awsStore) get(ctx context.Context, b, k string) ([]byte, error) {
	o, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &b, Key: &k})
	if err != nil {
		return nil, err
	}
	defer o.Body.Close()
	return io.ReadAll(o.Body)
}
func (s awsStore) del(ctx context.Context, b, k string) error {
	_, err := s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b, Key: &k})
	return err
}
func (s awsStore) list(ctx context.Context, b, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.c, &s3.ListObjectsV2Input{Bucket: &b, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			keys = append(keys, *o.Key)
		}
	}
	return keys, nil
}
func (s awsStore) notFound(err error) bool {
	var nsk *types.NoSuchKey
	return errors.As(err, &nsk)
}

type minioStore struct{ c *minio.Client }

func newMinio(url string) store {
	c, err := minio.New(strings.TrimPrefix(url, "http://"), &minio.Options{
		Creds: miniocreds.NewStaticV4(accessKey, secretKey, ""), Secure: false,
		Region: "us-east-1", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		panic(err)
	}
	return minioStore{c}
}

func (s minioStore) createBucket(ctx context.Context, b string) error {
	return s.c.MakeBucket(ctx, b, minio.MakeBucketOptions{})
}
func (s minioStore) put(ctx context.Context, b, k string, body []byte) error {
	_, err := s.c.PutObject(ctx, b, k, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
	return err
}
func (s minioStore) get(ctx context.Context, b, k string) ([]byte, error) {
	o, err := s.c.GetObject(ctx, b, k, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	defer o.Close()
	return io.ReadAll(o)
}
func (s minioStore) del(ctx context.Context, b, k string) error {
	return s.c.RemoveObject(ctx, b, k, minio.RemoveObjectOptions{})
}
func (s minioStore) list(ctx context.Context, b, prefix string) ([]string, error) {
	var keys []string
	for o := range s.c.ListObjects(ctx, b, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, o.Err
		}
		keys = append(keys, o.Key)
	}
	return keys, nil
}
func (s minioStore) notFound(err error) bool {
	return minio.ToErrorResponse(err).Code == "NoSuchKey"
}

var clients = map[string]func(string) store{"aws-sdk-go-v2": newAWS, "minio-go": newMinio}

func eachClient(t *testing.T, f func(t *testing.T, url string, s store)) {
	for _, name := range []string{"aws-sdk-go-v2", "minio-go"} {
		t.Run(name, func(t *testing.T) {
			url := serve(t)
			s := clients[name](url)
			if err := s.createBucket(context.Background(), "bkt"); err != nil {
				t.Fatalf("create bucket: %v", err)
			}
			f(t, url, s)
		})
	}
}

func TestRoundTrip(t *testing.T) {
	eachClient(t, func(t *testing.T, _ string, s store) {
		ctx := context.Background()
		rng := rand.New(rand.NewSource(1))
		for _, n := range []int{0, 1, 8, 4095, 70000, 1 << 20, 5<<20 + 3} {
			body := make([]byte, n)
			rng.Read(body)
			k := fmt.Sprintf("_vectors/size-%d.lhv1", n)
			if err := s.put(ctx, "bkt", k, body); err != nil {
				t.Fatalf("put %d B: %v", n, err)
			}
			got, err := s.get(ctx, "bkt", k)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("get %d B: %d B, %v", n, len(got), err)
			}
		}
		if err := s.del(ctx, "bkt", "_vectors/size-8.lhv1"); err != nil {
			t.Fatal(err)
		}
		if err := s.del(ctx, "bkt", "_vectors/size-8.lhv1"); err != nil {
			t.Fatalf("second delete: %v", err)
		}
		_, err := s.get(ctx, "bkt", "_vectors/size-8.lhv1")
		if !s.notFound(err) {
			t.Fatalf("get after delete: %v, want NoSuchKey", err)
		}
	})
}

func TestListPages(t *testing.T) {
	eachClient(t, func(t *testing.T, _ string, s store) {
		ctx := context.Background()
		var want []string
		for i := 0; i < 1003; i++ {
			k := fmt.Sprintf("_vectors/i%04d.lhv1", i)
			want = append(want, k)
			if err := s.put(ctx, "bkt", k, []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.put(ctx, "bkt", "other/x", []byte("x")); err != nil {
			t.Fatal(err)
		}
		got, err := s.list(ctx, "bkt", "_vectors/")
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("listed %d keys, want %d", len(got), len(want))
		}
	})
}

// addRule adds a fault rule through the admin API, signed as --auth wants.
func addRule(t *testing.T, url, rule string) {
	t.Helper()
	if st, body := lhv1serve.Admin(t, url, "POST", "/_lhv1/rules", rule); st != 200 {
		t.Fatalf("rule %s: %d %s", rule, st, body)
	}
}

// What each client makes of a fault: the facts the Go campaign compares.
func TestFaultsAsClientsSeeThem(t *testing.T) {
	eachClient(t, func(t *testing.T, url string, s store) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		body := bytes.Repeat([]byte("lhv1"), 1000)
		if err := s.put(ctx, "bkt", "k", body); err != nil {
			t.Fatal(err)
		}
		// A 5xx "key not found" body is an error, never NoSuchKey (both
		// clients retry the 500, so the rule is persistent).
		addRule(t, url, `{"kind":"get-fail-key-not-found-body","key":"bkt/k","persistent":true}`)
		_, err := s.get(ctx, "bkt", "k")
		if err == nil || s.notFound(err) {
			t.Fatalf("get under a 500 'key not found': %v", err)
		}
		reset(t, url)
		// A 404 with another code is not NoSuchKey either.
		addRule(t, url, `{"kind":"http-404-code","op":"get","key":"bkt/k","persistent":true}`)
		_, err = s.get(ctx, "bkt", "k")
		if err == nil || s.notFound(err) {
			t.Fatalf("get under a 404 NoSuchBucket: %v", err)
		}
		reset(t, url)
		// One SlowDown is retried away by both clients' default retryers.
		addRule(t, url, `{"kind":"http-slowdown","op":"put","retry_after":0}`)
		if err := s.put(ctx, "bkt", "k", []byte("after one 503")); err != nil {
			t.Fatalf("put after one SlowDown: %v", err)
		}
		reset(t, url)
		// A body cut short of its Content-Length is an error, not a short read.
		addRule(t, url, `{"kind":"http-body-cut","op":"get","key":"bkt/k","cut":100,"persistent":true}`)
		got, err := s.get(ctx, "bkt", "k")
		if err == nil {
			t.Fatalf("a cut body read as %d B without error", len(got))
		}
		reset(t, url)
	})
}

func reset(t *testing.T, url string) {
	t.Helper()
	if st, body := lhv1serve.Admin(t, url, "DELETE", "/_lhv1/rules", ""); st != 204 {
		t.Fatalf("clearing rules: %d %s", st, body)
	}
}
