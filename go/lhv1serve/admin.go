package lhv1serve

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Admin is a client of the admin API of `lhv1 serve` (/_lhv1/: health,
// rules, log, reset; docs/SERVE-FAULTS.md). Every call is SigV4-signed, body
// included, with the server's credentials: a server started with --auth
// requires it, one without ignores it.
type Admin struct {
	base   string
	creds  aws.Credentials
	region string
	signer *v4.Signer
	client *http.Client
}

// NewAdmin is the admin client of the server at endpoint (for a server
// Start did not run; Start's Server.Admin is one already).
func NewAdmin(endpoint, accessKey, secretKey, region string) *Admin {
	if region == "" {
		region = "us-east-1"
	}
	return &Admin{
		base:   strings.TrimRight(endpoint, "/"),
		creds:  aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey},
		region: region,
		signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }),
		client: &http.Client{Timeout: 2 * time.Minute},
	}
}

// Rule is one fault rule (docs/SERVE-FAULTS.md, Rules). Kind is a fault store
// kind (put-torn-prefix, get-stale, ...) or an HTTP kind (http-body-cut,
// http-reset, http-delay, http-slowdown, http-404-code). Zero fields are
// left out, so the server's defaults apply: key "*", nth 0, reply 503 for
// a torn write, code NoSuchBucket (and retry_after 1 when nil). Set only
// the fields the kind takes: the server refuses a rule with another
// (docs/SERVE-FAULTS.md, Rules), in the words lhv1test.ParseFault uses.
type Rule struct {
	Kind        string  `json:"kind"`
	Op          string  `json:"op,omitempty"`  // put, get, list, delete, any (HTTP kinds)
	Key         string  `json:"key,omitempty"` // fnmatch over "<bucket>/<key>"
	Nth         uint64  `json:"nth,omitempty"`
	Persistent  bool    `json:"persistent,omitempty"`
	Probability float64 `json:"probability,omitempty"`
	Cut         uint64  `json:"cut,omitempty"`
	Bit         uint64  `json:"bit,omitempty"`
	Lag         uint64  `json:"lag,omitempty"`
	Reply       int     `json:"reply,omitempty"` // 200 or 503 (torn writes)
	DelayMS     uint64  `json:"delay_ms,omitempty"`
	RetryAfter  *uint64 `json:"retry_after,omitempty"` // nil: the server's default, 1 s
	Done        bool    `json:"done,omitempty"`
	Code        string  `json:"code,omitempty"`
}

// RuleState is an armed rule: its id, the rule as it was written (the
// fields the client sent, no defaults filled in: a Rule that AddRules
// sent comes back equal) and its counters.
type RuleState struct {
	ID int `json:"id"`
	Rule
	Matches uint64 `json:"matches"`
	Fired   uint64 `json:"fired"`
}

// LogEntry is one line of the decision log: an operation some rule
// matched, and the fault injected (Kind "none" when no rule fired).
// A last line with Dropped > 0 says how many lines the server did not
// keep.
type LogEntry struct {
	Seq     uint64 `json:"seq"`
	Op      string `json:"op"`
	Key     string `json:"key"`
	Matched int    `json:"matched"`
	Rule    *int   `json:"rule"`
	Kind    string `json:"kind"`
	Fault   string `json:"fault"`
	Dropped uint64 `json:"dropped"`
}

// maxReply bounds what the client reads of an admin reply (the server
// keeps a bounded log; this is far above it).
const maxReply = 64 << 20

// Health checks that the server answers.
func (a *Admin) Health(ctx context.Context) error {
	_, err := a.call(ctx, http.MethodGet, "health", nil)
	return err
}

// AddRules arms rules after those already armed; the server refuses the
// whole call (400 InvalidRule, with the reason) if any rule is invalid.
func (a *Admin) AddRules(ctx context.Context, rules ...Rule) error {
	body, err := json.Marshal(map[string][]Rule{"rules": rules})
	if err != nil {
		return err
	}
	return a.AddRulesJSON(ctx, body)
}

// AddRulesJSON arms rules written as a plan (a JSON list of rules or
// {"rules": [...]}).
func (a *Admin) AddRulesJSON(ctx context.Context, plan []byte) error {
	b, err := a.call(ctx, http.MethodPost, "rules", plan)
	if err != nil {
		return err
	}
	var r struct {
		Added *int `json:"added"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Added == nil {
		return fmt.Errorf("POST /_lhv1/rules: unexpected reply %q", b)
	}
	return nil
}

// Rules are the armed rules with their match and fire counters.
func (a *Admin) Rules(ctx context.Context) ([]RuleState, error) {
	b, err := a.call(ctx, http.MethodGet, "rules", nil)
	if err != nil {
		return nil, err
	}
	var rs []RuleState
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("GET /_lhv1/rules: %w", err)
	}
	return rs, nil
}

// Fired is how many times the armed rules of kind fired.
func (a *Admin) Fired(ctx context.Context, kind string) (uint64, error) {
	rs, err := a.Rules(ctx)
	var n uint64
	for _, r := range rs {
		if r.Kind == kind {
			n += r.Fired
		}
	}
	return n, err
}

// ClearRules removes every rule.
func (a *Admin) ClearRules(ctx context.Context) error {
	_, err := a.call(ctx, http.MethodDelete, "rules", nil)
	return err
}

// Log is the decision log.
func (a *Admin) Log(ctx context.Context) ([]LogEntry, error) {
	text, err := a.LogText(ctx)
	if err != nil {
		return nil, err
	}
	var out []LogEntry
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, maxReply)
	for sc.Scan() {
		var e LogEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return out, fmt.Errorf("GET /_lhv1/log: line %q: %w", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// LogText is the decision log as the server writes it, one JSON object a
// line.
func (a *Admin) LogText(ctx context.Context) (string, error) {
	b, err := a.call(ctx, http.MethodGet, "log", nil)
	return string(b), err
}

// Reset empties the store (buckets too) and the fault history, and
// restarts the rule counters, the seeded stream and the log; the rules
// stay armed.
func (a *Admin) Reset(ctx context.Context) error {
	_, err := a.call(ctx, http.MethodPost, "reset", nil)
	return err
}

// AdminError is a refused admin call.
type AdminError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *AdminError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, strings.TrimSpace(e.Body))
}

func (a *Admin) call(ctx context.Context, method, endpoint string, body []byte) ([]byte, error) {
	path := "/_lhv1/" + endpoint
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	} else {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	if err := a.signer.SignHTTP(ctx, a.creds, req, hash, "s3", a.region, time.Now()); err != nil {
		return nil, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the reply: %w", method, path, err)
	}
	if len(b) > maxReply {
		return nil, fmt.Errorf("%s %s: reply over %d bytes", method, path, maxReply)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &AdminError{Method: method, Path: path, Status: resp.StatusCode, Body: string(b)}
	}
	return b, nil
}
