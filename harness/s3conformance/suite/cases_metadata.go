package suite

import (
	"net/url"
	"strings"
)

// storedHeader: PutObject with header name=value; GetObject and
// HeadObject return it as it was stored.
func storedHeader(name, header, value string) Case {
	return Case{name,
		"PutObject " + header + " is stored with the object and returned by GetObject and HeadObject",
		func(t *T) {
			b := t.NewBucket()
			t.Put(b, "m", []byte("metadata"), map[string]string{header: value})
			t.HeaderIs("GET", t.Get(b, "m", nil), header, value)
			t.HeaderIs("HEAD", t.Do(Request{Method: "HEAD", Bucket: b, Key: "m"}), header, value)
		}}
}

// override: GetObject ?response-<header>=value sets that reply header.
func override(name, param, header string) Case {
	return Case{name,
		"GetObject " + param + " (signed request) sets the reply's " + header + ", whatever was stored",
		func(t *T) {
			b := t.NewBucket()
			t.Put(b, "m", []byte("override"), map[string]string{header: "stored-value"})
			want := "override-" + strings.ToLower(header)
			if header == "Expires" {
				want = "Thu, 01 Dec 1994 16:00:00 GMT"
			}
			g := t.Do(Request{Method: "GET", Bucket: b, Key: "m",
				Query: param + "=" + strings.ReplaceAll(url.QueryEscape(want), "+", "%20")})
			if t.Status("GET ?"+param, g, 200) {
				t.HeaderIs("GET ?"+param, g, header, want)
				t.Body("GET ?"+param, g, []byte("override"))
			}
		}}
}

// Stored object metadata and the response-* overrides of GetObject.
func init() {
	register(
		storedHeader("meta/content-type", "Content-Type", "text/x-conformance; charset=utf-8"),
		storedHeader("meta/cache-control", "Cache-Control", "max-age=3600, must-revalidate"),
		storedHeader("meta/expires", "Expires", "Thu, 01 Dec 2044 16:00:00 GMT"),
		storedHeader("meta/content-disposition", "Content-Disposition", `attachment; filename="index.lhv1"`),
		storedHeader("meta/content-encoding", "Content-Encoding", "identity"),
		storedHeader("meta/content-language", "Content-Language", "en-GB"),
		Case{"meta/user-metadata",
			"PutObject x-amz-meta-* headers are stored as user metadata and returned by GetObject and HeadObject (names in lower case)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "m", []byte("u"), hdr("x-amz-meta-index-name", "alpha", "X-Amz-Meta-Mixed-Case", "Value With Spaces"))
				for _, r := range []*Response{t.Get(b, "m", nil), t.Do(Request{Method: "HEAD", Bucket: b, Key: "m"})} {
					t.HeaderIs("read", r, "x-amz-meta-index-name", "alpha")
					t.HeaderIs("read", r, "x-amz-meta-mixed-case", "Value With Spaces")
				}
			}},
		Case{"meta/user-metadata-too-large",
			"User-defined metadata is limited to 2 KB: more is 400 MetadataTooLarge",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "PUT", Bucket: b, Key: "m", Body: []byte("x"),
					Header: hdr("x-amz-meta-big", strings.Repeat("v", 2100))})
				t.Error("PUT", r, 400, "MetadataTooLarge")
			}},
		Case{"meta/overwrite-replaces-metadata",
			"PutObject over an existing key replaces its metadata too: what the new PUT did not send is gone",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "m", []byte("1"), hdr("Cache-Control", "no-cache", "x-amz-meta-v", "1"))
				t.Put(b, "m", []byte("2"), hdr("x-amz-meta-w", "2"))
				g := t.Get(b, "m", nil)
				t.NoHeader("GET", g, "x-amz-meta-v")
				t.NoHeader("GET", g, "Cache-Control")
				t.HeaderIs("GET", g, "x-amz-meta-w", "2")
			}},
		Case{"meta/default-content-type",
			"PutObject without Content-Type: the object's Content-Type is binary/octet-stream",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "m", []byte("x"), nil)
				t.HeaderIs("GET", t.Get(b, "m", nil), "Content-Type", "binary/octet-stream")
			}},
		override("meta/response-content-type", "response-content-type", "Content-Type"),
		override("meta/response-content-language", "response-content-language", "Content-Language"),
		override("meta/response-expires", "response-expires", "Expires"),
		override("meta/response-cache-control", "response-cache-control", "Cache-Control"),
		override("meta/response-content-disposition", "response-content-disposition", "Content-Disposition"),
		override("meta/response-content-encoding", "response-content-encoding", "Content-Encoding"),
	)
}
