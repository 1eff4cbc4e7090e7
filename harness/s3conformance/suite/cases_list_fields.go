package suite

import (
	"net/url"
	"strings"
)

// urlEncoded checks that a field sent under encoding-type=url is encoded
// (no space, nothing outside ASCII) and decodes to want.
func (t *T) urlEncoded(what string, p *string, want string) {
	if p == nil {
		t.Errorf("%s: absent, S3 sends %q URL-encoded", what, want)
		return
	}
	d, err := url.QueryUnescape(*p)
	if strings.ContainsAny(*p, " ") || strings.IndexFunc(*p, func(r rune) bool { return r > 0x7e }) >= 0 ||
		err != nil || d != want {
		t.Errorf("%s: %q, S3 sends %q URL-encoded", what, *p, want)
	}
}

// Listing fields beyond the keys: markers, tokens and their encoding.
func init() {
	register(
		Case{"list/v1-encoding-type-url-markers",
			"ListObjects (v1) encoding-type=url: Marker, NextMarker, Delimiter and CommonPrefixes URL-encoded",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a b/1", "a b/2", "c d/1")
				l := t.listV1("list", b, "encoding-type=url&delimiter=%2F&max-keys=1&marker=a%20a")
				t.urlEncoded("Marker", l.Marker, "a a")
				t.urlEncoded("NextMarker", l.NextMarker, "a b/")
				t.urlEncoded("Delimiter", l.Delimiter, "/")
				prefixes := prefixesOf(l.CommonPrefixes)
				if len(prefixes) != 1 {
					t.Fatalf("%d common prefixes, want 1 (a b/)", len(prefixes))
				}
				t.urlEncoded("CommonPrefixes", &prefixes[0], "a b/")
				t.truncated("list", l.IsTruncated, true)
			}},
		Case{"list/v1-next-marker-only-with-delimiter",
			"ListObjects (v1) NextMarker is returned only with a delimiter: a truncated page without one has none (the last Key is the marker)",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k1", "k2")
				l := t.listV1("list", b, "max-keys=1")
				t.truncated("list", l.IsTruncated, true)
				if l.NextMarker != nil {
					t.Errorf("NextMarker %q without a delimiter, S3 sends none", *l.NextMarker)
				}
			}},
		Case{"list/v2-token-and-start-after",
			"ListObjectsV2 with both continuation-token and start-after: the token decides where the page starts; both are echoed",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a", "b", "c", "d")
				l := t.listV2("page 1", b, "start-after=a&max-keys=1")
				t.Strings("page 1 keys", keysOf(l.Contents), []string{"b"})
				if l.NextContinuationToken == nil {
					t.Fatalf("page 1: truncated without NextContinuationToken")
				}
				tok := *l.NextContinuationToken
				l = t.listV2("page 2", b, "start-after=a&max-keys=1&continuation-token="+url.QueryEscape(tok))
				t.Strings("page 2 keys", keysOf(l.Contents), []string{"c"})
				t.strField("StartAfter", l.StartAfter, "a")
				t.strField("ContinuationToken", l.ContinuationToken, tok)
			}},
		Case{"list/v2-fetch-owner-is-bucket-owner",
			"ListObjectsV2 fetch-owner=true: each object's Owner ID is the owner ListBuckets names (the one account of the credentials)",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k")
				var all listBucketsResult
				r := t.Do(Request{Method: "GET"})
				if !t.Status("ListBuckets", r, 200) || !t.XML("ListBuckets", r, &all) || all.Owner == nil {
					t.Fatalf("ListBuckets: no Owner")
				}
				l := t.listV2("fetch-owner=true", b, "fetch-owner=true")
				if len(l.Contents) != 1 || l.Contents[0].Owner == nil {
					t.Fatalf("fetch-owner=true: no Owner in Contents")
				}
				Equal(t, "Owner ID", l.Contents[0].Owner.ID, all.Owner.ID)
			}},
	)
}
