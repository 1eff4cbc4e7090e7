package lhv1serve

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHelperServer is the child side of the lifecycle tests, run in a
// test process of its own. "fatal": a subtest starts a server and calls
// t.Fatal; once the subtest has ended, the server's pid and whether it is
// still alive go to $LHV1SERVE_PIDFILE. "block": the server's pid goes
// there, then the test blocks until killed.
func TestHelperServer(t *testing.T) {
	mode, pidfile := os.Getenv("LHV1SERVE_HELPER"), os.Getenv("LHV1SERVE_PIDFILE")
	if mode == "" {
		t.Skip("the child side of TestNoServerOutlives*")
	}
	if mode == "fatal" {
		pid := 0
		t.Run("fatal", func(t *testing.T) {
			s := Start(t, Options{})
			pid = s.cmd.Process.Pid
			t.Fatal("deliberate t.Fatal after Start")
		})
		state := "dead"
		if alive(pid) {
			state = "alive"
		}
		os.WriteFile(pidfile, []byte(fmt.Sprintf("%d %s", pid, state)), 0o644)
		return
	}
	s := Start(t, Options{})
	if err := os.WriteFile(pidfile, []byte(strconv.Itoa(s.cmd.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	select {}
}

func helper(t *testing.T, mode string) (*exec.Cmd, string, *strings.Builder) {
	t.Helper()
	pidfile := filepath.Join(t.TempDir(), "pid")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServer$", "-test.v")
	cmd.Env = append(os.Environ(), "LHV1SERVE_HELPER="+mode, "LHV1SERVE_PIDFILE="+pidfile)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, pidfile, out
}

// alive: the process exists and is not a zombie (an orphan nobody reaped
// yet is dead).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}

func readPid(t *testing.T, pidfile string) int {
	t.Helper()
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// A test that calls t.Fatal after Start fails, and its server is gone
// when the test has ended (t.Cleanup stopped and reaped it), while the
// test process still runs.
func TestNoServerOutlivesFatal(t *testing.T) {
	cmd, pidfile, out := helper(t, "fatal")
	err := cmd.Wait()
	if err == nil || !strings.Contains(out.String(), "deliberate t.Fatal") {
		t.Fatalf("the child test: %v\n%s", err, out)
	}
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if pid, state, _ := strings.Cut(string(b), " "); state != "dead" {
		t.Fatalf("the server (pid %s) was %s after its test's t.Fatal", pid, state)
	}
}

// A test process killed outright (SIGKILL: no cleanup runs, as when go
// test's -timeout kills it) takes its server with it.
func TestNoServerOutlivesKilledTest(t *testing.T) {
	if !linux {
		t.Skip("the server dies with its parent only on Linux")
	}
	cmd, pidfile, out := helper(t, "block")
	deadline := time.Now().Add(2 * time.Minute) // generous: a loaded machine
	for {
		if b, err := os.ReadFile(pidfile); err == nil && len(b) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the child never started its server:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	pid := readPid(t, pidfile)
	cmd.Process.Kill()
	cmd.Wait()
	for deadline = time.Now().Add(time.Minute); alive(pid); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the server (pid %d) outlived its killed test process by a minute", pid)
		}
	}
}

// Stop says so when the server died before it was stopped, and when it
// exits with a non-zero status.
func TestStopReportsAnAbnormalEnd(t *testing.T) {
	s, err := Launch(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Process.Kill()
	<-s.done
	if err := s.Stop(); err == nil || !strings.Contains(err.Error(), "exited before it was stopped") {
		t.Fatalf("Stop after the server died: %v", err)
	}
	if _, err := Launch(Options{Args: []string{"--no-such-flag"}}); err == nil || !strings.Contains(err.Error(), "--no-such-flag") {
		t.Fatalf("Launch of a server that cannot start: %v", err)
	}
}

// FindBinary: Options.Bin, then $LHV1_BIN, then a build from
// $LHV1_BUILD_FROM, then PATH; a clear error when none is there.
func TestFindBinaryOrder(t *testing.T) {
	dir := t.TempDir()
	exe := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	explicit, env, onPath := exe("explicit/lhv1"), exe("env/lhv1"), exe("path/lhv1")
	notCheckout := filepath.Join(dir, "not-a-checkout")
	os.Mkdir(notCheckout, 0o755)
	t.Setenv("PATH", filepath.Dir(onPath))
	for _, c := range []struct {
		bin, envBin, buildFrom string
		want, wantErr          string
	}{
		{explicit, env, notCheckout, explicit, ""},
		{"", env, notCheckout, env, ""},
		{"", "", notCheckout, "", "not a harness checkout"},
		{"", "", "", onPath, ""},
	} {
		t.Setenv("LHV1_BIN", c.envBin)
		t.Setenv("LHV1_BUILD_FROM", c.buildFrom)
		got, err := FindBinary(c.bin, "")
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%+v: %q, %v; want error %q", c, got, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%+v: %q, %v; want %q", c, got, err, c.want)
		}
	}
	t.Setenv("LHV1_BIN", "")
	t.Setenv("LHV1_BUILD_FROM", "")
	t.Setenv("PATH", dir)
	if _, err := FindBinary("", ""); err == nil || !strings.Contains(err.Error(), "LHV1_BUILD_FROM") {
		t.Errorf("nothing anywhere: %v", err)
	}
	if _, err := FindBinary(filepath.Dir(explicit), ""); err == nil {
		t.Errorf("a directory as the binary: no error")
	}
}
