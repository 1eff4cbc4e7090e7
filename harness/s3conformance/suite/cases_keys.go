package suite

import "sort"

// pathLikeKeys are keys a path would resolve or squash; S3 keeps each as
// written, none of them the same object as the key its path names.
var pathLikeKeys = []string{"a/../b", "./c", "d//e", "folder/"}

// Keys are names, not paths: S3 keeps a key and the keys it is a prefix
// of side by side, and keys that look like paths as written.
func init() {
	register(
		Case{"object/key-and-its-prefix",
			"Object keys are flat names: a, a/b and a/b/c exist together, in either order of writing, each read back as written",
			func(t *T) {
				b := t.NewBucket()
				for _, k := range []string{"a/b", "a", "a/b/c"} {
					t.Put(b, k, []byte("body of "+k), nil)
				}
				for _, k := range []string{"a", "a/b", "a/b/c"} {
					t.Stored("GET "+k, b, k, []byte("body of "+k))
				}
			}},
		Case{"object/key-invalid-utf8",
			"Object key names are Unicode characters encoded in UTF-8: a key whose bytes are not UTF-8 is 400 InvalidURI",
			func(t *T) {
				b := t.NewBucket()
				for _, k := range []string{"\xff", "caf\xc3", "a\xc0\xafb"} {
					r := t.Do(Request{Method: "PUT", Bucket: b, Key: k, Body: []byte("x")})
					t.Error("PUT "+EscapeKey(k), r, 400, "InvalidURI")
				}
			}},
		Case{"list/keys-are-names",
			"ListObjectsV2 lists keys as written ('a/../b', './c', 'd//e', 'folder/' beside 'b'), in UTF-8 binary order; the delimiter splits them at their first '/' after the prefix",
			func(t *T) {
				b := t.NewBucket()
				t.PutKeys(b, append([]string{"b", "folder/x"}, pathLikeKeys...)...)
				l := t.listV2("list", b, "")
				want := append([]string{"b", "folder/x"}, pathLikeKeys...)
				sort.Strings(want)
				t.Strings("keys", keysOf(l.Contents), want)
				l = t.listV2("list /", b, "delimiter=%2F")
				t.Strings("keys (/)", keysOf(l.Contents), []string{"b"})
				t.Strings("CommonPrefixes (/)", prefixesOf(l.CommonPrefixes), []string{"./", "a/", "d/", "folder/"})
				l = t.listV2("list d/ /", b, "prefix=d%2F&delimiter=%2F")
				t.Strings("CommonPrefixes (d/, /)", prefixesOf(l.CommonPrefixes), []string{"d//"})
				l = t.listV2("list folder/ /", b, "prefix=folder%2F&delimiter=%2F")
				t.Strings("keys (folder/, /)", keysOf(l.Contents), []string{"folder/", "folder/x"})
			}},
		Case{"copy/keys-are-names",
			"CopyObject takes keys as written: from 'a/../b' (x-amz-copy-source URL-encoded) onto 'd//e' and 'folder/'; 'b' is untouched",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "a/../b", []byte("dots"), nil)
				t.Put(b, "b", []byte("plain"), nil)
				for _, dst := range []string{"d//e", "folder/"} {
					if t.Status("CopyObject onto "+dst, t.copyObject(b, dst, copySource(b, "a/../b"), nil), 200) {
						t.Stored("copy "+dst, b, dst, []byte("dots"))
					}
				}
				t.Stored("b after the copies", b, "b", []byte("plain"))
			}},
		Case{"delete/multi-keys-are-names",
			"DeleteObjects takes keys as written: 'a/../b', './c', 'd//e', 'folder/' deleted, the keys their paths name ('b', 'c', 'd/e', 'folder') kept",
			func(t *T) {
				b := t.NewBucket()
				kept := []string{"b", "c", "d/e", "folder"}
				t.PutKeys(b, append(kept, pathLikeKeys...)...)
				res, ok := t.multiDeleteResult(b, deleteBody(false, pathLikeKeys...), nil)
				if !ok {
					return
				}
				want := append([]string(nil), pathLikeKeys...)
				sort.Strings(want)
				t.Strings("Deleted keys", res.deletedKeys(), want)
				for _, k := range pathLikeKeys {
					t.Stored("deleted "+k, b, k, nil)
				}
				l := t.listV2("list", b, "")
				t.Strings("keys left", keysOf(l.Contents), kept)
			}},
	)
}
