package suite

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

type deleteResult struct {
	XMLName xml.Name `xml:"DeleteResult"`
	Deleted []struct {
		Key string `xml:"Key"`
	} `xml:"Deleted"`
	Errors []struct {
		Key, Code, Message string
	} `xml:"Error"`
}

// deleteBody is a DeleteObjects request body for keys.
func deleteBody(quiet bool, keys ...string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for _, k := range keys {
		b.WriteString("<Object><Key>")
		xml.EscapeText(&b, []byte(k))
		b.WriteString("</Key></Object>")
	}
	if quiet {
		b.WriteString("<Quiet>true</Quiet>")
	}
	b.WriteString("</Delete>")
	return b.Bytes()
}

func contentMD5(body []byte) string {
	h := md5.Sum(body)
	return base64.StdEncoding.EncodeToString(h[:])
}

func (t *T) multiDelete(bucket string, body []byte, extra map[string]string) *Response {
	h := map[string]string{"Content-MD5": contentMD5(body)}
	for k, v := range extra {
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	return t.Do(Request{Method: "POST", Bucket: bucket, Query: "delete", Body: body, Header: h})
}

// multiDeleteResult sends DeleteObjects as multiDelete does and reads its
// 200 DeleteResult; false when the reply is not one (reported).
func (t *T) multiDeleteResult(bucket string, body []byte, extra map[string]string) (deleteResult, bool) {
	var res deleteResult
	r := t.multiDelete(bucket, body, extra)
	return res, t.Status("DeleteObjects", r, 200) && t.XML("DeleteObjects", r, &res)
}

// deletedKeys are the keys of the Deleted entries, sorted: S3 does not
// promise the request's order.
func (res deleteResult) deletedKeys() []string {
	var got []string
	for _, d := range res.Deleted {
		got = append(got, d.Key)
	}
	sort.Strings(got)
	return got
}

// DeleteObjects (multi-object delete).
func init() {
	register(
		Case{"delete/multi",
			"DeleteObjects (POST ?delete): 200 DeleteResult with a Deleted entry per key, a key that did not exist reported as deleted; the objects are gone",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a", "b/c", "x&<y>")
				res, ok := t.multiDeleteResult(b, deleteBody(false, "a", "b/c", "x&<y>", "never-existed"), nil)
				if !ok {
					return
				}
				t.Strings("Deleted keys", res.deletedKeys(), []string{"a", "b/c", "never-existed", "x&<y>"})
				Equal(t, "Error entries", len(res.Errors), 0)
				for _, k := range []string{"a", "b/c", "x&<y>"} {
					t.Stored("DeleteObjects", b, k, nil)
				}
			}},
		Case{"delete/multi-quiet",
			"DeleteObjects with <Quiet>true</Quiet>: 200 DeleteResult listing only errors (none here); the objects are gone",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a", "b")
				res, ok := t.multiDeleteResult(b, deleteBody(true, "a", "b"), nil)
				if !ok {
					return
				}
				Equal(t, "Deleted entries in quiet mode", len(res.Deleted), 0)
				Equal(t, "Error entries", len(res.Errors), 0)
				t.Stored("DeleteObjects", b, "a", nil)
				t.Stored("DeleteObjects", b, "b", nil)
			}},
		Case{"delete/multi-sdk",
			"DeleteObjects through aws-sdk-go-v2 (its default request checksum): every key deleted, no errors",
			func(t *T) {
				b := t.NewBucket()
				var ids []types.ObjectIdentifier
				for i := 0; i < 5; i++ {
					k := fmt.Sprintf("sdk/%d", i)
					t.PutKeys(b, k)
					ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
				}
				out, err := t.SDK().DeleteObjects(context.Background(), &s3.DeleteObjectsInput{Bucket: aws.String(b),
					Delete: &types.Delete{Objects: ids}})
				if err != nil {
					t.Fatalf("DeleteObjects: %v", err)
				}
				Equal(t, "Deleted", len(out.Deleted), 5)
				Equal(t, "Errors", len(out.Errors), 0)
				t.Stored("DeleteObjects", b, "sdk/3", nil)
			}},
		Case{"delete/multi-too-many",
			"DeleteObjects with more than 1000 keys: 400 MalformedXML",
			func(t *T) {
				b := t.NewBucket()
				keys := make([]string, 1001)
				for i := range keys {
					keys[i] = fmt.Sprintf("k%d", i)
				}
				t.Error("DeleteObjects", t.multiDelete(b, deleteBody(false, keys...), nil), 400, "MalformedXML")
			}},
		Case{"delete/multi-malformed",
			"DeleteObjects with a body that is not a Delete document: 400 MalformedXML",
			func(t *T) {
				b := t.NewBucket()
				t.Error("DeleteObjects", t.multiDelete(b, []byte("<Delete><Object><Key>a</Key>"), nil), 400, "MalformedXML")
			}},
		Case{"delete/multi-no-digest",
			"DeleteObjects without Content-MD5 or an x-amz-checksum header: 400 InvalidRequest, nothing deleted",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a")
				r := t.multiDelete(b, deleteBody(false, "a"), map[string]string{"Content-MD5": ""})
				t.Error("DeleteObjects", r, 400, "InvalidRequest")
				t.Stored("DeleteObjects refused", b, "a", []byte("a"))
			}},
		Case{"delete/multi-bad-digest",
			"DeleteObjects whose Content-MD5 does not match the body: 400 BadDigest, nothing deleted",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a")
				r := t.multiDelete(b, deleteBody(false, "a"), map[string]string{"Content-MD5": contentMD5([]byte("other"))})
				t.Error("DeleteObjects", r, 400, "BadDigest")
				t.Stored("DeleteObjects refused", b, "a", []byte("a"))
			}},
		Case{"delete/multi-no-bucket",
			"DeleteObjects on a bucket that does not exist: 404 NoSuchBucket",
			func(t *T) {
				t.Error("DeleteObjects", t.multiDelete(t.BucketName(), deleteBody(false, "a"), nil), 404, "NoSuchBucket")
			}},
	)
}
