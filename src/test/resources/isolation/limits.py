"""An app that exceeds its limits on request (LimitsIT)."""
import json
import os
import signal
import time
from urllib.parse import parse_qs


def _hog(mb):
    chunks = []
    for _ in range(mb):
        chunks.append(bytearray(1024 * 1024))
    return len(chunks)


def _forkbomb():
    forked = 0
    error = None
    children = []
    try:
        for _ in range(1000):
            pid = os.fork()
            if pid == 0:
                time.sleep(3)
                os._exit(0)
            children.append(pid)
            forked += 1
    except OSError as ex:
        error = ex.errno
    for pid in children:
        os.waitpid(pid, 0)
    return {"forked": forked, "errno": error}


def _files():
    opened = []
    error = None
    try:
        while len(opened) < 100000:
            opened.append(os.open("/dev/null", os.O_RDONLY))
    except OSError as ex:
        error = ex.errno
    count = len(opened)
    for fd in opened:
        os.close(fd)
    return {"opened": count, "errno": error}


def _cpu(seconds):
    start = time.monotonic()
    children = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                pass
            os._exit(0)
        children.append(pid)
    used = 0.0
    for pid in children:
        _, _, usage = os.wait4(pid, 0)
        used += usage.ru_utime + usage.ru_stime
    return {"cpu_seconds": used, "wall_seconds": time.monotonic() - start}


def _hog_then_exit(mb):
    """A child is killed for memory, then the master ends: to the supervisor the daemon
    died after an out-of-memory kill in its cgroup."""
    pid = os.fork()
    if pid == 0:
        _hog(mb)
        os._exit(0)
    os.waitpid(pid, 0)
    os.kill(os.getppid(), signal.SIGKILL)
    return {"killed": True}


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/hog":
        result = {"allocated_mb": _hog(int(query.get("mb", ["512"])[0]))}
    elif path == "/hog-then-exit":
        result = _hog_then_exit(int(query.get("mb", ["512"])[0]))
    elif path == "/forkbomb":
        result = _forkbomb()
    elif path == "/files":
        result = _files()
    elif path == "/cpu":
        result = _cpu(float(query.get("seconds", ["3"])[0]))
    else:
        result = {"pid": os.getpid()}
    body = json.dumps(result).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
