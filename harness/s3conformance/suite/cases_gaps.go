package suite

import (
	"bytes"
	"compress/gzip"
	"fmt"
)

// awsChunked frames body as an unsigned aws-chunked payload: one chunk,
// the final empty one, no trailer.
func awsChunked(body []byte) []byte {
	return []byte(fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body))
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// Stored headers and listing fields found missing by running a client
// test suite by hand.
func init() {
	register(
		Case{"meta/content-encoding-aws-chunked",
			"PutObject streamed with Content-Encoding aws-chunked,gzip: the object is stored with Content-Encoding gzip, without the aws-chunked value; with aws-chunked alone no Content-Encoding is stored; a list of encodings is kept as written (deflate, gzip)",
			func(t *T) {
				b := t.NewBucket()
				data := gzipped([]byte("a gzip-encoded object"))
				for _, c := range []struct{ key, sent, kept string }{
					{"both", "aws-chunked,gzip", "gzip"},
					{"only", "aws-chunked", ""},
					{"list", "deflate, gzip", "deflate, gzip"},
					{"list-and-chunked", "deflate, aws-chunked, gzip", "deflate, gzip"},
				} {
					r := t.Do(Request{Method: "PUT", Bucket: b, Key: c.key, Body: awsChunked(data),
						Payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
						Header: hdr("Content-Encoding", c.sent,
							"x-amz-decoded-content-length", itoa(int64(len(data))))})
					if !t.Status("PUT Content-Encoding "+c.sent, r, 200) {
						continue
					}
					// identity: the HTTP client must not decode the body itself
					g := t.Get(b, c.key, hdr("Accept-Encoding", "identity"))
					h := t.Do(Request{Method: "HEAD", Bucket: b, Key: c.key})
					for _, x := range []struct {
						what string
						r    *Response
					}{{"GET " + c.key, g}, {"HEAD " + c.key, h}} {
						if c.kept == "" {
							t.NoHeader(x.what, x.r, "Content-Encoding")
						} else {
							t.HeaderIs(x.what, x.r, "Content-Encoding", c.kept)
						}
					}
					t.Body("GET "+c.key, g, data)
				}
			}},
		Case{"meta/user-metadata-empty-value",
			"PutObject x-amz-meta-* with an empty value: kept as user metadata, GetObject and HeadObject return the header with an empty value",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "m", []byte("e"), hdr("x-amz-meta-meta1", "", "x-amz-meta-meta2", "set"))
				for _, r := range []*Response{t.Get(b, "m", nil), t.Do(Request{Method: "HEAD", Bucket: b, Key: "m"})} {
					t.HeaderIs("read", r, "x-amz-meta-meta1", "")
					t.HeaderIs("read", r, "x-amz-meta-meta2", "set")
				}
			}},
		Case{"object/delete-unversioned-headers",
			"DeleteObject on a bucket never versioned: 204 without x-amz-delete-marker or x-amz-version-id (those headers are about versions and delete markers, as in the reference's sample response for a simple delete)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				r := t.Do(Request{Method: "DELETE", Bucket: b, Key: "k"})
				if t.Status("DELETE", r, 204) {
					t.NoHeader("DELETE", r, "x-amz-delete-marker")
					t.NoHeader("DELETE", r, "x-amz-version-id")
				}
			}},
		Case{"list/v2-continuation-token-empty",
			"ListObjectsV2 ContinuationToken: if it was sent with the request it is included in the response; an empty one is sent back empty and lists from the start",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a", "b")
				l := t.listV2("ListObjectsV2 continuation-token=", b, "continuation-token=")
				t.strField("ContinuationToken", l.ContinuationToken, "")
				var keys []string
				for _, c := range l.Contents {
					keys = append(keys, c.Key)
				}
				t.Strings("keys", keys, []string{"a", "b"})
			}},
	)
}
