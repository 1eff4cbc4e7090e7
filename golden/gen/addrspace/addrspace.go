// Package addrspace bounds the address space of the process Go's loader
// runs in, so that an allocation beyond the bound dies with Go's
// unrecoverable "fatal error: out of memory" whatever the machine's RAM:
// Go's recorded behaviour (`fatal`) is the behaviour under this bound
// (docs/FORMAT.md 5a, docs/GOLDENS.md).
package addrspace

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Headroom is what the loader's process may add to the address space it
// uses at start.
const Headroom = 4 << 30

// Limit sets RLIMIT_AS to the current address space plus headroom.
func Limit(headroom uint64) error {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return err
	}
	defer f.Close()
	var vm uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmSize:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return err
			}
			vm = kb << 10
		}
	}
	if vm == 0 {
		return errors.New("no VmSize in /proc/self/status")
	}
	lim := vm + headroom
	return syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: lim, Max: lim})
}
