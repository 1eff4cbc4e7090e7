package lhv1serveclients

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"hash/crc32"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// A stale read (get-stale) is the older object whole: its body, ETag,
// stored headers and stored checksum, so aws-sdk-go-v2 with ChecksumMode
// ENABLED validates it and sees staleness, not corruption.
func TestStaleReadIsTheOlderObject(t *testing.T) {
	for _, backend := range []string{"memory", "file", "proxy"} {
		t.Run(backend, func(t *testing.T) {
			var url string
			switch backend {
			case "file":
				url = serve(t, "--root", t.TempDir())
			case "proxy": // in front of a memory server, signing as it wants
				up := serve(t)
				t.Setenv("AWS_ACCESS_KEY_ID", accessKey)
				t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
				url = serve(t, "--upstream", up)
			default:
				url = serve(t)
			}
			c := newAWS(url).(awsStore).c
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bkt")}); err != nil {
				t.Fatal(err)
			}
			old := bytes.Repeat([]byte("old "), 1000)
			for _, v := range []struct {
				body      []byte
				typ, meta string
			}{{old, "text/old", "1"}, {bytes.Repeat([]byte("new "), 900), "text/new", "2"}} {
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"),
					Body: bytes.NewReader(v.body), ContentType: aws.String(v.typ),
					Metadata: map[string]string{"v": v.meta}, ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c}); err != nil {
					t.Fatal(err)
				}
			}
			addRule(t, url, `{"kind":"get-stale","key":"bkt/k","lag":1}`)
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"),
				ChecksumMode: types.ChecksumModeEnabled})
			if err != nil {
				t.Fatalf("stale GetObject: %v", err)
			}
			body, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil {
				t.Fatalf("stale GetObject's body did not validate: %v", err)
			}
			if !bytes.Equal(body, old) {
				t.Fatalf("stale GetObject: %d B, not the older object", len(body))
			}
			sum := md5.Sum(old)
			var crc [4]byte
			v := crc32.Checksum(old, crc32.MakeTable(crc32.Castagnoli))
			crc[0], crc[1], crc[2], crc[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
			for _, f := range []struct{ what, got, want string }{
				{"ETag", aws.ToString(out.ETag), `"` + hex.EncodeToString(sum[:]) + `"`},
				{"Content-Type", aws.ToString(out.ContentType), "text/old"},
				{"x-amz-meta-v", out.Metadata["v"], "1"},
				{"ChecksumCRC32C", aws.ToString(out.ChecksumCRC32C), base64.StdEncoding.EncodeToString(crc[:])},
			} {
				if f.got != f.want {
					t.Errorf("stale GetObject %s: %q, the older object's is %q", f.what, f.got, f.want)
				}
			}
		})
	}
}
