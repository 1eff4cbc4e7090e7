package suite

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func (t *T) listV2(what, bucket, query string) listV2Result {
	q := "list-type=2"
	if query != "" {
		q += "&" + query
	}
	r := t.Do(Request{Method: "GET", Bucket: bucket, Query: q})
	var res listV2Result
	if !t.Status(what, r, 200) || !t.XML(what, r, &res) {
		panic(failNow{})
	}
	return res
}

func (t *T) listV1(what, bucket, query string) listV1Result {
	r := t.Do(Request{Method: "GET", Bucket: bucket, Query: query})
	var res listV1Result
	if !t.Status(what, r, 200) || !t.XML(what, r, &res) {
		panic(failNow{})
	}
	return res
}

func (t *T) truncated(what string, p *bool, want bool) {
	if p == nil {
		t.Errorf("%s: no IsTruncated, S3 always sends it", what)
	} else {
		Equal(t, what+" IsTruncated", *p, want)
	}
}

func (t *T) intField(what string, p *int, want int) {
	if p == nil {
		t.Errorf("%s: absent, S3 sends %d", what, want)
	} else {
		Equal(t, what, *p, want)
	}
}

func (t *T) strField(what string, p *string, want string) {
	if p == nil {
		t.Errorf("%s: absent, S3 sends %q", what, want)
	} else {
		Equal(t, what, *p, want)
	}
}

// ListObjectsV2.
func init() {
	register(
		Case{"list/v2-basic",
			"ListObjectsV2: every key in ascending order with Key, LastModified, ETag, Size, StorageClass; Name, Prefix, MaxKeys 1000, KeyCount, IsTruncated false",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "b", "a/b", "c/d", "a")
				l := t.listV2("list", b, "")
				t.Strings("keys", keysOf(l.Contents), []string{"a", "a/b", "b", "c/d"})
				Equal(t, "Name", l.Name, b)
				t.strField("Prefix", l.Prefix, "")
				t.intField("MaxKeys", l.MaxKeys, 1000)
				t.intField("KeyCount", l.KeyCount, 4)
				t.truncated("list", l.IsTruncated, false)
				for _, e := range l.Contents {
					Equal(t, e.Key+" ETag", e.ETag, ETagOf([]byte(e.Key)))
					Equal(t, e.Key+" Size", e.Size, int64(len(e.Key)))
					Equal(t, e.Key+" StorageClass", e.StorageClass, "STANDARD")
					if e.LastModified == "" {
						t.Errorf("%s: no LastModified", e.Key)
					}
				}
			}},
		Case{"list/v2-utf8-order",
			"ListObjectsV2 returns keys in UTF-8 binary order",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "\u00e9", "a", "Z", "~", "0")
				l := t.listV2("list", b, "")
				t.Strings("keys", keysOf(l.Contents), []string{"0", "Z", "a", "~", "\u00e9"})
			}},
		Case{"list/v2-prefix",
			"ListObjectsV2 prefix: only keys that begin with it, Prefix echoed",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "foo/a", "foo/b", "foobar", "bar")
				l := t.listV2("list", b, "prefix=foo%2F")
				t.Strings("keys", keysOf(l.Contents), []string{"foo/a", "foo/b"})
				t.strField("Prefix", l.Prefix, "foo/")
			}},
		Case{"list/v2-delimiter",
			"ListObjectsV2 delimiter: keys holding it after the prefix roll up into CommonPrefixes, Delimiter echoed, KeyCount counts both",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a/1", "a/2", "b/1", "c")
				l := t.listV2("list", b, "delimiter=%2F")
				t.Strings("keys", keysOf(l.Contents), []string{"c"})
				t.Strings("CommonPrefixes", prefixesOf(l.CommonPrefixes), []string{"a/", "b/"})
				t.strField("Delimiter", l.Delimiter, "/")
				t.intField("KeyCount", l.KeyCount, 3)
			}},
		Case{"list/v2-prefix-ending-in-delimiter",
			"ListObjectsV2 with a prefix ending in the delimiter lists that level: its keys, and its subfolders as CommonPrefixes",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "dir/a", "dir/sub/b", "dir/sub/c", "dirx", "dir/z/y/x")
				l := t.listV2("list", b, "prefix=dir%2F&delimiter=%2F")
				t.Strings("keys", keysOf(l.Contents), []string{"dir/a"})
				t.Strings("CommonPrefixes", prefixesOf(l.CommonPrefixes), []string{"dir/sub/", "dir/z/"})
			}},
		Case{"list/v2-delimiter-other-than-slash",
			"ListObjectsV2 delimiter is any string: 'a' splits bar, baz, cab into ba, ca; '::' works as one delimiter",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "bar", "baz", "cab", "foo")
				l := t.listV2("list a", b, "delimiter=a")
				t.Strings("keys (a)", keysOf(l.Contents), []string{"foo"})
				t.Strings("CommonPrefixes (a)", prefixesOf(l.CommonPrefixes), []string{"ba", "ca"})
				b2 := t.NewBucket()
				t.PutKeys(b2, "x::y::z", "x::w", "v")
				l = t.listV2("list ::", b2, "delimiter=%3A%3A")
				t.Strings("keys (::)", keysOf(l.Contents), []string{"v"})
				t.Strings("CommonPrefixes (::)", prefixesOf(l.CommonPrefixes), []string{"x::"})
			}},
		Case{"list/v2-max-keys-pages",
			"ListObjectsV2 max-keys pages: IsTruncated and NextContinuationToken while more remain, continuation-token resumes and is echoed as ContinuationToken",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k1", "k2", "k3", "k4", "k5")
				var got []string
				token := ""
				for page := 1; page <= 3; page++ {
					q := "max-keys=2"
					if token != "" {
						q += "&continuation-token=" + url.QueryEscape(token)
					}
					l := t.listV2(fmt.Sprintf("page %d", page), b, q)
					got = append(got, keysOf(l.Contents)...)
					t.intField(fmt.Sprintf("page %d MaxKeys", page), l.MaxKeys, 2)
					t.intField(fmt.Sprintf("page %d KeyCount", page), l.KeyCount, []int{2, 2, 1}[page-1])
					if token != "" {
						t.strField(fmt.Sprintf("page %d ContinuationToken", page), l.ContinuationToken, token)
					}
					t.truncated(fmt.Sprintf("page %d", page), l.IsTruncated, page < 3)
					if page < 3 {
						if l.NextContinuationToken == nil || *l.NextContinuationToken == "" {
							t.Fatalf("page %d: truncated without NextContinuationToken", page)
						}
						token = *l.NextContinuationToken
					} else if l.NextContinuationToken != nil {
						t.Errorf("last page: NextContinuationToken %q, S3 sends none", *l.NextContinuationToken)
					}
				}
				t.Strings("keys over the pages", got, []string{"k1", "k2", "k3", "k4", "k5"})
			}},
		Case{"list/v2-max-keys-zero",
			"ListObjectsV2 max-keys=0: no keys, KeyCount 0, MaxKeys 0, IsTruncated false",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "bar", "baz")
				l := t.listV2("list", b, "max-keys=0")
				t.Strings("keys", keysOf(l.Contents), []string{})
				t.intField("KeyCount", l.KeyCount, 0)
				t.intField("MaxKeys", l.MaxKeys, 0)
				t.truncated("list", l.IsTruncated, false)
			}},
		Case{"list/v2-max-keys-invalid",
			"ListObjectsV2 max-keys that is not a non-negative integer: 400 InvalidArgument",
			func(t *T) {
				b := t.NewBucket()
				for _, v := range []string{"abc", "-1"} {
					r := t.Do(Request{Method: "GET", Bucket: b, Query: "list-type=2&max-keys=" + v})
					t.Error("max-keys="+v, r, 400, "InvalidArgument")
				}
			}},
		Case{"list/v2-start-after",
			"ListObjectsV2 start-after: keys after it in order, whether or not it is a key; StartAfter echoed",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a", "b", "c", "d")
				l := t.listV2("start-after=b", b, "start-after=b")
				t.Strings("keys after b", keysOf(l.Contents), []string{"c", "d"})
				t.strField("StartAfter", l.StartAfter, "b")
				l = t.listV2("start-after=bb", b, "start-after=bb")
				t.Strings("keys after bb", keysOf(l.Contents), []string{"c", "d"})
				l = t.listV2("start-after=zz", b, "start-after=zz")
				t.Strings("keys after zz", keysOf(l.Contents), []string{})
				t.truncated("start-after=zz", l.IsTruncated, false)
			}},
		Case{"list/v2-pages-over-common-prefixes",
			"ListObjectsV2 max-keys counts common prefixes too; a continuation token after a common prefix does not repeat it",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a/1", "a/2", "b/1", "b/2", "c", "d/1")
				var got []string
				token := ""
				for page := 1; page <= 5; page++ {
					q := "max-keys=1&delimiter=%2F"
					if token != "" {
						q += "&continuation-token=" + url.QueryEscape(token)
					}
					l := t.listV2(fmt.Sprintf("page %d", page), b, q)
					got = append(got, keysOf(l.Contents)...)
					got = append(got, prefixesOf(l.CommonPrefixes)...)
					if l.IsTruncated == nil || !*l.IsTruncated {
						break
					}
					if l.NextContinuationToken == nil {
						t.Fatalf("page %d: truncated without NextContinuationToken", page)
					}
					token = *l.NextContinuationToken
				}
				t.Strings("entries over the pages", got, []string{"a/", "b/", "c", "d/"})
			}},
		Case{"list/v2-fetch-owner",
			"ListObjectsV2 fetch-owner=true: each Contents has Owner (ID); without it no Owner is returned",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k")
				l := t.listV2("fetch-owner=true", b, "fetch-owner=true")
				if len(l.Contents) != 1 || l.Contents[0].Owner == nil || l.Contents[0].Owner.ID == "" {
					t.Errorf("fetch-owner=true: no Owner with an ID in Contents")
				}
				l = t.listV2("default", b, "")
				if len(l.Contents) == 1 && l.Contents[0].Owner != nil {
					t.Errorf("without fetch-owner: Owner returned, S3 omits it")
				}
			}},
		Case{"list/v2-encoding-type-url",
			"ListObjectsV2 encoding-type=url: Key, Prefix, Delimiter and StartAfter URL-encoded in the reply, EncodingType echoed",
			func(t *T) {
				b := t.NewBucket()
				keys := []string{"p q/a+b", "p q/caf\u00e9", "p q/z"}
				t.PutKeys(b, keys...)
				l := t.listV2("list", b, "encoding-type=url&prefix=p%20q%2F&delimiter=%2B&start-after=p%20q%2F0")
				t.strField("EncodingType", l.EncodingType, "url")
				var raw []string
				for _, e := range l.Contents {
					raw = append(raw, e.Key)
				}
				raw = append(raw, prefixesOf(l.CommonPrefixes)...)
				raw = append(raw, str(l.Prefix), str(l.Delimiter), str(l.StartAfter))
				var dec []string
				for _, s := range raw {
					if strings.ContainsAny(s, " +") || strings.IndexFunc(s, func(r rune) bool { return r > 0x7e }) >= 0 {
						t.Errorf("%q is not URL-encoded", s)
					}
					d, err := url.QueryUnescape(s)
					if err != nil {
						t.Errorf("%q: %v", s, err)
					}
					dec = append(dec, d)
				}
				t.Strings("decoded keys, prefixes, Prefix, Delimiter, StartAfter", dec,
					[]string{"p q/caf\u00e9", "p q/z", "p q/a+", "p q/", "+", "p q/0"})
			}},
		Case{"list/v2-encoding-type-invalid",
			"ListObjectsV2 encoding-type other than url: 400 InvalidArgument",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "GET", Bucket: b, Query: "list-type=2&encoding-type=base64"})
				t.Error("list", r, 400, "InvalidArgument")
			}},
		Case{"list/v2-no-bucket",
			"ListObjectsV2 on a bucket that does not exist: 404 NoSuchBucket",
			func(t *T) {
				r := t.Do(Request{Method: "GET", Bucket: t.BucketName(), Query: "list-type=2"})
				t.Error("list", r, 404, "NoSuchBucket")
			}},
		Case{"list/v2-invalid-token",
			"ListObjectsV2 with a continuation-token the server never issued: 400 InvalidArgument",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k")
				r := t.Do(Request{Method: "GET", Bucket: b, Query: "list-type=2&continuation-token=%21%21not-a-token%21%21"})
				t.Error("list", r, 400, "InvalidArgument")
			}},
		Case{"list/v2-empty-bucket",
			"ListObjectsV2 of an empty bucket: KeyCount 0, no Contents, IsTruncated false",
			func(t *T) {
				b := t.NewBucket()
				l := t.listV2("list", b, "")
				t.intField("KeyCount", l.KeyCount, 0)
				t.Strings("keys", keysOf(l.Contents), []string{})
				t.truncated("list", l.IsTruncated, false)
			}},
		Case{"list/v2-sdk-paginator",
			"ListObjectsV2 through aws-sdk-go-v2's paginator (MaxKeys 5) returns every key once, in order",
			func(t *T) {
				b := t.NewBucket()
				var want []string
				for i := 0; i < 23; i++ {
					want = append(want, fmt.Sprintf("key-%02d", i))
				}
				t.PutKeys(b, want...)
				p := s3.NewListObjectsV2Paginator(t.SDK(), &s3.ListObjectsV2Input{Bucket: aws.String(b), MaxKeys: aws.Int32(5)})
				var got []string
				for pages := 0; p.HasMorePages(); pages++ {
					if pages > 10 {
						t.Fatalf("more than 10 pages for 23 keys")
					}
					out, err := p.NextPage(context.Background())
					if err != nil {
						t.Fatalf("page %d: %v", pages+1, err)
					}
					for _, o := range out.Contents {
						got = append(got, aws.ToString(o.Key))
					}
				}
				t.Strings("keys", got, want)
			}},
	)
}

// ListObjects (version 1).
func init() {
	register(
		Case{"list/v1-basic",
			"ListObjects (v1): keys in order with Owner in each Contents, Marker echoed (empty), MaxKeys 1000, IsTruncated false",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "b", "a")
				l := t.listV1("list", b, "")
				t.Strings("keys", keysOf(l.Contents), []string{"a", "b"})
				t.strField("Marker", l.Marker, "")
				t.intField("MaxKeys", l.MaxKeys, 1000)
				t.truncated("list", l.IsTruncated, false)
				for _, e := range l.Contents {
					if e.Owner == nil || e.Owner.ID == "" {
						t.Errorf("%s: no Owner, ListObjects v1 always returns it", e.Key)
					}
				}
			}},
		Case{"list/v1-marker",
			"ListObjects (v1) marker: keys after it, Marker echoed",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a", "b", "c", "d")
				l := t.listV1("list", b, "marker=b")
				t.Strings("keys", keysOf(l.Contents), []string{"c", "d"})
				t.strField("Marker", l.Marker, "b")
			}},
		Case{"list/v1-pages",
			"ListObjects (v1) truncated at max-keys: resuming with marker = NextMarker or, when absent, the last Key lists the rest",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k1", "k2", "k3")
				l := t.listV1("page 1", b, "max-keys=2")
				t.Strings("page 1 keys", keysOf(l.Contents), []string{"k1", "k2"})
				t.truncated("page 1", l.IsTruncated, true)
				marker := "k2"
				if l.NextMarker != nil {
					marker = *l.NextMarker
				}
				l = t.listV1("page 2", b, "max-keys=2&marker="+url.QueryEscape(marker))
				t.Strings("page 2 keys", keysOf(l.Contents), []string{"k3"})
				t.truncated("page 2", l.IsTruncated, false)
			}},
		Case{"list/v1-next-marker-with-delimiter",
			"ListObjects (v1) with a delimiter, truncated: NextMarker is the last key or common prefix returned, and resumes after it",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a/1", "a/2", "b", "c/1")
				l := t.listV1("page 1", b, "delimiter=%2F&max-keys=2")
				t.Strings("page 1 keys", keysOf(l.Contents), []string{"b"})
				t.Strings("page 1 prefixes", prefixesOf(l.CommonPrefixes), []string{"a/"})
				t.truncated("page 1", l.IsTruncated, true)
				t.strField("NextMarker", l.NextMarker, "b")
				l = t.listV1("page 2", b, "delimiter=%2F&max-keys=2&marker=b")
				t.Strings("page 2 prefixes", prefixesOf(l.CommonPrefixes), []string{"c/"})
				t.truncated("page 2", l.IsTruncated, false)
			}},
		Case{"list/v1-max-keys-zero",
			"ListObjects (v1) max-keys=0: no keys, IsTruncated false",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a")
				l := t.listV1("list", b, "max-keys=0")
				t.Strings("keys", keysOf(l.Contents), []string{})
				t.truncated("list", l.IsTruncated, false)
			}},
		Case{"list/v1-encoding-type-url",
			"ListObjects (v1) encoding-type=url: Key URL-encoded, EncodingType echoed",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a b\u00e9")
				l := t.listV1("list", b, "encoding-type=url")
				t.strField("EncodingType", l.EncodingType, "url")
				if len(l.Contents) == 1 {
					k := l.Contents[0].Key
					d, err := url.QueryUnescape(k)
					if strings.ContainsAny(k, " \u00e9") || err != nil || d != "a b\u00e9" {
						t.Errorf("Key %q is not %q URL-encoded", k, "a b\u00e9")
					}
				} else {
					t.Errorf("%d keys listed, 1 put", len(l.Contents))
				}
			}},
		Case{"list/v1-encoding-type-url-prefix",
			"ListObjects (v1) encoding-type=url encodes Key, Delimiter, Marker and NextMarker but returns Prefix as sent: botocore (boto3, the AWS CLI) decodes only those, so an encoded Prefix reaches its users encoded",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a b/c")
				l := t.listV1("list", b, "encoding-type=url&prefix=a%20b%2F")
				t.strField("Prefix", l.Prefix, "a b/")
				if len(l.Contents) != 1 {
					t.Fatalf("%d keys listed, 1 put under the prefix", len(l.Contents))
				}
				if d, err := url.QueryUnescape(l.Contents[0].Key); err != nil || d != "a b/c" || l.Contents[0].Key == d {
					t.Errorf("Key %q is not %q URL-encoded", l.Contents[0].Key, "a b/c")
				}
			}},
	)
}

// ListObjectVersions on a bucket that never had versioning.
func init() {
	register(
		Case{"list/versions-unversioned",
			"ListObjectVersions on an unversioned bucket: each object once as a Version with VersionId null, IsLatest true, its ETag and Size",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "x", "a/b")
				r := t.Do(Request{Method: "GET", Bucket: b, Query: "versions"})
				var l listVersionsResult
				if !t.Status("list", r, 200) || !t.XML("list", r, &l) {
					return
				}
				Equal(t, "Name", l.Name, b)
				var keys []string
				for _, v := range l.Versions {
					keys = append(keys, v.Key)
					Equal(t, v.Key+" VersionId", v.VersionID, "null")
					Equal(t, v.Key+" IsLatest", v.IsLatest, true)
					Equal(t, v.Key+" ETag", v.ETag, ETagOf([]byte(v.Key)))
					Equal(t, v.Key+" Size", v.Size, int64(len(v.Key)))
				}
				t.Strings("keys", keys, []string{"a/b", "x"})
				Equal(t, "DeleteMarker count", len(l.DeleteMarkers), 0)
				t.truncated("list", l.IsTruncated, false)
			}},
		Case{"list/versions-prefix-delimiter",
			"ListObjectVersions prefix and delimiter: only matching keys, the rest rolled up into CommonPrefixes",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "d/a", "d/s/b", "e")
				r := t.Do(Request{Method: "GET", Bucket: b, Query: "versions&prefix=d%2F&delimiter=%2F"})
				var l listVersionsResult
				if !t.Status("list", r, 200) || !t.XML("list", r, &l) {
					return
				}
				var keys []string
				for _, v := range l.Versions {
					keys = append(keys, v.Key)
				}
				t.Strings("keys", keys, []string{"d/a"})
				t.Strings("CommonPrefixes", prefixesOf(l.CommonPrefixes), []string{"d/s/"})
			}},
		Case{"list/versions-pages",
			"ListObjectVersions max-keys pages: IsTruncated with NextKeyMarker, key-marker resumes after it",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "k1", "k2", "k3")
				r := t.Do(Request{Method: "GET", Bucket: b, Query: "versions&max-keys=2"})
				var l listVersionsResult
				if !t.Status("page 1", r, 200) || !t.XML("page 1", r, &l) {
					return
				}
				Equal(t, "page 1 versions", len(l.Versions), 2)
				t.truncated("page 1", l.IsTruncated, true)
				t.strField("NextKeyMarker", l.NextKeyMarker, "k2")
				r = t.Do(Request{Method: "GET", Bucket: b, Query: "versions&max-keys=2&key-marker=k2"})
				l = listVersionsResult{}
				if !t.Status("page 2", r, 200) || !t.XML("page 2", r, &l) {
					return
				}
				if len(l.Versions) != 1 || l.Versions[0].Key != "k3" {
					t.Errorf("page 2: %d versions, S3 lists k3 alone", len(l.Versions))
				}
				t.truncated("page 2", l.IsTruncated, false)
			}},
		Case{"list/versions-sdk-cleanup",
			"The SDK cleanup idiom: ListObjectVersions then DeleteObject with VersionId null removes each object; DeleteBucket then succeeds",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "one", "two/three")
				ctx := context.Background()
				out, err := t.SDK().ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
				if err != nil {
					t.Fatalf("ListObjectVersions: %v", err)
				}
				if len(out.Versions) != 2 {
					t.Errorf("ListObjectVersions: %d versions, 2 objects stored", len(out.Versions))
				}
				for _, v := range out.Versions {
					if _, err := t.SDK().DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b),
						Key: v.Key, VersionId: v.VersionId}); err != nil {
						t.Errorf("DeleteObject %s version %s: %v", aws.ToString(v.Key), aws.ToString(v.VersionId), err)
					}
				}
				if _, err := t.SDK().DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(b)}); err != nil {
					t.Errorf("DeleteBucket after the cleanup: %v", err)
				}
			}},
	)
}
