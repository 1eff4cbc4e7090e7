package suite

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// PutObject, GetObject, HeadObject, DeleteObject.
func init() {
	register(
		Case{"object/put-get-roundtrip",
			"PutObject 200 with ETag the quoted MD5 of the data; GetObject returns the bytes, Content-Length and the same ETag",
			func(t *T) {
				b := t.NewBucket()
				body := []byte("hello, conformance\x00\xff")
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: body})
				if !t.Status("PUT", r, 200) {
					return
				}
				t.HeaderIs("PUT", r, "ETag", ETagOf(body))
				g := t.Get(b, "k", nil)
				if t.Status("GET", g, 200) {
					t.Body("GET", g, body)
					t.HeaderIs("GET", g, "ETag", ETagOf(body))
					t.HeaderIs("GET", g, "Content-Length", strconv.Itoa(len(body)))
				}
			}},
		Case{"object/put-empty",
			"PutObject of zero bytes stores an empty object (ETag d41d8cd98f00b204e9800998ecf8427e, Content-Length 0)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "empty", nil, nil)
				g := t.Get(b, "empty", nil)
				if t.Status("GET", g, 200) {
					t.Body("GET", g, nil)
					t.HeaderIs("GET", g, "ETag", `"d41d8cd98f00b204e9800998ecf8427e"`)
					t.HeaderIs("GET", g, "Content-Length", "0")
				}
			}},
		Case{"object/overwrite",
			"PutObject to an existing key of an unversioned bucket replaces the object (data and ETag)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("first version"), nil)
				t.Put(b, "k", []byte("second"), nil)
				g := t.Get(b, "k", nil)
				if t.Status("GET", g, 200) {
					t.Body("GET", g, []byte("second"))
					t.HeaderIs("GET", g, "ETag", ETagOf([]byte("second")))
				}
			}},
		Case{"object/head",
			"HeadObject 200: the GET headers (Content-Length, ETag, Last-Modified, Content-Type) and no body",
			func(t *T) {
				b := t.NewBucket()
				body := []byte("0123456789")
				t.Put(b, "k", body, nil)
				h := t.Do(Request{Method: "HEAD", Bucket: b, Key: "k"})
				if !t.Status("HEAD", h, 200) {
					return
				}
				t.HeaderIs("HEAD", h, "Content-Length", "10")
				t.HeaderIs("HEAD", h, "ETag", ETagOf(body))
				if _, err := http.ParseTime(h.Header.Get("Last-Modified")); err != nil {
					t.Errorf("HEAD: Last-Modified %q is no HTTP date", h.Header.Get("Last-Modified"))
				}
				if h.Header.Get("Content-Type") == "" {
					t.Errorf("HEAD: no Content-Type")
				}
				t.Body("HEAD", h, nil)
			}},
		Case{"object/last-modified-consistent",
			"Last-Modified of GetObject and HeadObject and LastModified of ListObjectsV2 are the same instant (to the second)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				g := t.Get(b, "k", nil)
				h := t.Do(Request{Method: "HEAD", Bucket: b, Key: "k"})
				l := t.Do(Request{Method: "GET", Bucket: b, Query: "list-type=2"})
				var lr listV2Result
				if !t.Status("GET", g, 200) || !t.Status("HEAD", h, 200) || !t.Status("list", l, 200) ||
					!t.XML("list", l, &lr) || len(lr.Contents) != 1 {
					t.Fatalf("setup: one object expected")
				}
				gt, err1 := http.ParseTime(g.Header.Get("Last-Modified"))
				ht, err2 := http.ParseTime(h.Header.Get("Last-Modified"))
				lt, err3 := time.Parse(time.RFC3339, lr.Contents[0].LastModified)
				if err1 != nil || err2 != nil || err3 != nil {
					t.Fatalf("unparsable dates: GET %q HEAD %q list %q", g.Header.Get("Last-Modified"),
						h.Header.Get("Last-Modified"), lr.Contents[0].LastModified)
				}
				Equal(t, "HEAD Last-Modified", ht.Unix(), gt.Unix())
				Equal(t, "list LastModified", lt.Truncate(time.Second).Unix(), gt.Unix())
			}},
		Case{"object/get-missing",
			"GetObject of a key that does not exist: 404 NoSuchKey",
			func(t *T) {
				b := t.NewBucket()
				t.Error("GET", t.Get(b, "nothing", nil), 404, "NoSuchKey")
			}},
		Case{"object/head-missing",
			"HeadObject of a key that does not exist: 404 with no body (a HEAD reply has none)",
			func(t *T) {
				b := t.NewBucket()
				h := t.Do(Request{Method: "HEAD", Bucket: b, Key: "nothing"})
				t.Status("HEAD", h, 404)
				t.Body("HEAD", h, nil)
			}},
		Case{"object/delete",
			"DeleteObject 204 No Content; the key is then gone (GetObject 404 NoSuchKey)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("x"), nil)
				t.Status("DELETE", t.Do(Request{Method: "DELETE", Bucket: b, Key: "k"}), 204)
				t.Stored("DELETE", b, "k", nil)
			}},
		Case{"object/delete-missing",
			"DeleteObject of a key that does not exist succeeds: 204",
			func(t *T) {
				b := t.NewBucket()
				t.Status("DELETE", t.Do(Request{Method: "DELETE", Bucket: b, Key: "never"}), 204)
			}},
		Case{"object/put-no-bucket",
			"PutObject into a bucket that does not exist: 404 NoSuchBucket",
			func(t *T) {
				r := t.Do(Request{Method: "PUT", Bucket: t.BucketName(), Key: "k", Body: []byte("x")})
				t.Error("PUT", r, 404, "NoSuchBucket")
			}},
		Case{"object/get-no-bucket",
			"GetObject from a bucket that does not exist: 404 NoSuchBucket",
			func(t *T) {
				t.Error("GET", t.Get(t.BucketName(), "k", nil), 404, "NoSuchBucket")
			}},
		Case{"object/key-too-long",
			"Object key names are at most 1024 bytes: a longer key is 400 KeyTooLongError",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: strings.Repeat("k", 1025), Body: []byte("x")})
				t.Error("PUT", r, 400, "KeyTooLongError")
			}},
		Case{"object/key-1024-bytes",
			"A key of exactly 1024 bytes (UTF-8) is a valid object key name",
			func(t *T) {
				b := t.NewBucket()
				key := strings.Repeat("k", 1024)
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: key, Body: []byte("long")})
				if t.Status("PUT", r, 200) {
					t.Stored("PUT", b, key, []byte("long"))
				}
			}},
		Case{"object/key-special-characters",
			"Object key names are any UTF-8: spaces, +, %, ?, #, &, = and non-ASCII round-trip through the path",
			func(t *T) {
				b := t.NewBucket()
				for _, k := range []string{"a b", "a+b", "100%", "what?", "#hash", "x&y=z", "caf\u00e9/\u65e5\u672c", "tab\there", "semi;colon"} {
					r := t.Do(Request{Method: "PUT", Bucket: b, Key: k, Body: []byte(k)})
					if t.Status("PUT "+strconv.Quote(k), r, 200) {
						g := t.Get(b, k, nil)
						if t.Status("GET "+strconv.Quote(k), g, 200) {
							t.Body("GET "+strconv.Quote(k), g, []byte(k))
						}
					}
				}
			}},
		Case{"object/key-trailing-slash",
			"A key ending in '/' (the folder marker consoles create) is an object like any other",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "folder/", Body: nil})
				if t.Status("PUT folder/", r, 200) {
					t.Stored("PUT folder/", b, "folder/", []byte{})
				}
			}},
		Case{"object/key-dot-segments",
			"Keys are names, not paths: 'a/../b' and './c' are distinct keys S3 stores as given",
			func(t *T) {
				b := t.NewBucket()
				for _, k := range []string{"a/../b", "./c", "d//e"} {
					r := t.Do(Request{Method: "PUT", Bucket: b, Key: k, Body: []byte(k)})
					if t.Status("PUT "+strconv.Quote(k), r, 200) {
						t.Stored("PUT "+strconv.Quote(k), b, k, []byte(k))
					}
				}
			}},
		Case{"object/put-missing-length",
			"PutObject streamed as aws-chunked (a STREAMING-* payload hash) in HTTP chunked framing without x-amz-decoded-content-length, so of no declared length: 411 MissingContentLength",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "k", Body: awsChunked([]byte("chunked body")),
					NoLength: true, Payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
					Header: hdr("Content-Encoding", "aws-chunked")})
				t.Error("PUT", r, 411, "MissingContentLength")
			}},
		Case{"object/large-body",
			"PutObject and GetObject of a 5 MiB body return it byte for byte",
			func(t *T) {
				b := t.NewBucket()
				body := bytes.Repeat([]byte("0123456789abcdef"), 5<<16)
				t.Put(b, "big", body, nil)
				g := t.Get(b, "big", nil)
				if t.Status("GET", g, 200) && !bytes.Equal(g.Body, body) {
					t.Errorf("GET: %d bytes differ from the %d put", len(g.Body), len(body))
				}
			}},
		Case{"object/error-xml",
			"An error reply is XML: <Error> with Code, Message, and the Key of a NoSuchKey; Content-Type application/xml",
			func(t *T) {
				b := t.NewBucket()
				g := t.Get(b, "no/such key", nil)
				var e struct {
					Code, Message, Key string
				}
				if t.Error("GET", g, 404, "NoSuchKey") && t.XML("GET", g, &e) {
					Equal(t, "Error Key", e.Key, "no/such key")
					if e.Message == "" {
						t.Errorf("GET: no Message in the error")
					}
					if ct := g.Header.Get("Content-Type"); ct != "application/xml" {
						t.Errorf("GET: Content-Type %q, S3 sends application/xml", ct)
					}
				}
			}},
	)
}
