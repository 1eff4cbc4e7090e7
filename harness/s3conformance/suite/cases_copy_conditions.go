package suite

import "time"

// CopyObject's source conditions, source versions and malformed sources.
// The object is condObject's "c"; dates are its Last-Modified or a day
// away from it.

func copyCond(name, cite string, status int, headers func(etag string, lm time.Time) map[string]string) Case {
	return Case{"copy/" + name, cite, func(t *T) {
		b, etag, lm := condObject(t)
		r := t.copyObject(b, "dst", copySource(b, "c"), headers(etag, lm))
		if status == 200 {
			if t.Status("CopyObject", r, 200) {
				t.Stored("copy", b, "dst", []byte("conditional"))
			}
			return
		}
		t.Error("CopyObject", r, status, "PreconditionFailed")
		t.Stored("CopyObject refused", b, "dst", nil)
	}}
}

func init() {
	const day = 24 * time.Hour
	register(
		copyCond("if-match-same", "CopyObject x-amz-copy-source-if-match with the source's ETag: 200, copied", 200,
			func(etag string, _ time.Time) map[string]string { return hdr("x-amz-copy-source-if-match", etag) }),
		copyCond("if-none-match-other", "CopyObject x-amz-copy-source-if-none-match with another ETag: 200, copied", 200,
			func(string, time.Time) map[string]string {
				return hdr("x-amz-copy-source-if-none-match", `"00000000000000000000000000000000"`)
			}),
		copyCond("if-unmodified-since-earlier", "CopyObject x-amz-copy-source-if-unmodified-since a day before the source's Last-Modified: 412 PreconditionFailed", 412,
			func(_ string, lm time.Time) map[string]string {
				return hdr("x-amz-copy-source-if-unmodified-since", httpDate(lm.Add(-day)))
			}),
		copyCond("if-unmodified-since-later", "CopyObject x-amz-copy-source-if-unmodified-since a day after the source's Last-Modified: 200", 200,
			func(_ string, lm time.Time) map[string]string {
				return hdr("x-amz-copy-source-if-unmodified-since", httpDate(lm.Add(day)))
			}),
		copyCond("if-modified-since-later", "CopyObject x-amz-copy-source-if-modified-since a day after the source's Last-Modified: 412 PreconditionFailed", 412,
			func(_ string, lm time.Time) map[string]string {
				return hdr("x-amz-copy-source-if-modified-since", httpDate(lm.Add(day)))
			}),
		copyCond("if-modified-since-earlier", "CopyObject x-amz-copy-source-if-modified-since a day before the source's Last-Modified: 200", 200,
			func(_ string, lm time.Time) map[string]string {
				return hdr("x-amz-copy-source-if-modified-since", httpDate(lm.Add(-day)))
			}),
		copyCond("if-match-over-unmodified-since", "CopyObject x-amz-copy-source-if-match true and -if-unmodified-since false: 200 (if-match decides)", 200,
			func(etag string, lm time.Time) map[string]string {
				return hdr("x-amz-copy-source-if-match", etag, "x-amz-copy-source-if-unmodified-since", httpDate(lm.Add(-day)))
			}),
		copyCond("if-none-match-over-modified-since", "CopyObject x-amz-copy-source-if-none-match false and -if-modified-since true: 412 PreconditionFailed", 412,
			func(etag string, lm time.Time) map[string]string {
				return hdr("x-amz-copy-source-if-none-match", etag, "x-amz-copy-source-if-modified-since", httpDate(lm.Add(-day)))
			}),
		Case{"copy/source-version-null",
			"CopyObject x-amz-copy-source ?versionId=null on an unversioned bucket: the object's one version, copied",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "src", []byte("v"), nil)
				if t.Status("CopyObject", t.copyObject(b, "dst", copySource(b, "src")+"?versionId=null", nil), 200) {
					t.Stored("copy", b, "dst", []byte("v"))
				}
			}},
		Case{"copy/source-version-invalid",
			"CopyObject x-amz-copy-source ?versionId= a malformed version on an unversioned bucket: 400 InvalidArgument",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "src", []byte("v"), nil)
				r := t.copyObject(b, "dst", copySource(b, "src")+"?versionId=not-a-version", nil)
				t.Error("CopyObject", r, 400, "InvalidArgument")
				t.Stored("CopyObject refused", b, "dst", nil)
			}},
		Case{"copy/source-without-key",
			"CopyObject x-amz-copy-source naming a bucket and no key: 400 InvalidArgument",
			func(t *T) {
				b := t.NewBucket()
				t.Error("CopyObject", t.copyObject(b, "dst", "/"+b, nil), 400, "InvalidArgument")
			}},
	)
}
