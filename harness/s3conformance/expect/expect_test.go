package expect

import (
	"bytes"
	"strings"
	"testing"
)

var (
	testServers = []string{"lhv1-memory", "lhv1-file", "lhv1-proxy", "gofakes3"}
	testCases   = []string{"a/one", "a/two", "b/three"}
)

func TestParseExpandsGroupsAndKeepsReasons(t *testing.T) {
	l, err := Parse(strings.NewReader(`
# comment
lhv1      a/one   # S3 says x; we say y (src/serve/s3_object.c)
gofakes3  a/two   # a reason with # inside
`), testServers, testCases)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Groups["lhv1"] {
		if e, ok := l.Lookup(s, "a/one"); !ok || e.Reason != "S3 says x; we say y (src/serve/s3_object.c)" {
			t.Errorf("%s a/one: %+v %v", s, e, ok)
		}
	}
	if e, _ := l.Lookup("gofakes3", "a/two"); e.Reason != "a reason with # inside" {
		t.Errorf("reason %q", e.Reason)
	}
	if _, ok := l.Lookup("gofakes3", "a/one"); ok {
		t.Errorf("gofakes3 a/one listed")
	}
}

func TestParseRefuses(t *testing.T) {
	for _, bad := range []string{
		"lhv1 a/one",                          // no reason
		"lhv1 a/one #   ",                     // empty reason
		"lhv1 a/one extra # r",                // three fields
		"lhv1 a/nothing # r",                  // unknown case
		"minio a/one # r",                     // unknown server
		"lhv1 a/one # r\nlhv1 a/one # s",      // repeated
		"lhv1 a/one # r\nlhv1-file a/one # s", // a member of a group listed again
	} {
		if _, err := Parse(strings.NewReader(bad), testServers, testCases); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestJudge(t *testing.T) {
	l, err := Parse(strings.NewReader("gofakes3 a/one # r"), testServers, testCases)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		server, c string
		pass      bool
		want      Verdict
		bad       bool
	}{
		{"gofakes3", "a/one", false, Expected, false},
		{"gofakes3", "a/one", true, XPass, true},
		{"gofakes3", "a/two", false, Fail, true},
		{"gofakes3", "a/two", true, Pass, false},
		{"lhv1-memory", "a/one", false, Fail, true},
	} {
		v := l.Judge(c.server, c.c, c.pass)
		if v != c.want || v.Bad() != c.bad {
			t.Errorf("%s %s pass=%v: %s (bad %v), want %s (bad %v)", c.server, c.c, c.pass, v, v.Bad(), c.want, c.bad)
		}
	}
}

func TestWriteReadsBack(t *testing.T) {
	old, err := Parse(strings.NewReader("lhv1 a/one # known reason"), testServers, testCases)
	if err != nil {
		t.Fatal(err)
	}
	failing := map[string]map[string]bool{
		"lhv1-memory": {"a/one": true, "b/three": true},
		"lhv1-file":   {"a/one": true, "b/three": true, "a/two": true},
		"lhv1-proxy":  {"a/one": true, "b/three": true},
		"gofakes3":    {"a/two": true},
	}
	var buf bytes.Buffer
	if err := Write(&buf, failing, old, "# header\n"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "lhv1         a/one") || !strings.Contains(out, "# known reason") ||
		!strings.Contains(out, "lhv1-file    a/two") {
		t.Errorf("unexpected list:\n%s", out)
	}
	back, err := Parse(strings.NewReader(out), testServers, testCases)
	if err != nil {
		t.Fatalf("written list does not parse: %v\n%s", err, out)
	}
	for s, cs := range failing {
		for c := range cs {
			if back.Judge(s, c, false) != Expected {
				t.Errorf("%s %s not listed by the written list", s, c)
			}
		}
	}
	n := 0
	for _, cs := range back {
		n += len(cs)
	}
	if n != 8 {
		t.Errorf("%d entries read back, 8 failures written", n)
	}
}
