"""What the runtime's WSGI shim (``pyapp_runtime.wsgi``) adds per request, timed alone in
one interpreter: the hello world of bench/peers.sh called bare and through the shim,
500,000 calls each (a fresh copy of a 7-key environ per call, as a server builds one
per request, in both cases), best of ROUNDS rounds, alternating.

    flock /work/.heavy.lock /usr/bin/python3 bench/shim_micro.py [PYTHON_DIR...] [--calls N] [--rounds N]

Each PYTHON_DIR is a directory holding ``pyapp_runtime`` (default: this checkout's
src/main/resources/python); given several, they alternate, so that an older shim is
timed against the current one on the same machine at the same time
(``git archive main src/main/resources/python | tar -x -C /tmp/old``). Prints, per
directory, the microseconds per call of the bare app and of the shim, with metrics and
with ``PYAPP_METRICS=0``, and the overhead (shim minus bare).
"""
import os
import subprocess
import sys
import timeit
import types

HERE = os.path.dirname(os.path.abspath(__file__))

ENVIRON = {
    "REQUEST_METHOD": "GET",
    "SCRIPT_NAME": "",
    "PATH_INFO": "/",
    "QUERY_STRING": "",
    "SERVER_NAME": "localhost",
    "SERVER_PORT": "80",
    "SERVER_PROTOCOL": "HTTP/1.1",
}


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])
    return [b"Hello world\n"]


def _start_response(status, headers, exc_info=None):
    return None


def measure(python_dir, calls, rounds):
    """Runs in a child process per variant (the shim reads its environment at import)."""
    sys.path.insert(0, python_dir)
    sys.modules["pyapp_bench_hello"] = types.ModuleType("pyapp_bench_hello")
    sys.modules["pyapp_bench_hello"].application = hello
    os.environ["PYAPP_ENTRY"] = "pyapp_bench_hello:application"
    os.environ.pop("PYAPP_LOG_SOCKET", None)
    from pyapp_runtime import wsgi
    wrapped = wsgi.application
    environ = ENVIRON
    sr = _start_response

    def bare():
        hello(environ.copy(), sr)

    def shim():
        wrapped(environ.copy(), sr)

    best = {"bare": float("inf"), "shim": float("inf")}
    for _ in range(rounds):
        for name, fn in (("bare", bare), ("shim", shim)):
            best[name] = min(best[name], timeit.timeit(fn, number=calls) / calls * 1e6)
    return best


def main(argv):
    dirs = []
    calls, rounds = 500000, 5
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--calls":
            calls = int(args.pop(0))
        elif arg == "--rounds":
            rounds = int(args.pop(0))
        elif arg == "--child":
            best = measure(args.pop(0), calls, 1)
            print("%.4f %.4f" % (best["bare"], best["shim"]))
            return 0
        else:
            dirs.append(os.path.abspath(arg))
    if not dirs:
        dirs.append(os.path.abspath(os.path.join(HERE, "..", "src", "main", "resources", "python")))
    print("python %s, %d calls per case, best of %d rounds (a process per case, the cases alternating)"
          % (sys.version.split()[0], calls, rounds))
    cases = [(d, m) for d in dirs for m in ("1", "0")]
    best = {case: (float("inf"), float("inf")) for case in cases}
    for _ in range(rounds):
        for case in cases:
            env = dict(os.environ, PYAPP_METRICS=case[1])
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--calls", str(calls), "--child",
                                  case[0]], env=env, check=True, capture_output=True, text=True).stdout
            bare, shim = (float(x) for x in out.split())
            best[case] = (min(best[case][0], bare), min(best[case][1], shim))
    for (python_dir, metrics), (bare, shim) in best.items():
        print("%s\n  %-16s bare %.3f us  shim %.3f us  overhead %.3f us/request"
              % (python_dir, "metrics on" if metrics == "1" else "PYAPP_METRICS=0", bare, shim, shim - bare))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
