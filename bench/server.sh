#!/usr/bin/env bash
# Benchmark: management server startup time (process start -> first answered
# server.info) and idle RSS, median of N runs, on a fresh PYAPP_HOME each time.
# Prints a table and writes bench/results/server.json.
#   bench/server.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
jar=target/pyapp-server.jar
[ -f "$jar" ] || ./mvnw -B -q -ntp -DskipTests package
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
starts=(); rss=()
for i in $(seq 1 "$runs"); do
	home=$(mktemp -d /tmp/pyapp-bench-XXXX)
	t0=$(date +%s%N)
	PYAPP_HOME=$home java -jar "$jar" --server.port="$port" --pyapp.webserver.managed=false > "$home/server.log" 2>&1 &
	pid=$!
	until [ -s "$home/api-token" ] && curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$home/api-token")" \
		-H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","method":"server.info","id":1}' \
		"http://127.0.0.1:$port/rpc"; do
		kill -0 "$pid" 2>/dev/null || { echo "server died: $home/server.log" >&2; exit 1; }
		sleep 0.05
	done
	t1=$(date +%s%N)
	starts+=($(( (t1 - t0) / 1000000 )))
	sleep 10
	rss+=($(ps -o rss= -p "$pid" | tr -d ' '))
	kill "$pid"; wait "$pid" 2>/dev/null || true
	rm -rf "$home"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
start_ms=$(median "${starts[@]}"); rss_kb=$(median "${rss[@]}")
printf '%-34s %10s\n' "metric" "median"
printf '%-34s %10s\n' "startup to first server.info (ms)" "$start_ms"
printf '%-34s %10s\n' "idle RSS after 10 s (MiB)" "$(( rss_kb / 1024 ))"
cat > bench/results/server.json <<JSON
{"runs": $runs, "startup_ms_median": $start_ms, "startup_ms": [$(IFS=,; echo "${starts[*]}")],
 "idle_rss_kib_median": $rss_kb, "idle_rss_kib": [$(IFS=,; echo "${rss[*]}")],
 "cores": $(nproc), "java": "$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')"}
JSON
