package lhv1test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

// exchange serves reqs (JSON texts) with tt and returns the responses
// decoded, and Serve's error.
func exchange(t *testing.T, tt Testee, reqs ...string) ([]map[string]any, error) {
	t.Helper()
	var in bytes.Buffer
	for _, r := range reqs {
		in.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(r))))
		in.WriteString(r)
	}
	var out bytes.Buffer
	err := tt.Serve(&in, &out)
	var resps []map[string]any
	for out.Len() > 0 {
		b, rerr := readMessage(&out)
		if rerr != nil {
			t.Fatalf("response framing: %v", rerr)
		}
		var m map[string]any
		if jerr := json.Unmarshal(b, &m); jerr != nil {
			t.Fatalf("response %q: %v", b, jerr)
		}
		resps = append(resps, m)
	}
	return resps, err
}

func wireJSON(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

type memIndex struct{ keys []string }

func (m *memIndex) LHV1Dump() ([]byte, error) {
	return []byte(`{"first":"` + m.keys[0] + `"}`), nil
}

func protoTestee() Testee {
	return Testee{
		Name:    "mem",
		Version: "v0",
		Load: func(name string, obj []byte) (any, error) {
			switch string(obj) {
			case "panic":
				panic("boom")
			case "error":
				return nil, errors.New("bad object")
			case "opaque":
				return struct{}{}, nil
			}
			return &memIndex{keys: []string{name, "\xff"}}, nil
		},
		Use: func(v any, req UseRequest) (UseResult, error) {
			m := v.(*memIndex)
			var res UseResult
			for range req.Queries {
				res.Results = append(res.Results, append([]string(nil), m.keys...))
			}
			if req.Add != nil {
				if req.Add.Key == "crash" {
					panic("add crashed")
				}
				m.keys = append(m.keys, req.Add.Key)
			}
			res.Count = len(m.keys)
			return res, nil
		},
		Save: func(name string, dump []byte) ([]byte, error) { return append([]byte(name+":"), dump...), nil },
	}
}

func TestServeSpeaksTheProtocol(t *testing.T) {
	quietPanics(t)
	obj := func(s string) string { return wireJSON(t, []byte(s)) } // base64
	resps, err := exchange(t, protoTestee(),
		`{"op":"hello","protocol":1}`,
		`{"op":"use","queries":[]}`,
		`{"op":"load","name":"a<b","object":`+obj("good")+`}`,
		`{"op":"use","queries":[{"vector":"0000803f","k":2}],"add":{"key":{"hex":"fe00"},"vector":"0000803f"}}`,
		`{"op":"load","name":"x","object":`+obj("error")+`}`,
		`{"op":"load","name":"x","object":`+obj("panic")+`}`,
		`{"op":"use","queries":[],"add":{"key":"crash","vector":""}}`,
		`{"op":"load","name":"x","object":`+obj("opaque")+`}`,
		`{"op":"save","name":"n","dump":"{\"d\":1}\n"}`,
		`{"op":"frobnicate"}`,
		`not json`,
	)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"capabilities":["load","save","use"],"protocol":1,"testee":"mem","version":"v0"}`,
		`{"message":"use before any ok load","outcome":"error"}`,
		`{"dump":"{\"first\":\"a<b\"}","outcome":"ok"}`,
		`{"added":true,"count":3,"outcome":"ok","results":[["a<b",{"hex":"ff"}]]}`,
		`{"message":"bad object","outcome":"error"}`,
		`{"message":"boom","outcome":"panic"}`,
		`{"message":"add crashed","outcome":"panic"}`,
		`{"dump":null,"outcome":"ok"}`,
		`{"object":` + obj("n:{\"d\":1}\n") + `,"outcome":"ok"}`,
		`{"outcome":"unsupported"}`,
	}
	if len(resps) != len(want)+1 {
		t.Fatalf("%d responses: %v", len(resps), resps)
	}
	for i, w := range want {
		if got := wireJSON(t, resps[i]); got != w {
			t.Errorf("response %d:\n got %s\nwant %s", i+1, got, w)
		}
	}
	if resps[len(want)]["outcome"] != "error" || !strings.HasPrefix(resps[len(want)]["message"].(string), "bad request") {
		t.Errorf("malformed request answered %v", resps[len(want)])
	}
}

// A dump holding a byte that is not UTF-8 must not reach the runner as
// U+FFFD silently: the server answers an error.
func TestServeRefusesADumpThatIsNotUTF8(t *testing.T) {
	tt := protoTestee()
	tt.Dump = func(any) ([]byte, error) { return []byte("{\"k\":\"\xff\"}"), nil }
	resps, err := exchange(t, tt, `{"op":"load","name":"a","object":""}`)
	if err != nil {
		t.Fatal(err)
	}
	if resps[0]["outcome"] != "error" || !strings.Contains(resps[0]["message"].(string), "UTF-8") {
		t.Fatalf("%v", resps[0])
	}
}

func TestServeCapabilitiesOfAReaderOnly(t *testing.T) {
	tt := Testee{Name: "r", Load: func(string, []byte) (any, error) { return nil, nil }}
	resps, err := exchange(t, tt, `{"op":"hello","protocol":2}`, `{"op":"save","name":"n","dump":""}`, `{"op":"use","queries":[]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := wireJSON(t, resps[0]["capabilities"]); got != `["load"]` || resps[0]["protocol"] != 1.0 {
		t.Errorf("hello: %v", resps[0])
	}
	for _, r := range resps[1:] {
		if r["outcome"] != "unsupported" {
			t.Errorf("%v", r)
		}
	}
	if !strings.Contains(resps[0]["version"].(string), "go1.") {
		t.Errorf("default version %q names no Go version", resps[0]["version"])
	}
}

// A length over 256 MiB is a protocol error, found before any allocation;
// a message cut short is one too; the end of input between messages is not.
func TestServeFraming(t *testing.T) {
	tt := protoTestee()
	huge := binary.LittleEndian.AppendUint32(nil, MaxMessage+1)
	if err := tt.Serve(bytes.NewReader(huge), io.Discard); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("oversized: %v", err)
	}
	cut := append(binary.LittleEndian.AppendUint32(nil, 10), "{}"...)
	if err := tt.Serve(bytes.NewReader(cut), io.Discard); err == nil {
		t.Error("a cut message was accepted")
	}
	if err := tt.Serve(bytes.NewReader([]byte{1, 0}), io.Discard); err == nil {
		t.Error("a cut length was accepted")
	}
	if err := tt.Serve(bytes.NewReader(nil), io.Discard); err != nil {
		t.Errorf("empty input: %v", err)
	}
}

// quietPanics keeps the stacks of the panics a test provokes off stderr.
func quietPanics(t *testing.T) {
	saved := diagnostics
	diagnostics = io.Discard
	t.Cleanup(func() { diagnostics = saved })
}
