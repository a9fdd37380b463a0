#!/usr/bin/env python3
"""Runs a command and fails when processes it started outlive it.

    scripts/leftovers.py [--grace SECONDS] -- COMMAND [ARG...]

scripts/test.sh (and so CI) runs the test suite through it: every process a test starts
must be stopped by that test. This process makes itself a child subreaper
(PR_SET_CHILD_SUBREAPER), so whatever the command starts stays its descendant even when it
daemonizes (setsid, double fork: a gunicorn, an nginx, an agent started over SSH from a
test's sshd): an orphan is re-parented to this process, not to init. Only those processes
are looked at, never anything else on the machine (other users' or other checkouts' test
runs included).

While the command runs, this process reaps the orphans that end (as init would), so a
test waiting for a process to disappear sees it disappear. After the command has ended,
its descendants get GRACE seconds (default 15) to finish on their own; whatever is still
running then is listed, stopped (TERM, then KILL) and makes the exit status 3 unless the
command itself failed (then its own status is kept).
"""

import ctypes
import os
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def parse(argv):
    grace = 15.0
    args = list(argv)
    if args[:1] == ["--grace"]:
        grace = float(args[1])
        args = args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.exit(__doc__)
    return grace, args


def descendants(root):
    """The processes below root, as {pid: (ppid, state, command line)}."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            with open("/proc/%s/cmdline" % entry, "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue  # ended meanwhile
        table[int(entry)] = (int(fields[1]), fields[0].decode(), command)
    below = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, state, command) in table.items():
            if ppid == parent and pid not in below:
                below[pid] = (ppid, state, command)
                frontier.append(pid)
    return below


def reap():
    """Collects every child that has ended; returns {pid: exit status}."""
    ended = {}
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return ended
        if pid == 0:
            return ended
        ended[pid] = os.waitstatus_to_exitcode(status)


def running(pids):
    return {pid: info for pid, info in pids.items() if info[1] != "Z"}


def main():
    grace, command = parse(sys.argv[1:])
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("leftovers.py: cannot become a child subreaper: " + os.strerror(ctypes.get_errno()))
    me = os.getpid()
    child = os.fork()
    if child == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)

    # the command gets the signals a terminal or CI sends; this process outlives it
    def forward(signum, frame):
        try:
            os.kill(child, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)

    status = None
    while status is None:
        try:
            pid, raw = os.waitpid(-1, 0)
        except InterruptedError:
            continue
        if pid == child:
            status = os.waitstatus_to_exitcode(raw)
    status = status if status >= 0 else 128 - status

    deadline = time.monotonic() + grace
    left = running(descendants(me))
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        reap()
        left = running(descendants(me))
    if not left:
        return status

    print("\nleftovers.py: %d process(es) started by `%s` were still running %g s after it ended:"
          % (len(left), " ".join(command), grace), file=sys.stderr)
    for pid, (ppid, state, line) in sorted(left.items()):
        print("  %7d (parent %d) %s" % (pid, ppid, line[:300]), file=sys.stderr)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in left:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        stop = time.monotonic() + 10
        while left and time.monotonic() < stop:
            time.sleep(0.2)
            reap()
            left = running(descendants(me))
    print("leftovers.py: stopped them; every test must stop what it starts", file=sys.stderr)
    return status if status != 0 else 3


if __name__ == "__main__":
    sys.exit(main())
