package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The test binary is the testee when LHV1_TESTEE_CHILD is set.
func TestMain(m *testing.M) {
	if os.Getenv("LHV1_TESTEE_CHILD") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// goldenDir is the harness's golden directory: LHV1_GOLDEN_DIR, or this
// checkout's.
func goldenDir() string {
	if d := os.Getenv("LHV1_GOLDEN_DIR"); d != "" {
		return d
	}
	return "../../../../golden"
}

// The program speaks the protocol on its stdin and stdout and exits 0 when
// stdin ends; what it loads is what the goldens say.
func TestTesteeProgram(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "LHV1_TESTEE_CHILD=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ask := func(req map[string]any) map[string]any {
		t.Helper()
		b, _ := json.Marshal(req)
		if _, err := in.Write(append(binary.LittleEndian.AppendUint32(nil, uint32(len(b))), b...)); err != nil {
			t.Fatal(err)
		}
		var n [4]byte
		if _, err := io.ReadFull(out, n[:]); err != nil {
			t.Fatalf("no response (stderr: %s): %v", stderr.String(), err)
		}
		resp := make([]byte, binary.LittleEndian.Uint32(n[:]))
		if _, err := io.ReadFull(out, resp); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(resp, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join(goldenDir(), p))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	if h := ask(map[string]any{"op": "hello", "protocol": 1}); h["testee"] != "examples/vectord" || len(h["capabilities"].([]any)) != 3 {
		t.Errorf("hello: %v", h)
	}
	want := read("expected/y_few_nodes.dump")
	if r := ask(map[string]any{"op": "load", "name": "few_nodes", "object": read("objects/y_few_nodes.lhv1")}); r["outcome"] != "ok" || r["dump"] != string(want) {
		t.Errorf("load y_few_nodes: %v", r)
	}
	if r := ask(map[string]any{"op": "use", "queries": []any{}, "add": map[string]any{"key": "new", "vector": "0000803f0000803f0000803f"}}); r["outcome"] != "ok" || r["count"] != 6.0 {
		t.Errorf("use: %v", r)
	}
	if r := ask(map[string]any{"op": "load", "name": "frame_bad_magic", "object": read("objects/n_frame_bad_magic.lhv1")}); r["outcome"] != "error" || !strings.Contains(r["message"].(string), "bad file format") {
		t.Errorf("load n_frame_bad_magic: %v", r)
	}
	r := ask(map[string]any{"op": "save", "name": "few_nodes", "dump": string(want)})
	if obj, _ := r["object"].(string); r["outcome"] != "ok" || !strings.HasPrefix(obj, "TEhWMQ") { // base64 of "LHV1"
		t.Errorf("save: %v", r)
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v (stderr: %s)", err, stderr.String())
	}
}
