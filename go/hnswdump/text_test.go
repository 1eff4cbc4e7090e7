package hnswdump

import (
	"bytes"
	"math"
	"testing"
)

func TestStrAndKey(t *testing.T) {
	var b bytes.Buffer
	key(&b, []byte("a\"b\\c\x00\x1f\x7fé\u0085\u061c\u200e\u2028\u202e\u2066\u2069\u206a"))
	key(&b, []byte{0xff, 0x00})
	want := `"a\"b\\c\u0000\u001f\u007fé\u0085\u061c\u200e\u2028\u202e\u2066\u2069` + "\u206a" + `"{"hex":"ff00"}`
	if b.String() != want {
		t.Fatalf("got %s, want %s", b.String(), want)
	}
}

func TestCanonicalNumbersAndOrder(t *testing.T) {
	var b bytes.Buffer
	v := map[string]any{"z": 1.5e-7, "a": []any{1e21, math.Copysign(0, -1), 9007199254740992.0, 0.1, -7.0, 123456789.125}, "m": nil, "b": true}
	if err := canon(&b, v); err != nil {
		t.Fatal(err)
	}
	want := `{"a":[1e+21,0,9007199254740992,0.1,-7,123456789.125],"b":true,"m":null,"z":1.5e-7}`
	if b.String() != want {
		t.Fatalf("got  %s\nwant %s", b.String(), want)
	}
}
