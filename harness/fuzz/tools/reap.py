#!/usr/bin/env python3
"""Run a command, then kill whatever it left behind.

usage: reap.py COMMAND [ARG...]    exit status: the command's

afl-fuzz 4.04 can leave the CMPLOG forkserver's child stopped when -V ends;
the forkserver calls setsid(), so neither our process group nor our session
reaches it. As a child subreaper (prctl PR_SET_CHILD_SUBREAPER) this process
inherits every orphan of the command and kills exactly those, by pid.
"""
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def orphans():
    me, kids = os.getpid(), []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == me:
            kids.append(int(d))
    return kids


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("reap.py: prctl(PR_SET_CHILD_SUBREAPER) failed; orphans are not reaped",
              file=sys.stderr)
    child = subprocess.Popen(sys.argv[1:])
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda s, _f: child.send_signal(s))
    rc = child.wait()
    for _ in range(100):
        kids = orphans()
        if not kids:
            break
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        time.sleep(0.05)
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == "__main__":
    main()
