package suite

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
)

// badName: CreateBucket with an invalid name is 400 InvalidBucketName.
func badName(name, cite, bucket string) Case {
	return Case{name, cite, func(t *T) {
		t.Error("CreateBucket "+bucket, t.Do(Request{Method: "PUT", Bucket: bucket}), 400, "InvalidBucketName")
	}}
}

// goodName: CreateBucket with a valid name is 200 and HeadBucket finds it.
func goodName(name, cite string, bucket func(t *T) string) Case {
	return Case{name, cite, func(t *T) {
		b := bucket(t)
		if t.Status("CreateBucket "+b, t.Do(Request{Method: "PUT", Bucket: b}), 200) {
			t.Status("HeadBucket "+b, t.Do(Request{Method: "HEAD", Bucket: b}), 200)
		}
	}}
}

// fill pads a fresh bucket name with 'a' to n characters.
func fill(t *T, n int) string {
	b := t.BucketName()
	return b + strings.Repeat("a", n-len(b))
}

// Bucket naming rules (general purpose buckets).
func init() {
	const rules = "Bucket naming rules: "
	register(
		badName("bucket/name-too-short", rules+"3 to 63 characters (2 is 400 InvalidBucketName)", "ab"),
		badName("bucket/name-too-long", rules+"3 to 63 characters (64 is 400 InvalidBucketName)", strings.Repeat("a", 64)),
		badName("bucket/name-uppercase", rules+"lowercase letters, numbers, dots and hyphens only (uppercase refused)", "Upper-Case"),
		badName("bucket/name-underscore", rules+"lowercase letters, numbers, dots and hyphens only (underscore refused)", "foo_bar"),
		badName("bucket/name-starts-with-hyphen", rules+"must begin with a letter or number", "-foo"),
		badName("bucket/name-ends-with-hyphen", rules+"must end with a letter or number", "foo-"),
		badName("bucket/name-ends-with-dot", rules+"must end with a letter or number", "foo."),
		badName("bucket/name-adjacent-dots", rules+"must not contain two adjacent periods", "foo..bar"),
		badName("bucket/name-ip-address", rules+"must not be formatted as an IP address", "192.168.5.4"),
		badName("bucket/name-dot-hyphen", rules+"DNS-compatible: each dot-separated label begins and ends with a letter or number ('.-' refused)", "foo.-bar"),
		badName("bucket/name-hyphen-dot", rules+"DNS-compatible: each dot-separated label begins and ends with a letter or number ('-.' refused)", "foo-.bar"),
		badName("bucket/name-xn-prefix", rules+"must not start with the prefix xn--", "xn--foo"),
		badName("bucket/name-sthree-prefix", rules+"must not start with the prefix sthree-", "sthree-foo"),
		badName("bucket/name-s3alias-suffix", rules+"must not end with the suffix -s3alias", "foo-s3alias"),
		badName("bucket/name-ol-s3-suffix", rules+"must not end with the suffix --ol-s3", "foo--ol-s3"),
		badName("bucket/name-demo-prefix", rules+"must not start with the prefix amzn-s3-demo-", "amzn-s3-demo-foo"),
		badName("bucket/name-mrap-suffix", rules+"must not end with the suffix .mrap", "foo.mrap"),
		badName("bucket/name-x-s3-suffix", rules+"must not end with the suffix --x-s3 (directory buckets)", "foo--x-s3"),
		goodName("bucket/name-63-characters", rules+"63 characters is valid",
			func(t *T) string { return fill(t, 63) }),
		goodName("bucket/name-3-characters", rules+"3 characters is valid",
			func(*T) string { return "s3c" }),
		goodName("bucket/name-dots-and-digits", rules+"dots between labels and a leading digit are valid",
			func(t *T) string { return "0." + t.BucketName() + ".example" }),
	)
}

type listBucketsResult struct {
	XMLName           xml.Name `xml:"ListAllMyBucketsResult"`
	Owner             *owner   `xml:"Owner"`
	Prefix            *string  `xml:"Prefix"`
	ContinuationToken *string  `xml:"ContinuationToken"`
	Buckets           []struct {
		Name         string `xml:"Name"`
		CreationDate string `xml:"CreationDate"`
	} `xml:"Buckets>Bucket"`
}

// CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.
func init() {
	register(
		Case{"bucket/create-head-delete",
			"CreateBucket 200 with Location /name; HeadBucket 200; DeleteBucket of an empty bucket 204; HeadBucket then 404",
			func(t *T) {
				b := t.BucketName()
				r := t.Do(Request{Method: "PUT", Bucket: b})
				if !t.Status("CreateBucket", r, 200) {
					return
				}
				t.HeaderIs("CreateBucket", r, "Location", "/"+b)
				t.Status("HeadBucket", t.Do(Request{Method: "HEAD", Bucket: b}), 200)
				t.Status("DeleteBucket", t.Do(Request{Method: "DELETE", Bucket: b}), 204)
				h := t.Do(Request{Method: "HEAD", Bucket: b})
				t.Status("HeadBucket after delete", h, 404)
				t.Body("HeadBucket after delete", h, nil)
			}},
		Case{"bucket/create-existing-own",
			"CreateBucket of a bucket you already own, in us-east-1: 200 (the bucket and its objects kept)",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "kept")
				t.Status("CreateBucket again", t.Do(Request{Method: "PUT", Bucket: b}), 200)
				t.Stored("CreateBucket again", b, "kept", []byte("kept"))
			}},
		Case{"bucket/delete-not-empty",
			"DeleteBucket of a bucket holding objects: 409 BucketNotEmpty, bucket kept",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k")
				t.Error("DeleteBucket", t.Do(Request{Method: "DELETE", Bucket: b}), 409, "BucketNotEmpty")
				t.Status("HeadBucket", t.Do(Request{Method: "HEAD", Bucket: b}), 200)
			}},
		Case{"bucket/delete-missing",
			"DeleteBucket of a bucket that does not exist: 404 NoSuchBucket",
			func(t *T) {
				t.Error("DeleteBucket", t.Do(Request{Method: "DELETE", Bucket: t.BucketName()}), 404, "NoSuchBucket")
			}},
		Case{"bucket/head-missing",
			"HeadBucket of a bucket that does not exist: 404, no body",
			func(t *T) {
				h := t.Do(Request{Method: "HEAD", Bucket: t.BucketName()})
				t.Status("HeadBucket", h, 404)
				t.Body("HeadBucket", h, nil)
			}},
		Case{"bucket/list-buckets",
			"ListBuckets (GET /): ListAllMyBucketsResult with Owner (ID) and every bucket with Name and CreationDate",
			func(t *T) {
				b1, b2 := t.NewBucket(), t.NewBucket()
				r := t.Do(Request{Method: "GET"})
				var l listBucketsResult
				if !t.Status("ListBuckets", r, 200) || !t.XML("ListBuckets", r, &l) {
					return
				}
				if l.Owner == nil || l.Owner.ID == "" {
					t.Errorf("ListBuckets: no Owner ID")
				}
				found := 0
				for _, x := range l.Buckets {
					if x.Name == b1 || x.Name == b2 {
						found++
						if x.CreationDate == "" {
							t.Errorf("%s: no CreationDate", x.Name)
						}
					}
				}
				Equal(t, "new buckets listed", found, 2)
			}},
		Case{"bucket/list-buckets-paginated",
			"ListBuckets with prefix and max-buckets: only the buckets with that prefix, Prefix echoed, a ContinuationToken while more remain, continuation-token resumes",
			func(t *T) {
				b1, b2 := t.NewBucket(), t.NewBucket()
				prefix := b1[:len(b1)-1] // both names but for their last character
				var got []string
				token := ""
				for page := 1; page <= 3; page++ {
					q := "max-buckets=1&prefix=" + prefix
					if token != "" {
						q += "&continuation-token=" + url.QueryEscape(token)
					}
					r := t.Do(Request{Method: "GET", Query: q})
					var l listBucketsResult
					if !t.Status(fmt.Sprintf("ListBuckets page %d", page), r, 200) ||
						!t.XML(fmt.Sprintf("ListBuckets page %d", page), r, &l) {
						return
					}
					if len(l.Buckets) > 1 {
						t.Errorf("page %d: %d buckets for max-buckets=1", page, len(l.Buckets))
					}
					for _, x := range l.Buckets {
						got = append(got, x.Name)
					}
					t.strField(fmt.Sprintf("page %d Prefix", page), l.Prefix, prefix)
					if l.ContinuationToken == nil || *l.ContinuationToken == "" {
						break
					}
					token = *l.ContinuationToken
				}
				t.Strings("buckets over the pages", got, []string{b1, b2})
			}},
		Case{"bucket/location",
			"GetBucketLocation of a us-east-1 bucket: an empty LocationConstraint",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "GET", Bucket: b, Query: "location"})
				var l struct {
					XMLName xml.Name `xml:"LocationConstraint"`
					Value   string   `xml:",chardata"`
				}
				if t.Status("GetBucketLocation", r, 200) && t.XML("GetBucketLocation", r, &l) {
					Equal(t, "LocationConstraint", l.Value, "")
				}
			}},
		Case{"bucket/delete-then-recreate-empty",
			"A deleted bucket's objects are gone: the same name created again is empty",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k")
				t.Status("DeleteObject", t.Do(Request{Method: "DELETE", Bucket: b, Key: "k"}), 204)
				t.Status("DeleteBucket", t.Do(Request{Method: "DELETE", Bucket: b}), 204)
				t.Status("CreateBucket again", t.Do(Request{Method: "PUT", Bucket: b}), 200)
				l := t.listV2("list", b, "")
				t.Strings("keys", keysOf(l.Contents), []string{})
			}},
	)
}
