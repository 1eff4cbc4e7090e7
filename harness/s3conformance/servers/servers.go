// Package servers starts the S3 servers the conformance runner measures:
// `lhv1 serve` with the memory backend, with the file backend, as a proxy
// in front of a second `lhv1 serve`, all under --auth; and gofakes3
// in-process.
package servers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// The credentials every lhv1 server is started with (--auth); gofakes3
// checks none.
const (
	AccessKey = "AKIDS3CONFORMANCE"
	SecretKey = "s3-conformance-secret"
	Region    = "us-east-1"
)

// Names of the servers, in report order.
const (
	LHV1Memory = "lhv1-memory"
	LHV1File   = "lhv1-file"
	LHV1Proxy  = "lhv1-proxy"
	GoFakeS3   = "gofakes3"
)

// All is every server the runner knows, in report order.
var All = []string{LHV1Memory, LHV1File, LHV1Proxy, GoFakeS3}

// Server is one started server.
type Server struct {
	Name     string
	Endpoint string
	close    []func() error
}

// Close stops the server (and what it stands on); an lhv1 serve that
// exits other than by the SIGTERM it was sent is an error.
func (s *Server) Close() error {
	var errs []error
	for i := len(s.close) - 1; i >= 0; i-- {
		errs = append(errs, s.close[i]())
	}
	return errors.Join(errs...)
}

// Start starts the named server; lhv1 is the CLI's path, scratch a
// directory for the file backend.
func Start(name, lhv1, scratch string) (*Server, error) {
	s := &Server{Name: name}
	var err error
	switch name {
	case LHV1Memory:
		s.Endpoint, err = s.serve(lhv1, nil)
	case LHV1File:
		root := scratch + "/file-root"
		if err = os.MkdirAll(root, 0o700); err == nil {
			s.Endpoint, err = s.serve(lhv1, nil, "--root", root)
		}
	case LHV1Proxy:
		var up string
		if up, err = s.serve(lhv1, nil); err == nil {
			env := []string{"AWS_ACCESS_KEY_ID=" + AccessKey, "AWS_SECRET_ACCESS_KEY=" + SecretKey,
				"AWS_REGION=" + Region}
			s.Endpoint, err = s.serve(lhv1, env, "--upstream", up)
		}
	case GoFakeS3:
		srv := httptest.NewServer(gofakes3.New(s3mem.New(), gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
		s.Endpoint = srv.URL
		s.close = append(s.close, func() error { srv.Close(); return nil })
	default:
		err = fmt.Errorf("unknown server %q (known: %s)", name, strings.Join(All, ", "))
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// serve starts `lhv1 serve --listen 127.0.0.1:0 --auth K:S args...` and
// returns the URL it prints; its stderr is kept (the last 64 KiB) for the
// error of a bad exit.
func (s *Server) serve(lhv1 string, env []string, args ...string) (string, error) {
	if lhv1 == "" {
		return "", errors.New("no lhv1 CLI given (-lhv1)")
	}
	cmd := exec.Command(lhv1, append([]string{"serve", "--listen", "127.0.0.1:0", "--auth",
		AccessKey + ":" + SecretKey}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr := &tail{max: 64 << 10}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		lines <- line
		io.Copy(io.Discard, r)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(60 * time.Second):
	}
	if !strings.HasPrefix(line, "listening on ") {
		cmd.Process.Kill()
		cmd.Wait()
		return "", fmt.Errorf("lhv1 serve %s said %q; stderr: %s", strings.Join(args, " "), line, stderr)
	}
	s.close = append(s.close, func() error {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("lhv1 serve %s: exit: %v; stderr: %s", strings.Join(args, " "), err, stderr)
			}
			return nil
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			<-done
			return fmt.Errorf("lhv1 serve %s: still running 60 s after SIGTERM", strings.Join(args, " "))
		}
	})
	return strings.TrimSpace(strings.TrimPrefix(line, "listening on ")), nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(t.buf.String())
}
