#!/usr/bin/env bash
# Request-path overhead of the request metrics in the pyapp_runtime WSGI shim: the same
# hello-world app under gunicorn (1 process, gthread, 8 threads: the runtime's default
# daemon), wrapped by pyapp_runtime.wsgi with PYAPP_METRICS=1 (status and duration of
# every request counted, shipped every 2 s over a log socket) and PYAPP_METRICS=0, under
# the same closed-loop load (wrk, keep-alive, loopback). One run: a warm-up round that
# does not count, then ROUNDS paired rounds (on right next to off, the order alternating:
# on/off, off/on, ...); each round gives a ratio on/off and the median of those ratios
# counts. Then as many rounds with both loaded at once (each by its own wrk, sharing the
# server CPU, each in a session of its own so that autogroup scheduling gives both the
# same share): a neighbour's load hits both in the same instant; the median of these
# rounds' ratios is reported beside the first, and with it a control: in each of these
# rounds also a second metrics-off daemon against the first, the same way. On a machine with 2 or more CPUs, wrk is
# pinned to CPU 0 and both gunicorns to CPU 1 (taskset; the same for both sides), so that
# the load generator does not take its CPU from the server under test in one round and
# not in the next.
# Prints a table and writes bench/results/metrics.json.
#   bench/metrics.sh [SECONDS_PER_ROUND=3] [ROUNDS=12] [CONNECTIONS=16]
# Needs python3 with venv, wrk, and gunicorn from the local index file:///opt/pypi/simple.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}
rounds=${2:-12}
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

# CPU pinning: the load generator on one CPU, the servers under test on another
if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
	client_cpu=(taskset -c 0)
	server_cpu=(taskset -c 1)
	pinning="wrk on CPU 0, both gunicorns (master and worker) on CPU 1"
else
	client_cpu=()
	server_cpu=()
	pinning="none (fewer than 2 CPUs or no taskset)"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_app() { # $1 = 1|0
	local port
	port=$(free_port)
	PYTHONPATH="$PWD/src/main/resources/python:$work" PYAPP_ENTRY=benchapp:app PYAPP_NAME=bench \
		PYAPP_RELEASE=bench PYAPP_LOG_SOCKET="$work/logs.sock" PYAPP_METRICS="$1" PYAPP_LOG_LEVEL=WARNING \
		setsid "${server_cpu[@]}" "$work/venv/bin/gunicorn" -c python:pyapp_runtime.gunicorn_conf --worker-class gthread --workers 1 \
		--threads 8 --bind "127.0.0.1:$port" --log-level warning pyapp_runtime.wsgi:application \
		>>"$work/gunicorn-$1.log" 2>&1 &
	echo "$! $port"
}

read -r on_pid on_port < <(start_app 1)
pids+=("$on_pid")
read -r off_pid off_port < <(start_app 0)
pids+=("$off_pid")
# a second metrics-off daemon for the control: the same method with no difference
read -r control_pid control_port < <(start_app 0)
pids+=("$control_pid")
for port in "$on_port" "$off_port" "$control_port"; do
	for _ in $(seq 1 100); do
		curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
		sleep 0.1
	done
done

# CPU seconds (user + system) of a gunicorn master and all its descendants
cpu_of() {
	python3 - "$1" <<'PY'
import os, sys
root = int(sys.argv[1]); children = {}; times = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        line = open("/proc/%s/stat" % pid).read()
    except OSError:
        continue
    fields = line[line.rindex(")") + 2:].split()
    children.setdefault(int(fields[1]), []).append(int(pid))
    times[int(pid)] = sum(int(x) for x in fields[11:15])
total, todo = 0, [root]
while todo:
    pid = todo.pop(); total += times.get(pid, 0); todo += children.get(pid, [])
print(total / os.sysconf("SC_CLK_TCK"))
PY
}

measure() { # pid port -> "requests/s cpu-microseconds-per-request"
	"${client_cpu[@]}" wrk -t2 -c"$connections" -d1s "http://127.0.0.1:$2/" >/dev/null 2>&1 # warm-up
	local before after out
	before=$(cpu_of "$1")
	out=$("${client_cpu[@]}" wrk -t2 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$2/")
	after=$(cpu_of "$1")
	python3 -c 'import sys, re
out, before, after = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
n = int(re.search(r"([0-9]+) requests in", out).group(1))
print(rps, (after - before) / max(n, 1) * 1e6)' "$out" "$before" "$after"
}

# both at once: each daemon gets its own wrk (both on the client CPU) for the same
# seconds, while the two share the server CPU; each is a session of its own (setsid), so
# Linux's autogroup scheduling gives the two the same CPU share, and a neighbour's load
# hits both in the same instant -> "rps_on rps_off cpu_us_on cpu_us_off"
measure_both() { # pid-a port-a pid-b port-b
	"${client_cpu[@]}" wrk -t2 -c"$connections" -d1s "http://127.0.0.1:$2/" >/dev/null 2>&1 &
	"${client_cpu[@]}" wrk -t2 -c"$connections" -d1s "http://127.0.0.1:$4/" >/dev/null 2>&1
	wait $!
	local b_a b_b a_a a_b w1 w2
	b_a=$(cpu_of "$1")
	b_b=$(cpu_of "$3")
	"${client_cpu[@]}" wrk -t2 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$2/" >"$work/both-a.out" &
	w1=$!
	"${client_cpu[@]}" wrk -t2 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$4/" >"$work/both-b.out" &
	w2=$!
	wait "$w1" "$w2"
	a_a=$(cpu_of "$1")
	a_b=$(cpu_of "$3")
	python3 -c 'import sys, re
def read(path):
    out = open(path).read()
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)), int(re.search(r"([0-9]+) requests in", out).group(1))
(r1, n1), (r2, n2) = read(sys.argv[1]), read(sys.argv[2])
b1, b2, a1, a2 = map(float, sys.argv[3:7])
print(r1, r2, (a1 - b1) / max(n1, 1) * 1e6, (a2 - b2) / max(n2, 1) * 1e6)' "$work/both-a.out" "$work/both-b.out" "$b_a" "$b_b" "$a_a" "$a_b"
}

load_before=$(cat /proc/loadavg)
# a warm-up round that does not count (both sides, as the measured rounds)
measure "$on_pid" "$on_port" >/dev/null
measure "$off_pid" "$off_port" >/dev/null
on=()
off=()
on_cpu=()
off_cpu=()
for round in $(seq 1 "$rounds"); do
	if ((round % 2)); then
		read -r r c < <(measure "$on_pid" "$on_port"); on+=("$r"); on_cpu+=("$c")
		read -r r c < <(measure "$off_pid" "$off_port"); off+=("$r"); off_cpu+=("$c")
	else
		read -r r c < <(measure "$off_pid" "$off_port"); off+=("$r"); off_cpu+=("$c")
		read -r r c < <(measure "$on_pid" "$on_port"); on+=("$r"); on_cpu+=("$c")
	fi
	echo "round $round: metrics on ${on[-1]} req/s (${on_cpu[-1]} us CPU/request), off ${off[-1]} req/s (${off_cpu[-1]} us CPU/request)"
done
measure_both "$on_pid" "$on_port" "$off_pid" "$off_port" >/dev/null # warm-up, not counted
both_on=()
both_off=()
both_on_cpu=()
both_off_cpu=()
control_a=()
control_b=()
for round in $(seq 1 "$rounds"); do
	# which side's wrk starts first (a few ms apart) alternates
	if ((round % 2)); then
		read -r a b c d < <(measure_both "$on_pid" "$on_port" "$off_pid" "$off_port")
	else
		read -r b a d c < <(measure_both "$off_pid" "$off_port" "$on_pid" "$on_port")
	fi
	both_on+=("$a"); both_off+=("$b"); both_on_cpu+=("$c"); both_off_cpu+=("$d")
	echo "both at once, round $round: metrics on $a req/s ($c us CPU/request), off $b req/s ($d us CPU/request)"
	# the control: two metrics-off daemons at once, the same way (its ratio shows what
	# the method itself puts between two sides with no difference)
	read -r a b c d < <(measure_both "$control_pid" "$control_port" "$off_pid" "$off_port")
	control_a+=("$a"); control_b+=("$b")
	echo "control (off and off at once), round $round: $a req/s and $b req/s"
done

python3 - "$seconds" "$rounds" "$connections" "${on[*]}" "${off[*]}" "${on_cpu[*]}" "${off_cpu[*]}" "$(cat /proc/loadavg)" "$load_before" "$pinning" \
	"${both_on[*]}" "${both_off[*]}" "${both_on_cpu[*]}" "${both_off_cpu[*]}" "${control_a[*]}" "${control_b[*]}" <<'PY'
import json, statistics, sys, datetime, os
seconds, rounds, connections = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
on = [float(x) for x in sys.argv[4].split()]
off = [float(x) for x in sys.argv[5].split()]
on_cpu = [float(x) for x in sys.argv[6].split()]
off_cpu = [float(x) for x in sys.argv[7].split()]
load, load_before, pinning = sys.argv[8], sys.argv[9], sys.argv[10]
both_on, both_off, both_on_cpu, both_off_cpu, control_a, control_b = ([float(x) for x in a.split()] for a in sys.argv[11:17])
m_on, m_off = statistics.median(on), statistics.median(off)
c_on, c_off = statistics.median(on_cpu), statistics.median(off_cpu)
# the figure that counts: the median of the rounds' paired ratios (on and off measured
# right next to each other, so a neighbour's load in one round hits both alike)
by_round = [a / b for a, b in zip(on, off)]
ratio = statistics.median(by_round)
# the server is CPU-bound (one process, the GIL): its throughput on a quiet machine is
# the inverse of its CPU per request, which a busy neighbour disturbs far less
cpu_by_round = [b / a for a, b in zip(on_cpu, off_cpu)]
cpu_ratio = statistics.median(cpu_by_round)
# both at once, sharing the server CPU: the same instant's neighbours for both sides
both_by_round = [a / b for a, b in zip(both_on, both_off)]
both_ratio = statistics.median(both_by_round)
both_cpu_by_round = [b / a for a, b in zip(both_on_cpu, both_off_cpu)]
both_cpu_ratio = statistics.median(both_cpu_by_round)
control_by_round = [a / b for a, b in zip(control_a, control_b)]
control_ratio = statistics.median(control_by_round)
result = {
    "benchmark": "request-path overhead of the shim's request metrics (pyapp_runtime.metrics)",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "setup": {"server": "gunicorn gthread, 1 process, 8 threads, TCP loopback", "client": "wrk -t2 -c%d" % connections,
              "seconds_per_round": seconds, "rounds": rounds,
              "order": "one warm-up round not counted, then paired rounds alternating on/off, off/on",
              "pinning": pinning, "cores": os.cpu_count()},
    "load_average_before": load_before,
    "load_average_at_end": load,
    "requests_per_second": {"metrics_on": on, "metrics_off": off},
    "cpu_microseconds_per_request": {"metrics_on": on_cpu, "metrics_off": off_cpu},
    "median": {"metrics_on": m_on, "metrics_off": m_off,
               "cpu_us_per_request_on": c_on, "cpu_us_per_request_off": c_off},
    "ratio_on_to_off": round(ratio, 4),
    "ratio_on_to_off_by_round": [round(r, 4) for r in by_round],
    "ratio_of_medians_on_to_off": round(m_on / m_off, 4),
    "cpu_ratio_off_to_on": round(cpu_ratio, 4),
    "cpu_ratio_off_to_on_by_round": [round(r, 4) for r in cpu_by_round],
    "goal": ">= 0.98",
    "met": ratio >= 0.98,
    "met_by_cpu_per_request": cpu_ratio >= 0.98,
    "simultaneous": {
        "what": "both daemons loaded at once for the same seconds, each by its own wrk (both on the client CPU), "
                "sharing the server CPU, each in a session of its own (autogroup: equal CPU shares)",
        "requests_per_second": {"metrics_on": both_on, "metrics_off": both_off},
        "cpu_microseconds_per_request": {"metrics_on": both_on_cpu, "metrics_off": both_off_cpu},
        "ratio_on_to_off": round(both_ratio, 4),
        "ratio_on_to_off_by_round": [round(r, 4) for r in both_by_round],
        "cpu_ratio_off_to_on": round(both_cpu_ratio, 4),
        "cpu_ratio_off_to_on_by_round": [round(r, 4) for r in both_cpu_by_round],
        "met": both_ratio >= 0.98,
        "control": {
            "what": "the same rounds' second measurement: a second metrics-off daemon against the first, at once",
            "requests_per_second": {"control": control_a, "metrics_off": control_b},
            "ratio": round(control_ratio, 4),
            "ratio_by_round": [round(r, 4) for r in control_by_round],
        },
    },
}
os.makedirs("bench/results", exist_ok=True)
with open("bench/results/metrics.json", "w") as out:
    json.dump(result, out, indent=2)
    out.write("\n")
print("%-14s %12s %16s" % ("case", "median req/s", "CPU us/request"))
print("%-14s %12.0f %16.1f" % ("metrics on", m_on, c_on))
print("%-14s %12.0f %16.1f" % ("metrics off", m_off, c_off))
print("throughput ratio on/off, median of the rounds' ratios: %.4f (goal >= 0.98): %s"
      % (ratio, "met" if ratio >= 0.98 else "NOT met"))
print("  by round: " + ", ".join("%.3f" % r for r in by_round))
print("CPU-per-request ratio off/on, median of the rounds': %.4f: %s" % (cpu_ratio, "met" if cpu_ratio >= 0.98 else "NOT met"))
print("both at once, throughput ratio on/off, median of the rounds' ratios: %.4f (goal >= 0.98): %s"
      % (both_ratio, "met" if both_ratio >= 0.98 else "NOT met"))
print("  by round: " + ", ".join("%.3f" % r for r in both_by_round))
print("both at once, CPU-per-request ratio off/on: %.4f" % both_cpu_ratio)
print("control, off and off at once: %.4f (by round: %s)" % (control_ratio, ", ".join("%.3f" % r for r in control_by_round)))
print("pinning: " + pinning)
print("load average before: %s, at end: %s" % (load_before, load))
PY
