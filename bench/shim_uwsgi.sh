#!/usr/bin/env bash
# The runtime's WSGI shim on a real uWSGI worker: the hello world of peers.sh served by
# uWSGI 1 process x 8 threads (--http-socket, the flags PyApp's daemons get), bare and
# wrapped by pyapp_runtime.wsgi (metrics on, a log socket with a sink behind it, so the
# sender thread ships the metrics every 2 s as in production), each in a session of its
# own; wrk -t2 -c32 pinned to the last CPU, ROUNDS rounds of SECONDS per variant,
# alternating (the order rotates each round), 1 s warm-up each. Prints req/s and the CPU
# time of the variant's uWSGI processes per request for each round, the medians, each
# shim's median / the bare median and its CPU per request minus the bare app's.
#
#   flock /work/.heavy.lock bench/shim_uwsgi.sh [SECONDS=10] [ROUNDS=3] [OLD_PYTHON_DIR]
#
# OLD_PYTHON_DIR (a directory holding an older pyapp_runtime, e.g. from
# `git archive main src/main/resources/python | tar -x -C /tmp/old`) adds it as a third
# variant. Needs uwsgi-core + uwsgi-plugin-python3 and wrk.
set -euo pipefail
SECONDS_PER=${1:-10}
ROUNDS=${2:-3}
OLD=${3:-}
HERE=$(cd "$(dirname "$0")/.." && pwd)
NEW="$HERE/src/main/resources/python"
DIR=$(mktemp -d /tmp/shim-uwsgi.XXXXXX)
PIDS=()
SINK=
cleanup() {
	# uWSGI stops on SIGINT (SIGTERM reloads it without --die-on-term)
	for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
	kill -TERM "$SINK" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT
cat > "$DIR/hello.py" <<'PY'
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])
    return [b"Hello world\n"]
PY
# the log socket's other end: reads and drops, counts the requests the metrics report
cat > "$DIR/sink.py" <<'PY'
import json, socket, sys, threading
path, out = sys.argv[1], sys.argv[2]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(16)
total = 0
def serve(conn):
    global total
    for line in conn.makefile("rb"):
        metrics = json.loads(line).get("metrics")
        if metrics:
            total += sum(metrics["requests"].values())
            with open(out, "w") as f:
                f.write(str(total))
while True:
    threading.Thread(target=serve, args=(server.accept()[0],), daemon=True).start()
PY
setsid /usr/bin/python3 "$DIR/sink.py" "$DIR/logs.sock" "$DIR/counted" & SINK=$!
CPUS=$(nproc)
PIN=()
if [ "$CPUS" -ge 2 ]; then PIN=(taskset -c $((CPUS - 1))); fi
declare -A PORT SID
start() { # name port [shim python dir]
	local name=$1 port=$2 shim=${3:-}
	local cmd=(uwsgi --strict --plugin python3 --master --lazy-apps --need-app --single-interpreter
		--enable-threads --processes 1 --threads 8 --http-socket "127.0.0.1:$port" --disable-logging
		--listen 128 --chdir "$DIR" --pythonpath "$DIR")
	if [ -n "$shim" ]; then
		cmd+=(--pythonpath "$shim" --module pyapp_runtime.wsgi:application --env PYAPP_ENTRY=hello:application
			--env "PYAPP_LOG_SOCKET=$DIR/logs.sock" --env PYAPP_NAME=bench --env PYAPP_RELEASE=1)
	else
		cmd+=(--module hello:application)
	fi
	setsid "${cmd[@]}" > "$DIR/$name.log" 2>&1 & PIDS+=($!)
	PORT[$name]=$port
	SID[$name]=$!
}
VARIANTS=(bare shim)
start bare 18231
start shim 18232 "$NEW"
if [ -n "$OLD" ]; then start old 18233 "$OLD"; VARIANTS+=(old); fi
for name in "${VARIANTS[@]}"; do
	for _ in $(seq 50); do curl -fs "http://127.0.0.1:${PORT[$name]}/" > /dev/null && break; sleep 0.2; done
	curl -fs "http://127.0.0.1:${PORT[$name]}/" > /dev/null || { cat "$DIR/$name.log"; exit 1; }
done
# CPU time (ticks) of every process in a variant's session: uWSGI's master and worker
ticks() {
	local sid=$1 total=0 pid
	for pid in $(ps --no-headers -s "$sid" -o pid); do
		total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
	done
	echo "$total"
}
HZ=$(getconf CLK_TCK)
declare -A RESULTS CPU
n=${#VARIANTS[@]}
for round in $(seq "$ROUNDS"); do
	line="round $round:"
	for i in $(seq 0 $((n - 1))); do
		name=${VARIANTS[$(((i + round) % n))]}
		url="http://127.0.0.1:${PORT[$name]}/"
		"${PIN[@]}" wrk -t2 -c32 -d1s "$url" > /dev/null
		before=$(ticks "${SID[$name]}")
		out=$("${PIN[@]}" wrk -t2 -c32 -d"${SECONDS_PER}s" "$url")
		after=$(ticks "${SID[$name]}")
		rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
		requests=$(echo "$out" | awk '/requests in/ {print $1}')
		us=$(awk -v t=$((after - before)) -v hz="$HZ" -v r="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / r}')
		RESULTS[$name]="${RESULTS[$name]:-} $rps"
		CPU[$name]="${CPU[$name]:-} $us"
		line="$line $name $rps req/s $us us;"
	done
	echo "$line load $(cut -d' ' -f1 /proc/loadavg)"
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
BARE=$(echo "${RESULTS[bare]}" | median)
BARE_CPU=$(echo "${CPU[bare]}" | median)
for name in "${VARIANTS[@]}"; do
	m=$(echo "${RESULTS[$name]}" | median)
	c=$(echo "${CPU[$name]}" | median)
	echo "$name: median $m req/s (rounds:${RESULTS[$name]}), ratio to bare $(awk -v a="$m" -v b="$BARE" 'BEGIN {printf "%.3f", a / b}');" \
		"CPU median $c us/request (rounds:${CPU[$name]}), minus bare $(awk -v a="$c" -v b="$BARE_CPU" 'BEGIN {printf "%.1f", a - b}') us"
done
sleep 3
echo "requests counted by the shims' metrics (shipped to the log socket): $(cat "$DIR/counted" 2>/dev/null || echo none)"
