package lhv1test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"unicode/utf8"
)

// ProtocolVersion is the testee protocol this package speaks.
const ProtocolVersion = 1

// MaxMessage is the largest message either side may send (256 MiB).
const MaxMessage = 256 << 20

// ServeTestee serves the testee protocol (docs/CONFORMANCE.md) on stdin and
// stdout until stdin ends: the program `lhv1 conform -- PROGRAM` runs. What
// the team's code prints with os.Stdout goes to stderr, so that stdout
// carries only responses. It returns nil at the end of stdin and an error
// on a protocol error (the program should then exit non-zero).
func ServeTestee(t Testee) error {
	out := os.Stdout
	os.Stdout = os.Stderr
	defer func() { os.Stdout = out }()
	return t.Serve(os.Stdin, out)
}

// Serve serves the protocol on r and w: one response per request, in order.
func (t Testee) Serve(r io.Reader, w io.Writer) error {
	if t.Load == nil {
		return errors.New("lhv1test: Testee.Load is nil")
	}
	s := &session{t: t}
	br := bufio.NewReader(r)
	for {
		req, err := readMessage(br)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		resp, err := encodeResponse(s.handle(req))
		if err != nil {
			return err
		}
		if err := writeMessage(w, resp); err != nil {
			return err
		}
	}
}

// readMessage reads one length-prefixed message; io.EOF only at a message
// boundary.
func readMessage(r io.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("lhv1test: read message length: %w", err)
	}
	size := binary.LittleEndian.Uint32(n[:])
	if size > MaxMessage {
		return nil, fmt.Errorf("lhv1test: message of %d bytes exceeds %d", size, MaxMessage)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("lhv1test: read message of %d bytes: %w", size, err)
	}
	return b, nil
}

func writeMessage(w io.Writer, b []byte) error {
	if len(b) > MaxMessage {
		return fmt.Errorf("lhv1test: response of %d bytes exceeds %d", len(b), MaxMessage)
	}
	msg := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+len(b)), uint32(len(b)))
	if _, err := w.Write(append(msg, b...)); err != nil {
		return fmt.Errorf("lhv1test: write response: %w", err)
	}
	return nil
}

// encodeResponse is JSON without HTML escaping; a response too large for
// the protocol becomes an error response.
func encodeResponse(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("lhv1test: encode response: %w", err)
	}
	if b.Len() > MaxMessage {
		return encodeResponse(outcome("error", fmt.Sprintf("response of %d bytes exceeds the protocol's %d", b.Len(), MaxMessage)))
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

type request struct {
	Op       string `json:"op"`
	Protocol int    `json:"protocol"`
	Name     string `json:"name"`
	Object   []byte `json:"object"` // base64
	Dump     string `json:"dump"`
	Queries  []struct {
		Vector string `json:"vector"`
		K      int    `json:"k"`
	} `json:"queries"`
	Add *struct {
		Key    wireKey `json:"key"`
		Vector string  `json:"vector"`
	} `json:"add"`
}

// response is one answer: {"outcome":...} plus the members of its op.
type response map[string]any

func outcome(o, msg string) response {
	if msg == "" {
		return response{"outcome": o}
	}
	return response{"outcome": o, "message": msg}
}

type hello struct {
	Protocol     int      `json:"protocol"`
	Testee       string   `json:"testee"`
	Version      string   `json:"version"`
	Capabilities []string `json:"capabilities"`
}

// wireKey is a key as the protocol carries it: a JSON string when the
// bytes are valid UTF-8, else {"hex":"..."} (the dump's KEY).
type wireKey string

func (k wireKey) MarshalJSON() ([]byte, error) {
	if utf8.ValidString(string(k)) {
		return json.Marshal(string(k))
	}
	return json.Marshal(map[string]string{"hex": hex.EncodeToString([]byte(k))})
}

func (k *wireKey) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*k = wireKey(s)
		return nil
	}
	var h struct {
		Hex string `json:"hex"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return fmt.Errorf("key %s is neither a string nor {\"hex\":...}", b)
	}
	raw, err := hex.DecodeString(h.Hex)
	if err != nil {
		return fmt.Errorf("key %s: %w", b, err)
	}
	*k = wireKey(raw)
	return nil
}

// session holds the index of the last ok load, for `use`.
type session struct {
	t       Testee
	current any
	loaded  bool
}

func (s *session) handle(msg []byte) any {
	var req request
	if err := json.Unmarshal(msg, &req); err != nil {
		return outcome("error", "bad request: "+err.Error())
	}
	switch {
	case req.Op == "hello":
		return s.hello()
	case req.Op == "load":
		return s.load(req.Name, req.Object)
	case req.Op == "save" && s.t.Save != nil:
		return s.save(req.Name, req.Dump)
	case req.Op == "use" && s.t.Use != nil:
		return s.use(&req)
	}
	return outcome("unsupported", "")
}

func (s *session) hello() hello {
	caps := []string{"load"}
	if s.t.Save != nil {
		caps = append(caps, "save")
	}
	if s.t.Use != nil {
		caps = append(caps, "use")
	}
	return hello{Protocol: ProtocolVersion, Testee: s.t.Name, Version: s.t.version(), Capabilities: caps}
}

// diagnostics receives the stacks of recovered panics: stderr, which the
// runner keeps for its report.
var diagnostics io.Writer = os.Stderr

// respond turns a reply into the protocol's answer; a panic's stack goes
// to diagnostics.
func respond(op string, r reply, ok response) response {
	switch r.outcome {
	case Panic:
		fmt.Fprintf(diagnostics, "lhv1test: %s panicked: %s\n%s", op, r.message, r.stack)
		return outcome("panic", r.message)
	case Error:
		return outcome("error", r.message)
	}
	ok["outcome"] = "ok"
	return ok
}

func (s *session) load(name string, object []byte) response {
	r, v := s.t.load(name, object)
	if r.outcome != Ok {
		return respond("load", r, nil)
	}
	s.current, s.loaded = v, true
	if r.dump == nil {
		return respond("load", r, response{"dump": nil})
	}
	return respond("load", r, response{"dump": string(r.dump)})
}

func (s *session) save(name, dump string) response {
	r := s.t.save(name, []byte(dump))
	return respond("save", r, response{"object": r.object})
}

func (s *session) use(req *request) response {
	if !s.loaded {
		return outcome("error", "use before any ok load")
	}
	var u UseRequest
	for _, q := range req.Queries {
		v, err := hexVector(q.Vector)
		if err != nil {
			return outcome("error", "bad request: "+err.Error())
		}
		u.Queries = append(u.Queries, Query{Vector: v, K: q.K})
	}
	if req.Add != nil {
		v, err := hexVector(req.Add.Vector)
		if err != nil {
			return outcome("error", "bad request: "+err.Error())
		}
		u.Add = &Node{Key: string(req.Add.Key), Vector: v}
	}
	r := s.t.use(s.current, u)
	results := make([][]wireKey, len(r.results))
	for i, keys := range r.results {
		results[i] = make([]wireKey, len(keys))
		for j, k := range keys {
			results[i][j] = wireKey(k)
		}
	}
	return respond("use", r, response{"results": results, "added": r.added, "count": r.count})
}

// hexVector reads float32s, little-endian, from hex.
func hexVector(s string) ([]float32, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b)%4 != 0 {
		return nil, fmt.Errorf("vector %.40q is not float32s in hex", s)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// vectorHex is hexVector's inverse.
func vectorHex(v []float32) string {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return hex.EncodeToString(b)
}
