#!/usr/bin/env bash
# Request-path overhead of the request metrics in the pyapp_runtime WSGI shim: the same
# hello-world app under gunicorn (1 process, gthread, 8 threads: the runtime's default
# daemon), wrapped by pyapp_runtime.wsgi with PYAPP_METRICS=1 (status and duration of
# every request counted, shipped every 2 s over a log socket) and PYAPP_METRICS=0, under
# the same closed-loop load (wrk, keep-alive, loopback). One run, ROUNDS rounds whose
# order alternates (on/off, then off/on, ...); the median round of each side counts.
# Prints a table and writes bench/results/metrics.json.
#   bench/metrics.sh [SECONDS_PER_ROUND=5] [ROUNDS=6] [CONNECTIONS=16]
# Needs python3 with venv, wrk, and gunicorn from the local index file:///opt/pypi/simple.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-6}
connections=${3:-16}
work=$(mktemp -d /tmp/pyapp-bench-metrics.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --index-url "${PYAPP_BENCH_INDEX:-file:///opt/pypi/simple}" gunicorn
cat > "$work/benchapp.py" <<'PY'
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])
    return [b"hello world\n"]
PY
# the log socket: a sink that reads and drops, as the server would read and store
cat > "$work/sink.py" <<'PY'
import os, socket, sys, threading
path = sys.argv[1]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(64)
def drain(conn):
    while conn.recv(1 << 16):
        pass
while True:
    conn, _ = server.accept()
    threading.Thread(target=drain, args=(conn,), daemon=True).start()
PY
python3 "$work/sink.py" "$work/logs.sock" &
pids+=($!)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_app() { # $1 = 1|0
	local port
	port=$(free_port)
	PYTHONPATH="$PWD/src/main/resources/python:$work" PYAPP_ENTRY=benchapp:app PYAPP_NAME=bench \
		PYAPP_RELEASE=bench PYAPP_LOG_SOCKET="$work/logs.sock" PYAPP_METRICS="$1" PYAPP_LOG_LEVEL=WARNING \
		"$work/venv/bin/gunicorn" -c python:pyapp_runtime.gunicorn_conf --worker-class gthread --workers 1 \
		--threads 8 --bind "127.0.0.1:$port" --log-level warning pyapp_runtime.wsgi:application \
		>"$work/gunicorn-$1.log" 2>&1 &
	echo "$! $port"
}

read -r on_pid on_port < <(start_app 1)
pids+=("$on_pid")
read -r off_pid off_port < <(start_app 0)
pids+=("$off_pid")
for port in "$on_port" "$off_port"; do
	for _ in $(seq 1 100); do
		curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
		sleep 0.1
	done
done

measure() { # port -> requests/s
	wrk -t2 -c"$connections" -d1s "http://127.0.0.1:$1/" >/dev/null 2>&1 # warm-up
	wrk -t2 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'
}

on=()
off=()
for round in $(seq 1 "$rounds"); do
	if ((round % 2)); then
		on+=("$(measure "$on_port")"); off+=("$(measure "$off_port")")
	else
		off+=("$(measure "$off_port")"); on+=("$(measure "$on_port")")
	fi
	echo "round $round: metrics on ${on[-1]} req/s, off ${off[-1]} req/s"
done

python3 - "$seconds" "$rounds" "$connections" "${on[*]}" "${off[*]}" <<'PY'
import json, statistics, sys, datetime, os
seconds, rounds, connections = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
on = [float(x) for x in sys.argv[4].split()]
off = [float(x) for x in sys.argv[5].split()]
m_on, m_off = statistics.median(on), statistics.median(off)
ratio = m_on / m_off
result = {
    "benchmark": "request-path overhead of the shim's request metrics (pyapp_runtime.metrics)",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "setup": {"server": "gunicorn gthread, 1 process, 8 threads, TCP loopback", "client": "wrk -t2 -c%d" % connections,
              "seconds_per_round": seconds, "rounds": rounds, "order": "alternating on/off, off/on",
              "cores": os.cpu_count()},
    "requests_per_second": {"metrics_on": on, "metrics_off": off},
    "median": {"metrics_on": m_on, "metrics_off": m_off},
    "ratio_on_to_off": round(ratio, 4),
    "goal": ">= 0.98",
    "met": ratio >= 0.98,
}
os.makedirs("bench/results", exist_ok=True)
with open("bench/results/metrics.json", "w") as out:
    json.dump(result, out, indent=2)
    out.write("\n")
print("%-14s %12s" % ("case", "median req/s"))
print("%-14s %12.0f" % ("metrics on", m_on))
print("%-14s %12.0f" % ("metrics off", m_off))
print("ratio on/off: %.4f (goal >= 0.98): %s" % (ratio, "met" if ratio >= 0.98 else "NOT met"))
PY
