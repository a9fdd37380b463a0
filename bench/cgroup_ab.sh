#!/usr/bin/env bash
# The kernel side of issue 14's t8 gap: the CPU a uWSGI worker (1 process x 8 threads,
# the bare hello world, --uwsgi-socket on a unix socket) spends per request behind
# nginx's uwsgi_pass, with the worker in different cgroup v1 layouts. One uWSGI per
# variant, each in a session of its own; one nginx in front of all of them; wrk -t2 -c32
# pinned to the last CPU (as PeersBenchmark does); per round and variant (the order
# rotates each round) a 1 s warm-up, then the worker's CPU time (its threads'
# schedstat) over SECONDS of wrk, divided by the requests wrk counted. Prints each round and the medians.
#
#   flock -o /work/.heavy.lock bench/cgroup_ab.sh [SECONDS=4] [ROUNDS=5] [VARIANTS...]
#
# Variants: root (the root of every hierarchy), mem1 / mem2 / mem3 (a memory cgroup 1, 2
# or 3 levels below the root, no limit), mem3lim (3 levels, memory.limit_in_bytes written
# at the leaf), mem3limall (a limit at every level), cpu3 / pids3 (only a cpu or a pids
# cgroup 3 levels deep, the memory one at the root), all3 (memory, cpu and pids 3 deep
# with a memory limit: today's daemons). Needs cgroup v1 at /sys/fs/cgroup, root,
# wrk, nginx, uwsgi-core + uwsgi-plugin-python3.
set -euo pipefail
SECONDS_PER=${1:-4}
ROUNDS=${2:-5}
shift 2 || true
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(root mem1 mem2 mem3 mem3lim cpu3 pids3 all3)
CG=/sys/fs/cgroup
BASE=pyapp-cgab-$$
DIR=$(mktemp -d /tmp/cgroup-ab.XXXXXX)
chmod 755 "$DIR" # nginx's workers reach the sockets in it
PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	sleep 0.5
	for c in memory cpu pids; do
		[ -d "$CG/$c/$BASE" ] && find "$CG/$c/$BASE" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
	rm -rf "$DIR"
}
trap cleanup EXIT
cat > "$DIR/hello.py" <<'PY'
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])
    return [b"Hello world\n"]
PY
# the cgroup (below $CG/<controller>) of each controller for a variant; "" = the root
layout() { # variant -> lines "controller path limit"
	local v=$1 d1=$BASE/$1 d2=$BASE/$1/app d3=$BASE/$1/app/daemon
	case $v in
		root) echo "memory - -"; echo "cpu - -"; echo "pids - -" ;;
		mem1) echo "memory $d1 -"; echo "cpu - -"; echo "pids - -" ;;
		mem2) echo "memory $d2 -"; echo "cpu - -"; echo "pids - -" ;;
		mem3) echo "memory $d3 -"; echo "cpu - -"; echo "pids - -" ;;
		mem1lim) echo "memory $d1 leaf"; echo "cpu - -"; echo "pids - -" ;;
		mem3lim) echo "memory $d3 leaf"; echo "cpu - -"; echo "pids - -" ;;
		mem3limall) echo "memory $d3 all"; echo "cpu - -"; echo "pids - -" ;;
		cpu3) echo "memory - -"; echo "cpu $d3 -"; echo "pids - -" ;;
		pids3) echo "memory - -"; echo "cpu - -"; echo "pids $d3 -" ;;
		all3) echo "memory $d3 leaf"; echo "cpu $d3 -"; echo "pids $d3 -" ;;
		*) echo "unknown variant $v" >&2; exit 2 ;;
	esac
}
procs_files() { # variant: makes the cgroups, prints the cgroup.procs files to join
	layout "$1" | while read -r c path limit; do
		if [ "$path" = - ]; then echo "$CG/$c/cgroup.procs"; continue; fi
		mkdir -p "$CG/$c/$path"
		if [ "$limit" = leaf ]; then
			echo $((512 * 1024 * 1024)) > "$CG/$c/$path/memory.limit_in_bytes"
		elif [ "$limit" = all ]; then
			local p=$path
			while [ "$p" != "$BASE" ]; do
				echo $((512 * 1024 * 1024)) > "$CG/$c/$p/memory.limit_in_bytes"; p=$(dirname "$p")
			done
		fi
		if [ "$c" = pids ]; then echo 4096 > "$CG/$c/$path/pids.max"; fi
		echo "$CG/$c/$path/cgroup.procs"
	done
}
declare -A SOCK MASTER PORT
port=18340
conf="$DIR/nginx.conf"
mkdir -p "$DIR/tmp" "$DIR/logs" "$DIR/run"
{
	echo "daemon off; worker_processes 1; pid $DIR/run/nginx.pid; error_log $DIR/logs/error.log warn;"
	echo "events { worker_connections 4096; }"
	echo "http { access_log off; client_body_temp_path $DIR/tmp/c; proxy_temp_path $DIR/tmp/p;"
	echo "  fastcgi_temp_path $DIR/tmp/f; uwsgi_temp_path $DIR/tmp/u; scgi_temp_path $DIR/tmp/s; keepalive_requests 10000;"
} > "$conf"
for v in "${VARIANTS[@]}"; do
	SOCK[$v]=$DIR/$v.sock
	PORT[$v]=$port
	echo "  server { listen 127.0.0.1:$port; location / { include /etc/nginx/uwsgi_params; uwsgi_pass unix:${SOCK[$v]}; } }" >> "$conf"
	port=$((port + 1))
	files=$(procs_files "$v" | tr '\n' ' ')
	# the shell joins the cgroups, then becomes uWSGI in a session of its own
	setsid sh -c 'for f in $1; do echo $$ > "$f"; done; shift; exec "$@"' sh "$files" \
		uwsgi --plugin python3 --master --lazy-apps --need-app --single-interpreter --enable-threads \
		--processes 1 --threads 8 --chdir "$DIR" --module hello:application --uwsgi-socket "${SOCK[$v]}" \
		--chmod-socket=666 --disable-logging --listen 1024 > "$DIR/$v.log" 2>&1 &
	MASTER[$v]=$!
	PIDS+=($!)
done
echo "}" >> "$conf"
setsid nginx -c "$conf" -p "$DIR" > "$DIR/nginx.out" 2>&1 &
PIDS+=($!)
CPUS=$(nproc)
PIN=()
if [ "$CPUS" -ge 2 ]; then PIN=(taskset -c $((CPUS - 1))); fi
declare -A WORKER
for v in "${VARIANTS[@]}"; do
	for _ in $(seq 100); do
		WORKER[$v]=$(pgrep -P "${MASTER[$v]}" | head -1 || true)
		[ -n "${WORKER[$v]}" ] && [ -S "${SOCK[$v]}" ] && break
		sleep 0.1
	done
	[ -n "${WORKER[$v]}" ] || { echo "no worker for $v:"; cat "$DIR/$v.log"; exit 1; }
	for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:${PORT[$v]}/" && break; sleep 0.1; done
	curl -sf -o /dev/null "http://127.0.0.1:${PORT[$v]}/" || { echo "$v does not answer 200"; exit 1; }
	echo "$v: worker ${WORKER[$v]} in $(grep -E ':(memory|cpu|pids):' /proc/${WORKER[$v]}/cgroup | tr '\n' ' ')"
done
sleep 1
# the CPU time of a process's threads in ns (/proc/<pid>/task/*/schedstat: perf stat
# counts nothing on this machine's kernel)
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat | awk '{s += $1} END {printf "%.0f", s}'
}
declare -A RES
for r in $(seq "$ROUNDS"); do
	n=${#VARIANTS[@]}
	line="round $r ($(cut -d' ' -f1-3 /proc/loadavg)):"
	for i in $(seq 0 $((n - 1))); do
		v=${VARIANTS[$(((i + r) % n))]}
		url=http://127.0.0.1:${PORT[$v]}/
		"${PIN[@]}" wrk -t2 -c32 -d1s "$url" > /dev/null
		before=$(cpu_ns "${WORKER[$v]}")
		out=$("${PIN[@]}" wrk -t2 -c32 -d"${SECONDS_PER}s" "$url")
		after=$(cpu_ns "${WORKER[$v]}")
		reqs=$(echo "$out" | awk '/requests in/ {print $1}')
		if echo "$out" | grep -q "Non-2xx"; then echo "$v: $out"; exit 1; fi
		us=$(awk -v ns=$((after - before)) -v n="$reqs" 'BEGIN {printf "%.2f", ns / 1000 / n}')
		rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')
		RES[$v]="${RES[$v]:-} $us"
		line="$line $v $us us ${rps}/s;"
	done
	echo "$line"
done
echo "medians (us of worker CPU per request):"
for v in "${VARIANTS[@]}"; do
	m=$(echo ${RES[$v]} | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}')
	echo "  $v $m  (${RES[$v]} )"
done
