package suite

// Keys are names, not paths: S3 keeps a key and the keys it is a prefix
// of side by side.
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
	)
}
