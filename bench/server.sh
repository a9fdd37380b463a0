#!/usr/bin/env bash
# Benchmark: how fast the CLI answers, how fast the server starts, and how much memory
# the server holds when idle, under load and a minute after it (issue 19). One run
# measures, in this order:
#   1. CLI wall time, median of CLI_RUNS: `pyapp apps list` (against a running server)
#      and `pyapp --help`, with the build's class-data-sharing archive and without it
#      (the same jar copied elsewhere: the JVM's own archive only)
#   2. server start to the first answered server.info, median of START_RUNS, with the
#      archive (the extracted jar, as scripts/run.sh starts it), without (the jar), and
#      with the archive and both JIT compilers (-XX:TieredStopAtLevel=4; the default is
#      the C1 compiler only), and with the archive but the regular start
#      (-Dspring.aot.enabled=false: the configuration classes parsed and their
#      conditions evaluated at start, as when AotStartGuard falls back); beside it the
#      first answer of any call (apps.list): server.info also waits for the search for Python
#      interpreters, which starts with the server; and the CPU time the JVM spent up to
#      the first server.info, which a busy neighbour disturbs far less than wall time
#   3. RSS of a server started as scripts/run.sh starts it: idle (IDLE_SECONDS after the
#      first answer), right after a BURST_SECONDS burst of 16 concurrent apps.list
#      callers, and AFTER_SECONDS later
# Every server gets a fresh PYAPP_HOME and the JVM settings of scripts/server-java.sh
# (JAVA_OPTS adds to them), without the managed web server. Prints a table and writes
# bench/results/server.json. Needs wrk (the load) and curl. Run it alone:
# `flock /work/.heavy.lock bench/server.sh`.
#   bench/server.sh [START_RUNS=5] [CLI_RUNS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
start_runs=${1:-5}
cli_runs=${2:-10}
idle_seconds=${IDLE_SECONDS:-30}
burst_seconds=${BURST_SECONDS:-15}
after_seconds=${AFTER_SECONDS:-60}
callers=16
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

command -v wrk > /dev/null || { echo "bench/server.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
if [ ! -f target/pyapp-server.jar ] || [ ! -f target/pyapp-cli.jar ]; then
	./mvnw -B -q -ntp -DskipTests package
fi
source scripts/server-java.sh
# the archives a build left out (scripts/test.sh leaves out the server's), trained as
# scripts/run.sh trains them
cds_refresh target
for file in target/pyapp-cli.jsa target/server/pyapp-server.jsa; do
	[ -f "$file" ] || { echo "$file is missing: build with ./mvnw package (without -Dpyapp.cds.skip)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/pyapp-bench-XXXX)
pid=
stop_server() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=
	fi
}
trap 'stop_server; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port/rpc
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
json_list() { local IFS=,; echo "[$*]"; }

# Starts a server (auto: with the archive, off: without, c2: with the archive and both
# JIT compilers, regular: with the archive, without the ahead-of-time bean definitions)
# on a fresh home; sets pid, home, answered_ms, started_ms and cpu_ms.
start_server() {
	home=$(mktemp -d "$work/home-XXXX")
	if [ "$1" = c2 ]; then
		JAVA_OPTS="-XX:TieredStopAtLevel=4 ${JAVA_OPTS:-}" server_java auto
	elif [ "$1" = regular ]; then
		JAVA_OPTS="-Dspring.aot.enabled=false ${JAVA_OPTS:-}" server_java auto
	else
		server_java "$1"
	fi
	local t0
	t0=$(now_ms)
	# umask 077 as scripts/run.sh starts it
	(umask 077 && PYAPP_HOME=$home exec "${SERVER_JAVA[@]}" --server.port="$port" --pyapp.webserver.managed=false \
		> "$home/server.log" 2>&1) &
	pid=$!
	# first any answer (apps.list), then server.info, which also waits for the search
	# for Python interpreters that starts with the server
	until [ -s "$home/api-token" ] && curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$home/api-token")" \
		-H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","method":"apps.list","id":1}' "$url"; do
		kill -0 "$pid" 2>/dev/null || { tail -n 30 "$home/server.log" >&2; echo "server died" >&2; exit 1; }
		sleep 0.02
	done
	answered_ms=$(( $(now_ms) - t0 ))
	curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$home/api-token")" -H 'Content-Type: application/json' \
		-d '{"jsonrpc":"2.0","method":"server.info","id":1}' "$url" || { echo "server.info failed" >&2; exit 1; }
	started_ms=$(( $(now_ms) - t0 ))
	cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")
}

# Wall time of one CLI call, in ms.
cli_ms() {
	local t0
	t0=$(now_ms)
	PYAPP_URL=$url PYAPP_HOME=$home "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
	echo $(( $(now_ms) - t0 ))
}

# 1. the CLI
start_server auto
mkdir -p "$work/plain"
cp target/pyapp-cli.jar "$work/plain/pyapp-cli.jar"
declare -A cli
for variant in archive plain; do
	env=()
	[ "$variant" = plain ] && env=(env "PYAPP_CLI_JAR=$work/plain/pyapp-cli.jar")
	for command in "apps list" "--help"; do
		# shellcheck disable=SC2086 # the command is words
		cli_ms "${env[@]}" bin/pyapp $command > /dev/null # warm the page cache
		times=()
		for _ in $(seq 1 "$cli_runs"); do
			# shellcheck disable=SC2086
			times+=("$(cli_ms "${env[@]}" bin/pyapp $command)")
		done
		cli["$variant/$command"]="${times[*]}"
	done
done
stop_server

# 2. server start
declare -A starts answers cpus
for variant in auto off c2 regular; do
	times=() firsts=() cpu=()
	for _ in $(seq 1 "$start_runs"); do
		start_server "$variant"
		times+=("$started_ms")
		firsts+=("$answered_ms")
		cpu+=("$cpu_ms")
		stop_server
	done
	starts[$variant]="${times[*]}"
	answers[$variant]="${firsts[*]}"
	cpus[$variant]="${cpu[*]}"
done

# 3. memory
start_server auto
sleep "$idle_seconds"
idle_kib=$(rss_kib "$pid")
token=$(cat "$home/api-token")
cat > "$work/burst.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","method":"apps.list","id":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
burst_ticks=$(cpu_ticks)
wrk -t2 -c"$callers" -d"${burst_seconds}s" -s "$work/burst.lua" "$url" > "$work/burst.txt"
burst_ticks=$(( $(cpu_ticks) - burst_ticks ))
burst_calls=$(awk '/requests in/ {print $1}' "$work/burst.txt")
burst_errors=$(awk '/Non-2xx/ {print $NF} /Socket errors/ {n=0; for (i=4; i<=NF; i+=2) n+=$i; print n}' "$work/burst.txt" \
	| awk '{n+=$1} END {print n+0}')
burst_kib=$(rss_kib "$pid")
# the server's CPU time per call, which a busy neighbour disturbs far less than calls/s
burst_us_per_call=$(( burst_ticks * 1000000 / $(getconf CLK_TCK) / (burst_calls > 0 ? burst_calls : 1) ))
series=()
for _ in $(seq 5 5 "$after_seconds"); do
	sleep 5
	series+=("$(rss_kib "$pid")")
done
after_kib=${series[-1]}
stop_server
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

ms() { median ${cli[$1]}; }
mib() { echo $(( $1 / 1024 )); }
printf '%-46s %12s %12s %12s %12s\n' "metric" "archive" "no archive" "archive, C2" "regular"
printf '%-46s %12s %12s\n' "pyapp apps list, median of $cli_runs (ms)" "$(ms 'archive/apps list')" "$(ms 'plain/apps list')"
printf '%-46s %12s %12s\n' "pyapp --help, median of $cli_runs (ms)" "$(ms 'archive/--help')" "$(ms 'plain/--help')"
printf '%-46s %12s %12s %12s %12s\n' "start to first answer (apps.list), median (ms)" "$(median ${answers[auto]})" \
	"$(median ${answers[off]})" "$(median ${answers[c2]})" "$(median ${answers[regular]})"
printf '%-46s %12s %12s %12s %12s\n' "start to first server.info, median of $start_runs (ms)" "$(median ${starts[auto]})" \
	"$(median ${starts[off]})" "$(median ${starts[c2]})" "$(median ${starts[regular]})"
printf '%-46s %12s %12s %12s %12s\n' "JVM CPU time to it, median (ms)" "$(median ${cpus[auto]})" "$(median ${cpus[off]})" \
	"$(median ${cpus[c2]})" "$(median ${cpus[regular]})"
printf '%-46s %12s\n' "RSS idle, ${idle_seconds} s after start (MiB)" "$(mib "$idle_kib")"
printf '%-46s %12s\n' "RSS after ${burst_seconds} s of $callers apps.list callers (MiB)" "$(mib "$burst_kib")"
printf '%-46s %12s\n' "RSS ${after_seconds} s later (MiB)" "$(mib "$after_kib")"
printf '%-46s %12s\n' "apps.list calls in the burst (errors)" "$burst_calls ($burst_errors)"
printf '%-46s %12s\n' "server CPU per call in the burst (us)" "$burst_us_per_call"
printf 'load average before %s, after %s; %s cores\n' "$load_start" "$load_end" "$(nproc)"

server_java auto
cat > bench/results/server.json <<JSON
{"cli_runs": $cli_runs, "start_runs": $start_runs,
 "cli_apps_list_ms": {"archive": $(json_list ${cli['archive/apps list']}), "no_archive": $(json_list ${cli['plain/apps list']})},
 "cli_apps_list_ms_median": {"archive": $(ms 'archive/apps list'), "no_archive": $(ms 'plain/apps list')},
 "cli_help_ms": {"archive": $(json_list ${cli['archive/--help']}), "no_archive": $(json_list ${cli['plain/--help']})},
 "cli_help_ms_median": {"archive": $(ms 'archive/--help'), "no_archive": $(ms 'plain/--help')},
 "startup_ms": {"archive": $(json_list ${starts[auto]}), "no_archive": $(json_list ${starts[off]}), "archive_c1_and_c2": $(json_list ${starts[c2]}), "archive_regular_start": $(json_list ${starts[regular]})},
 "startup_ms_median": {"archive": $(median ${starts[auto]}), "no_archive": $(median ${starts[off]}), "archive_c1_and_c2": $(median ${starts[c2]}), "archive_regular_start": $(median ${starts[regular]})},
 "startup_cpu_ms": {"archive": $(json_list ${cpus[auto]}), "no_archive": $(json_list ${cpus[off]}), "archive_c1_and_c2": $(json_list ${cpus[c2]}), "archive_regular_start": $(json_list ${cpus[regular]})},
 "startup_cpu_ms_median": {"archive": $(median ${cpus[auto]}), "no_archive": $(median ${cpus[off]}), "archive_c1_and_c2": $(median ${cpus[c2]}), "archive_regular_start": $(median ${cpus[regular]})},
 "first_answer_ms": {"archive": $(json_list ${answers[auto]}), "no_archive": $(json_list ${answers[off]}), "archive_c1_and_c2": $(json_list ${answers[c2]}), "archive_regular_start": $(json_list ${answers[regular]})},
 "first_answer_ms_median": {"archive": $(median ${answers[auto]}), "no_archive": $(median ${answers[off]}), "archive_c1_and_c2": $(median ${answers[c2]}), "archive_regular_start": $(median ${answers[regular]})},
 "rss_kib": {"idle": $idle_kib, "after_burst": $burst_kib, "after_burst_plus_${after_seconds}s": $after_kib,
   "every_5s_after_burst": $(json_list "${series[@]}")},
 "idle_seconds": $idle_seconds, "burst": {"seconds": $burst_seconds, "callers": $callers, "calls": $burst_calls, "errors": $burst_errors, "server_cpu_us_per_call": $burst_us_per_call},
 "jvm_command": "$(printf '%s ' "${SERVER_JAVA[@]:1:${#SERVER_JAVA[@]}-3}" | sed 's/ $//')",
 "loadavg_before": "$load_start", "loadavg_after": "$load_end", "cores": $(nproc),
 "commit": "$(git rev-parse --short HEAD)",
 "java": "$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')"}
JSON
echo "bench/results/server.json written"
