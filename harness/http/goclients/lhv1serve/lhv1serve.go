// Package lhv1serve starts `lhv1 serve` ($LHV1_CLI) for a test and makes
// the admin calls it needs, signed with aws-sdk-go-v2's SigV4 signer as
// the server's --auth requires (docs/SECURITY.md).
package lhv1serve

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The credentials every test server is started with (--auth).
const (
	AccessKey = "AKIDLHV1"
	SecretKey = "lhv1-secret"
	Region    = "us-east-1"
)

// Creds are AccessKey/SecretKey as the SDK takes them.
var Creds = aws.Credentials{AccessKeyID: AccessKey, SecretAccessKey: SecretKey}

// Serve starts `lhv1 serve --auth AccessKey:SecretKey extra...` on a free
// loopback port and returns its base URL; the server is stopped (and its
// exit status checked) when the test ends.
func Serve(t *testing.T, extra ...string) string {
	t.Helper()
	cli := os.Getenv("LHV1_CLI")
	if cli == "" {
		t.Fatal("LHV1_CLI is not set")
	}
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--auth", AccessKey + ":" + SecretKey}, extra...)
	cmd := exec.Command(cli, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on ") {
		cmd.Process.Kill()
		t.Fatalf("server said %q: %v", line, err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("server exit: %v", err)
		}
	})
	return strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
}

// PayloadHash is the hex SHA-256 S3 wants in x-amz-content-sha256.
func PayloadHash(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:])
}

// Sign signs req as of `at` with creds for service s3 in region, its body's
// hash in x-amz-content-sha256 (S3's way: the header is signed too).
func Sign(t *testing.T, req *http.Request, body []byte, creds aws.Credentials, region string, at time.Time) {
	t.Helper()
	SignPayload(t, req, PayloadHash(body), creds, region, at)
}

// SignPayload signs with `payload` as x-amz-content-sha256 (a hex hash,
// UNSIGNED-PAYLOAD, ...).
func SignPayload(t *testing.T, req *http.Request, payload string, creds aws.Credentials, region string, at time.Time) {
	t.Helper()
	req.Header.Set("X-Amz-Content-Sha256", payload)
	s := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := s.SignHTTP(context.Background(), creds, req, payload, "s3", region, at); err != nil {
		t.Fatal(err)
	}
}

// NewRequest is a request with a rewindable body.
func NewRequest(t *testing.T, method, url string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	return req
}

// Do sends req and returns the status and body.
func Do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Admin makes one admin call (path under /_lhv1/) signed now with Creds
// and returns the status and body.
func Admin(t *testing.T, base, method, path, body string) (int, string) {
	t.Helper()
	req := NewRequest(t, method, base+path, []byte(body))
	Sign(t, req, []byte(body), Creds, Region, time.Now())
	return Do(t, req)
}
