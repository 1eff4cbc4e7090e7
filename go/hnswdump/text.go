package hnswdump

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// str is STR: '"' and '\\' escaped; bytes below 0x20, DEL and the
// characters terminals act on rather than show (invisible) as \uXXXX; all
// else as is.
func str(b *bytes.Buffer, s []byte) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, n := utf8.DecodeRune(s[i:])
			if n > 1 && invisible(r) {
				fmt.Fprintf(b, "\\u%04x", r)
			} else {
				b.Write(s[i : i+n])
			}
			i += n
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(b, "\\u%04x", c)
		default:
			b.WriteByte(c)
		}
		i++
	}
	b.WriteByte('"')
}

// invisible: C1 controls, U+061C, U+200E, U+200F, U+2028-U+202E,
// U+2066-U+2069 (FORMAT.md section 6, STR).
func invisible(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || r == 0x061c || r == 0x200e || r == 0x200f ||
		(r >= 0x2028 && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// key is KEY: STR for valid UTF-8, else {"hex":"..."}.
func key(b *bytes.Buffer, s []byte) {
	if utf8.Valid(s) {
		str(b, s)
		return
	}
	fmt.Fprintf(b, "{\"hex\":\"%s\"}", hex.EncodeToString(s))
}

// Number writes a metadata number as the dump does: integral with magnitude
// below 2^53 as an integer, any other as encoding/json writes a float64.
// The Go reference's cmd/floatfmt prints it for liblhv1's float-format
// conformance test.
func Number(b *bytes.Buffer, x float64) error {
	if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		b.WriteString(strconv.FormatInt(int64(x), 10))
		return nil
	}
	enc, err := json.Marshal(x)
	if err != nil {
		return err
	}
	b.Write(enc)
	return nil
}

// canon writes canonical JSON: sorted members, no whitespace, integral
// numbers below 2^53 as integers, other numbers as encoding/json does.
func canon(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		str(b, []byte(x))
	case float64:
		return Number(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := canon(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			str(b, []byte(k))
			b.WriteByte(':')
			if err := canon(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("canonical JSON: unexpected %T", v)
	}
	return nil
}
