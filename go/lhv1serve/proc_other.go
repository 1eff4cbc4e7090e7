//go:build !linux

package lhv1serve

import (
	"os"
	"syscall"
)

// dieWithParent: only Linux can tie the server's life to the test
// process; elsewhere t.Cleanup alone stops it.
func dieWithParent() *syscall.SysProcAttr { return nil }

func terminate(p *os.Process) { p.Signal(os.Interrupt) }

// lockFile: no cross-process lock outside Linux; concurrent builds of one
// checkout are then up to the caller.
func lockFile(string) (func(), error) { return func() {}, nil }
