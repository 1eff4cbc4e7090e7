package suite

import (
	"fmt"
	"hash/crc32"
	"strings"
)

// DeleteObjects: the digest as a checksum header, the 1000-key limit from
// below, version ids on an unversioned bucket, an empty document.
func init() {
	register(
		Case{"delete/multi-checksum-header",
			"DeleteObjects with x-amz-checksum-crc32 instead of Content-MD5: 200, the objects gone",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a")
				body := deleteBody(false, "a")
				res, ok := t.multiDeleteResult(b, body, map[string]string{"Content-MD5": "",
					"x-amz-checksum-crc32": crc32Of(crc32.IEEETable, body)})
				if ok {
					Equal(t, "Deleted entries", len(res.Deleted), 1)
					t.Stored("DeleteObjects", b, "a", nil)
				}
			}},
		Case{"delete/multi-checksum-mismatch",
			"DeleteObjects whose x-amz-checksum-crc32 does not match the body: 400 BadDigest, nothing deleted",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a")
				r := t.multiDelete(b, deleteBody(false, "a"), map[string]string{"Content-MD5": "",
					"x-amz-checksum-crc32": crc32Of(crc32.IEEETable, []byte("other"))})
				t.Error("DeleteObjects", r, 400, "BadDigest")
				t.Stored("DeleteObjects refused", b, "a", []byte("a"))
			}},
		Case{"delete/multi-1000-keys",
			"DeleteObjects with exactly 1000 keys: 200, 1000 Deleted entries",
			func(t *T) {
				b := t.NewBucket()
				keys := make([]string, 1000)
				for i := range keys {
					keys[i] = fmt.Sprintf("k%04d", i)
				}
				t.PutKeys(b, keys[0], keys[999])
				if res, ok := t.multiDeleteResult(b, deleteBody(false, keys...), nil); ok {
					Equal(t, "Deleted entries", len(res.Deleted), 1000)
					t.Stored("DeleteObjects", b, keys[999], nil)
				}
			}},
		Case{"delete/multi-version-null",
			"DeleteObjects naming VersionId null on an unversioned bucket: the object (its one version) deleted, the VersionId echoed",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, "a")
				body := []byte(`<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key><VersionId>null</VersionId></Object></Delete>`)
				r := t.multiDelete(b, body, nil)
				if t.Status("DeleteObjects", r, 200) {
					if !strings.Contains(string(r.Body), "<VersionId>null</VersionId>") {
						t.Errorf("DeleteObjects: no <VersionId>null</VersionId> in %s", r.Brief())
					}
					t.Stored("DeleteObjects", b, "a", nil)
				}
			}},
		Case{"delete/multi-no-objects",
			"DeleteObjects with a Delete document naming no object: 400 MalformedXML",
			func(t *T) {
				b := t.NewBucket()
				body := []byte(`<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet></Delete>`)
				t.Error("DeleteObjects", t.multiDelete(b, body, nil), 400, "MalformedXML")
			}},
	)
}
