// Package lhv1serve runs `lhv1 serve`, the harness's fault-injecting S3
// server, from a Go test: Start finds the lhv1 binary, starts it on a free
// loopback port, waits for its `listening on` line and returns the
// endpoint, the credentials and a typed client of its admin API (fault
// rules, the decision log, reset); the server stops when the test ends,
// through t.Cleanup, and dies with the test process if that is killed.
//
// Point any S3 client at Server.Endpoint (path-style) with
// Server.AccessKey/SecretKey, arm faults with Server.Admin.AddRules, run
// the code under test, and read Server.Admin.Log to see what was injected.
// docs/SERVE-FAULTS.md lists the rules; docs/GO.md shows a whole test.
package lhv1serve

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options says how to run the server. The zero value is a memory-backed
// server without signature checks, seed 1, no rules.
type Options struct {
	// Bin is the lhv1 binary. Default: $LHV1_BIN; else, when BuildFrom
	// (or $LHV1_BUILD_FROM) names a harness checkout, the CLI built there
	// on demand; else lhv1 on PATH.
	Bin string
	// BuildFrom is a harness checkout to build the CLI from when Bin and
	// $LHV1_BIN are empty (cmake, Ninja; the build directory is
	// build-lhv1serve in the checkout, reused by later runs). Default:
	// $LHV1_BUILD_FROM.
	BuildFrom string
	// Auth runs the server with --auth: every request, S3 and admin,
	// must be SigV4-signed with the returned credentials. The admin client
	// signs either way.
	Auth bool
	// Rules are armed from the start (--plan), as AddRules would.
	Rules []Rule
	// Seed of the probabilistic rules (--seed); 0 means the server's
	// default, 1.
	Seed uint64
	// Args are more flags for `lhv1 serve` (--root DIR, --upstream URL,
	// --max-body N, ...).
	Args []string
	// StartTimeout bounds the wait for the `listening on` line (default
	// two minutes: generous, for loaded CI machines).
	StartTimeout time.Duration
}

// Server is a running `lhv1 serve`.
type Server struct {
	// Endpoint is the base URL, http://127.0.0.1:PORT; address buckets
	// path-style under it.
	Endpoint string
	// AccessKey and SecretKey sign requests: random for each server, and
	// required when Options.Auth is set (any credentials are accepted
	// otherwise).
	AccessKey, SecretKey string
	// Region is the signing region the server expects.
	Region string
	// Admin is the client of the server's admin API.
	Admin *Admin
	// Bin is the binary that runs.
	Bin string

	cmd      *exec.Cmd
	stderr   *lockedBuffer
	done     chan struct{} // closed when the process has been waited for
	err      error         // its exit status, once done is closed
	stopOnce sync.Once
	stopErr  error
}

// Start runs `lhv1 serve` for the test (Launch) and returns once it
// listens; a failure to start is t.Fatal. The server is stopped when the
// test and its subtests end, even when they fail or call t.Fatal (Stop, in
// t.Cleanup); its exit status must then be 0 (a sanitizer report, for
// instance, is a test error), and on a failed test the tail of its
// decision log is logged. If the test process itself is killed, the kernel
// kills the server with it (Linux).
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	s, err := Launch(o)
	if err != nil {
		t.Fatalf("lhv1serve: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if log, err := s.Admin.LogText(ctx); err == nil {
				t.Logf("lhv1serve: decision log of %s (last lines):\n%s", s.Endpoint, lastLines(log, 40))
			}
			cancel()
		}
		if err := s.Stop(); err != nil {
			t.Errorf("lhv1serve: %v", err)
		}
	})
	return s
}

// Launch runs `lhv1 serve` and returns once it listens and answers; the
// caller stops it with Stop. Outside tests (a command driving the server)
// use it instead of Start.
func Launch(o Options) (*Server, error) {
	bin, err := FindBinary(o.Bin, o.BuildFrom)
	if err != nil {
		return nil, err
	}
	s := &Server{Bin: bin, Region: "us-east-1", AccessKey: "lhv1-" + randomHex(4), SecretKey: randomHex(20),
		stderr: &lockedBuffer{}, done: make(chan struct{})}
	args := []string{"serve", "--listen", "127.0.0.1:0"}
	if o.Seed != 0 {
		args = append(args, "--seed", strconv.FormatUint(o.Seed, 10))
	}
	if o.Auth {
		args = append(args, "--auth", s.AccessKey+":"+s.SecretKey)
	}
	if len(o.Rules) > 0 {
		plan, err := json.Marshal(map[string][]Rule{"rules": o.Rules})
		if err != nil {
			return nil, fmt.Errorf("the plan: %w", err)
		}
		// The server reads its plan at start: the file can go once it
		// listens.
		f, err := os.CreateTemp("", "lhv1serve-plan-*.json")
		if err != nil {
			return nil, err
		}
		defer os.Remove(f.Name())
		_, err = f.Write(plan)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		args = append(args, "--plan", f.Name())
	}
	args = append(args, o.Args...)
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stderr = s.stderr
	s.cmd.SysProcAttr = dieWithParent()
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()

	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		l, _ := r.ReadString('\n')
		line <- l
		io.Copy(io.Discard, r) // nothing more is printed; never block the server
	}()
	timeout := o.StartTimeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	fail := func(format string, a ...any) (*Server, error) {
		s.Stop()
		return nil, fmt.Errorf("%s %s: %s; stderr:\n%s", bin, strings.Join(args, " "), fmt.Sprintf(format, a...), s.stderr)
	}
	select {
	case l := <-line:
		base, ok := strings.CutPrefix(strings.TrimSpace(l), "listening on ")
		if !ok {
			return fail("said %q, not 'listening on URL'", l)
		}
		s.Endpoint = base
	case <-time.After(timeout):
		return fail("no 'listening on' line within %v", timeout)
	}
	s.Admin = NewAdmin(s.Endpoint, s.AccessKey, s.SecretKey, s.Region)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := s.Admin.Health(ctx); err != nil {
		return fail("not healthy at %s: %v", s.Endpoint, err)
	}
	return s, nil
}

// Stderr is what the server has written to its standard error so far.
func (s *Server) Stderr() string { return s.stderr.String() }

// Stop ends the server (SIGTERM; SIGKILL if it has not exited 30 s later)
// and waits for it. It returns an error when the server had already
// exited, ignored SIGTERM, or exited with a non-zero status. Calling it
// again returns nil.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	select {
	case <-s.done:
		return fmt.Errorf("the server exited before it was stopped: %v; stderr:\n%s", s.err, s.stderr)
	default:
	}
	terminate(s.cmd.Process)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("the server ignored SIGTERM for 30 s; killed")
	}
	if s.err != nil {
		return fmt.Errorf("the server exited with %v; stderr:\n%s", s.err, s.stderr)
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// lockedBuffer collects the server's stderr while the test reads it; it
// keeps at most the last 1 MiB.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

const stderrKeep = 1 << 20

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	if l.b.Len() > 2*stderrKeep {
		tail := bytes.Clone(l.b.Bytes()[l.b.Len()-stderrKeep:])
		l.b.Reset()
		l.b.WriteString("[...]\n")
		l.b.Write(tail)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
