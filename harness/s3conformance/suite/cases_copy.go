package suite

import (
	"context"
	"encoding/xml"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

type copyResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
}

// copySource is the x-amz-copy-source value: /bucket/key, the key
// URL-encoded.
func copySource(bucket, key string) string { return Path(bucket, key) }

func (t *T) copyObject(bucket, key, src string, extra map[string]string) *Response {
	h := map[string]string{"x-amz-copy-source": src}
	for k, v := range extra {
		h[k] = v
	}
	return t.Do(Request{Method: "PUT", Bucket: bucket, Key: key, Header: h})
}

// CopyObject.
func init() {
	register(
		Case{"copy/basic",
			"CopyObject (PUT with x-amz-copy-source): 200 with CopyObjectResult (ETag, LastModified); the copy holds the source's data",
			func(t *T) {
				b := t.NewBucket()
				body := []byte("copy me")
				t.Put(b, "src", body, nil)
				r := t.copyObject(b, "dst", copySource(b, "src"), nil)
				var res copyResult
				if !t.Status("CopyObject", r, 200) || !t.XML("CopyObject", r, &res) {
					return
				}
				Equal(t, "CopyObjectResult ETag", res.ETag, ETagOf(body))
				if _, err := time.Parse(time.RFC3339, res.LastModified); err != nil {
					t.Errorf("CopyObjectResult LastModified %q is no ISO 8601 time", res.LastModified)
				}
				t.Stored("copy", b, "dst", body)
				t.Stored("source after the copy", b, "src", body)
			}},
		Case{"copy/across-buckets",
			"CopyObject copies between two buckets",
			func(t *T) {
				b1, b2 := t.NewBucket(), t.NewBucket()
				t.Put(b1, "src", []byte("across"), nil)
				if t.Status("CopyObject", t.copyObject(b2, "dst", copySource(b1, "src"), nil), 200) {
					t.Stored("copy", b2, "dst", []byte("across"))
				}
			}},
		Case{"copy/source-key-encoded",
			"CopyObject x-amz-copy-source is URL-encoded: a key with spaces and non-ASCII is found",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "a b/caf\u00e9+", []byte("encoded"), nil)
				if t.Status("CopyObject", t.copyObject(b, "dst", copySource(b, "a b/caf\u00e9+"), nil), 200) {
					t.Stored("copy", b, "dst", []byte("encoded"))
				}
			}},
		Case{"copy/metadata-copied-by-default",
			"CopyObject without x-amz-metadata-directive (COPY): the copy has the source's Content-Type and x-amz-meta-*, the request's are ignored",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "src", []byte("m"), hdr("Content-Type", "text/x-source", "x-amz-meta-origin", "source"))
				r := t.copyObject(b, "dst", copySource(b, "src"), hdr("x-amz-meta-origin", "request"))
				if !t.Status("CopyObject", r, 200) {
					return
				}
				g := t.Get(b, "dst", nil)
				t.HeaderIs("GET copy", g, "Content-Type", "text/x-source")
				t.HeaderIs("GET copy", g, "x-amz-meta-origin", "source")
			}},
		Case{"copy/metadata-replace",
			"CopyObject x-amz-metadata-directive: REPLACE: the copy has the request's Content-Type and x-amz-meta-* only",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "src", []byte("m"), hdr("Content-Type", "text/x-source", "x-amz-meta-origin", "source", "x-amz-meta-old", "1"))
				r := t.copyObject(b, "dst", copySource(b, "src"), hdr("x-amz-metadata-directive", "REPLACE",
					"Content-Type", "text/x-request", "x-amz-meta-origin", "request"))
				if !t.Status("CopyObject", r, 200) {
					return
				}
				g := t.Get(b, "dst", nil)
				t.HeaderIs("GET copy", g, "Content-Type", "text/x-request")
				t.HeaderIs("GET copy", g, "x-amz-meta-origin", "request")
				t.NoHeader("GET copy", g, "x-amz-meta-old")
			}},
		Case{"copy/onto-itself-refused",
			"CopyObject of an object onto itself without changing its metadata: 400 InvalidRequest",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("self"), nil)
				t.Error("CopyObject", t.copyObject(b, "k", copySource(b, "k"), nil), 400, "InvalidRequest")
			}},
		Case{"copy/onto-itself-replace",
			"CopyObject of an object onto itself with REPLACE: 200, the metadata changed, the data kept",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("self"), hdr("x-amz-meta-v", "1"))
				r := t.copyObject(b, "k", copySource(b, "k"), hdr("x-amz-metadata-directive", "REPLACE", "x-amz-meta-v", "2"))
				if t.Status("CopyObject", r, 200) {
					g := t.Get(b, "k", nil)
					t.Body("GET", g, []byte("self"))
					t.HeaderIs("GET", g, "x-amz-meta-v", "2")
				}
			}},
		Case{"copy/missing-source",
			"CopyObject from a key that does not exist: 404 NoSuchKey",
			func(t *T) {
				b := t.NewBucket()
				t.Error("CopyObject", t.copyObject(b, "dst", copySource(b, "nothing"), nil), 404, "NoSuchKey")
			}},
		Case{"copy/missing-source-bucket",
			"CopyObject from a bucket that does not exist: 404 NoSuchBucket",
			func(t *T) {
				b := t.NewBucket()
				t.Error("CopyObject", t.copyObject(b, "dst", copySource(t.BucketName(), "k"), nil), 404, "NoSuchBucket")
			}},
		Case{"copy/missing-destination-bucket",
			"CopyObject into a bucket that does not exist: 404 NoSuchBucket",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "src", []byte("x"), nil)
				t.Error("CopyObject", t.copyObject(t.BucketName(), "dst", copySource(b, "src"), nil), 404, "NoSuchBucket")
			}},
		Case{"copy/invalid-directive",
			"CopyObject with x-amz-metadata-directive neither COPY nor REPLACE: 400 InvalidArgument",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "src", []byte("x"), nil)
				r := t.copyObject(b, "dst", copySource(b, "src"), hdr("x-amz-metadata-directive", "MERGE"))
				t.Error("CopyObject", r, 400, "InvalidArgument")
			}},
		Case{"copy/if-match-other",
			"CopyObject x-amz-copy-source-if-match with another ETag: 412 PreconditionFailed, nothing copied",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "src", []byte("x"), nil)
				r := t.copyObject(b, "dst", copySource(b, "src"),
					hdr("x-amz-copy-source-if-match", `"00000000000000000000000000000000"`))
				t.Error("CopyObject", r, 412, "PreconditionFailed")
				t.Stored("CopyObject refused", b, "dst", nil)
			}},
		Case{"copy/if-none-match-same",
			"CopyObject x-amz-copy-source-if-none-match with the source's ETag: 412 PreconditionFailed",
			func(t *T) {
				b := t.NewBucket()
				etag := t.Put(b, "src", []byte("x"), nil)
				r := t.copyObject(b, "dst", copySource(b, "src"), hdr("x-amz-copy-source-if-none-match", etag))
				t.Error("CopyObject", r, 412, "PreconditionFailed")
			}},
		Case{"copy/sdk",
			"CopyObject through aws-sdk-go-v2: CopyObjectResult.ETag is the source's ETag, the copy readable",
			func(t *T) {
				b := t.NewBucket()
				etag := t.Put(b, "src/obj", []byte("sdk copy"), nil)
				out, err := t.SDK().CopyObject(context.Background(), &s3.CopyObjectInput{Bucket: aws.String(b),
					Key: aws.String("dst/obj"), CopySource: aws.String(b + "/src/obj")})
				if err != nil {
					t.Fatalf("CopyObject: %v", err)
				}
				if out.CopyObjectResult == nil {
					t.Fatalf("CopyObject: no CopyObjectResult")
				}
				Equal(t, "CopyObjectResult.ETag", aws.ToString(out.CopyObjectResult.ETag), etag)
				t.Stored("copy", b, "dst/obj", []byte("sdk copy"))
			}},
	)
}
