package suite

import (
	"encoding/xml"
	"net/url"
)

type versioningConfiguration struct {
	XMLName xml.Name `xml:"VersioningConfiguration"`
	Status  *string  `xml:"Status"`
}

// Versions on a bucket that never had versioning: GetBucketVersioning,
// versionId=null on objects, and more of ListObjectVersions.
func init() {
	register(
		Case{"list/versioning-unversioned",
			"GetBucketVersioning on a bucket that never had versioning: 200, a VersioningConfiguration without Status",
			func(t *T) {
				b := t.NewBucket()
				r := t.Do(Request{Method: "GET", Bucket: b, Query: "versioning"})
				var c versioningConfiguration
				if t.Status("GetBucketVersioning", r, 200) && t.XML("GetBucketVersioning", r, &c) && c.Status != nil {
					t.Errorf("Status %q on a bucket never versioned, S3 sends none", *c.Status)
				}
			}},
		Case{"list/versions-get-version-null",
			"GetObject versionId=null on an unversioned bucket: the object (its one version)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("only"), nil)
				t.Body("GET ?versionId=null", t.Do(Request{Method: "GET", Bucket: b, Key: "k", Query: "versionId=null"}), []byte("only"))
			}},
		Case{"list/versions-get-version-other",
			"GetObject with a malformed version id on an unversioned bucket: 400 InvalidArgument (Invalid version id specified)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "k", []byte("only"), nil)
				t.Error("GET ?versionId", t.Do(Request{Method: "GET", Bucket: b, Key: "k", Query: "versionId=not-a-version"}),
					400, "InvalidArgument")
			}},
		Case{"list/versions-no-bucket",
			"ListObjectVersions on a bucket that does not exist: 404 NoSuchBucket",
			func(t *T) {
				t.Error("list", t.Do(Request{Method: "GET", Bucket: t.BucketName(), Query: "versions"}), 404, "NoSuchBucket")
			}},
		Case{"list/versions-pages-over-common-prefixes",
			"ListObjectVersions delimiter with max-keys: a common prefix counts once, and NextKeyMarker after it resumes past its keys",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a", "d/1", "d/2", "z")
				r := t.Do(Request{Method: "GET", Bucket: b, Query: "versions&delimiter=%2F&max-keys=2"})
				var l listVersionsResult
				if !t.Status("page 1", r, 200) || !t.XML("page 1", r, &l) {
					return
				}
				var keys []string
				for _, v := range l.Versions {
					keys = append(keys, v.Key)
				}
				t.Strings("page 1 keys", keys, []string{"a"})
				t.Strings("page 1 CommonPrefixes", prefixesOf(l.CommonPrefixes), []string{"d/"})
				t.truncated("page 1", l.IsTruncated, true)
				t.strField("NextKeyMarker", l.NextKeyMarker, "d/")
				r = t.Do(Request{Method: "GET", Bucket: b, Query: "versions&delimiter=%2F&max-keys=2&key-marker=" + url.QueryEscape(str(l.NextKeyMarker))})
				l = listVersionsResult{}
				if !t.Status("page 2", r, 200) || !t.XML("page 2", r, &l) {
					return
				}
				keys = nil
				for _, v := range l.Versions {
					keys = append(keys, v.Key)
				}
				t.Strings("page 2 keys", keys, []string{"z"})
				t.Strings("page 2 CommonPrefixes", prefixesOf(l.CommonPrefixes), []string{})
				t.truncated("page 2", l.IsTruncated, false)
			}},
		Case{"list/versions-id-marker-alone",
			"ListObjectVersions version-id-marker without key-marker: 400 InvalidArgument",
			func(t *T) {
				b := t.NewBucket()
				t.Error("list", t.Do(Request{Method: "GET", Bucket: b, Query: "versions&version-id-marker=null"}), 400, "InvalidArgument")
			}},
	)
}
