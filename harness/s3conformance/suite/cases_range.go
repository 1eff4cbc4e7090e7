package suite

import "strconv"

const rangeBody = "0123456789"

// rangeCase: GET with Range on the 10-byte object rangeBody answers 206
// with Content-Range and those bytes.
func rangeCase(name, cite, rng string, from, to int) Case {
	return Case{name, cite, func(t *T) {
		b := t.NewBucket()
		t.Put(b, "r", []byte(rangeBody), nil)
		g := t.Get(b, "r", map[string]string{"Range": rng})
		if !t.Status("GET Range: "+rng, g, 206) {
			return
		}
		t.Body("GET Range: "+rng, g, []byte(rangeBody[from:to+1]))
		t.HeaderIs("GET Range: "+rng, g, "Content-Range",
			"bytes "+strconv.Itoa(from)+"-"+strconv.Itoa(to)+"/10")
		t.HeaderIs("GET Range: "+rng, g, "Content-Length", strconv.Itoa(to-from+1))
		t.HeaderIs("GET Range: "+rng, g, "ETag", ETagOf([]byte(rangeBody)))
	}}
}

// GetObject and HeadObject with Range (RFC 9110 byte ranges, one range).
func init() {
	register(
		rangeCase("range/first-bytes", "GetObject Range bytes=0-4: 206 Partial Content, Content-Range bytes 0-4/10, those bytes, the object's ETag", "bytes=0-4", 0, 4),
		rangeCase("range/middle", "GetObject Range bytes=3-6: 206 with bytes 3 to 6 inclusive", "bytes=3-6", 3, 6),
		rangeCase("range/open-end", "GetObject Range bytes=7-: 206 from byte 7 to the end", "bytes=7-", 7, 9),
		rangeCase("range/suffix", "GetObject Range bytes=-3: 206 with the last 3 bytes", "bytes=-3", 7, 9),
		rangeCase("range/suffix-longer-than-object", "GetObject Range bytes=-100 on 10 bytes: 206 with the whole object (bytes 0-9/10)", "bytes=-100", 0, 9),
		rangeCase("range/end-past-size", "GetObject Range bytes=5-1000 on 10 bytes: 206, the range cut at the end (bytes 5-9/10)", "bytes=5-1000", 5, 9),
		rangeCase("range/single-byte", "GetObject Range bytes=9-9: 206 with the last byte", "bytes=9-9", 9, 9),
		Case{"range/start-past-size",
			"GetObject Range starting at or past the object's size: 416 InvalidRange",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "r", []byte(rangeBody), nil)
				t.Error("GET Range: bytes=10-20", t.Get(b, "r", map[string]string{"Range": "bytes=10-20"}), 416, "InvalidRange")
			}},
		Case{"range/empty-object",
			"GetObject with a Range on an empty object: 416 InvalidRange (no byte can satisfy it)",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "e", nil, nil)
				t.Error("GET Range: bytes=0-1", t.Get(b, "e", map[string]string{"Range": "bytes=0-1"}), 416, "InvalidRange")
			}},
		Case{"range/unparsable-ignored",
			"GetObject with a Range S3 cannot parse (bytes=abc, bytes=5-2) ignores it: 200 with the whole object",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "r", []byte(rangeBody), nil)
				for _, rng := range []string{"bytes=abc", "bytes=5-2"} {
					g := t.Get(b, "r", map[string]string{"Range": rng})
					if t.Status("GET Range: "+rng, g, 200) {
						t.Body("GET Range: "+rng, g, []byte(rangeBody))
					}
				}
			}},
		Case{"range/head",
			"HeadObject with Range: 206 with the Content-Range and Content-Length of that range, no body",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "r", []byte(rangeBody), nil)
				h := t.Do(Request{Method: "HEAD", Bucket: b, Key: "r", Header: map[string]string{"Range": "bytes=2-5"}})
				if t.Status("HEAD Range: bytes=2-5", h, 206) {
					t.HeaderIs("HEAD", h, "Content-Range", "bytes 2-5/10")
					t.HeaderIs("HEAD", h, "Content-Length", "4")
				}
			}},
		Case{"range/accept-ranges",
			"GetObject and HeadObject announce Accept-Ranges: bytes",
			func(t *T) {
				b := t.NewBucket()
				t.Put(b, "r", []byte(rangeBody), nil)
				t.HeaderIs("GET", t.Get(b, "r", nil), "Accept-Ranges", "bytes")
				t.HeaderIs("HEAD", t.Do(Request{Method: "HEAD", Bucket: b, Key: "r"}), "Accept-Ranges", "bytes")
			}},
	)
}
