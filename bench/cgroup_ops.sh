#!/usr/bin/env bash
# The kernel work of a request on a threaded uWSGI worker, timed alone per cgroup v1
# layout (issue 14's t8 gap): a small C program, pinned to CPU 0, joins the layout's
# cgroups and times, in CPU microseconds of its own per operation,
#   conn: a unix-socket connect + accept + a 700-byte request + a 100-byte answer + both
#         closes (what nginx's uwsgi_pass costs the worker: memory-cgroup charging of the
#         socket, its file and buffers),
#   wake: two threads handing a byte back and forth through pipes (a sleep and a wake-up
#         of a thread, the scheduler's enqueue and dequeue at the cgroup's depth).
# Layouts alternate within each round (the order rotates); prints each round and the
# medians. Variants as in bench/cgroup_ab.sh (root mem1 mem2 mem3 mem3lim cpu1 cpu2 cpu3
# pids3 all3).
#
#   flock -o /work/.heavy.lock bench/cgroup_ops.sh [OPS=100000] [ROUNDS=7] [VARIANTS...]
set -euo pipefail
OPS=${1:-100000}
ROUNDS=${2:-7}
shift 2 || true
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(root mem1 mem2 mem3 mem3lim cpu1 cpu2 cpu3 pids3 all3)
CG=/sys/fs/cgroup
BASE=pyapp-cgops-$$
DIR=$(mktemp -d /tmp/cgroup-ops.XXXXXX)
cleanup() {
	for c in memory cpu pids; do
		[ -d "$CG/$c/$BASE" ] && find "$CG/$c/$BASE" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
	rm -rf "$DIR"
}
trap cleanup EXIT
cat > "$DIR/kops.c" <<'C'
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec * 1e6 + t.tv_nsec / 1e3; }
static int p1[2], p2[2];
static long n;
static void *pong(void *a) {
	char c;
	for (long i = 0; i < n; i++) {
		if (read(p1[0], &c, 1) != 1 || write(p2[1], &c, 1) != 1) exit(1);
	}
	return a;
}
int main(int argc, char **argv) {
	if (argc != 4) return 2;
	n = atol(argv[2]);
	static char buf[4096];
	memset(buf, 'x', sizeof buf);
	if (!strcmp(argv[1], "wake")) {
		pthread_t t;
		char c = 'x';
		if (pipe(p1) || pipe(p2) || pthread_create(&t, 0, pong, 0)) return 1;
		double s = cpu();
		for (long i = 0; i < n; i++) {
			if (write(p1[1], &c, 1) != 1 || read(p2[0], &c, 1) != 1) return 1;
		}
		double e = cpu();
		pthread_join(t, 0);
		printf("%.3f\n", (e - s) / n);
		return 0;
	}
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	snprintf(addr.sun_path, sizeof addr.sun_path, "%s", argv[3]);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(addr.sun_path);
	if (bind(l, (void *)&addr, sizeof addr) || listen(l, 128)) return 1;
	double s = cpu();
	for (long i = 0; i < n; i++) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (void *)&addr, sizeof addr)) return 1;
		int a = accept(l, 0, 0);
		if (a < 0 || write(c, buf, 700) != 700 || read(a, buf, sizeof buf) <= 0 || write(a, buf, 100) != 100
				|| read(c, buf, sizeof buf) <= 0) return 1;
		close(a);
		close(c);
	}
	double e = cpu();
	unlink(addr.sun_path);
	printf("%.3f\n", (e - s) / n);
	return 0;
}
C
gcc -O2 -pthread -o "$DIR/kops" "$DIR/kops.c"
layout() { # variant -> lines "controller path limit"
	local d1=$BASE/$1 d2=$BASE/$1/app d3=$BASE/$1/app/daemon
	case $1 in
		root) ;;
		mem1) echo "memory $d1 -" ;;
		mem2) echo "memory $d2 -" ;;
		mem3) echo "memory $d3 -" ;;
		mem3lim) echo "memory $d3 leaf" ;;
		cpu1) echo "cpu $d1 -" ;;
		cpu2) echo "cpu $d2 -" ;;
		cpu3) echo "cpu $d3 -" ;;
		pids3) echo "pids $d3 -" ;;
		all3) echo "memory $d3 leaf"; echo "cpu $d3 -"; echo "pids $d3 -" ;;
		*) echo "unknown variant $1" >&2; exit 2 ;;
	esac
}
procs_files() { # variant: makes its cgroups, prints every cgroup.procs file to join
	local c path limit
	declare -A joined=()
	while read -r c path limit; do
		mkdir -p "$CG/$c/$path"
		if [ "$limit" = leaf ]; then echo $((512 * 1024 * 1024)) > "$CG/$c/$path/memory.limit_in_bytes"; fi
		echo "$CG/$c/$path/cgroup.procs"
		joined[$c]=1
	done < <(layout "$1")
	for c in memory cpu pids; do
		[ -n "${joined[$c]:-}" ] || echo "$CG/$c/cgroup.procs"
	done
}
declare -A RES
for r in $(seq "$ROUNDS"); do
	n=${#VARIANTS[@]}
	for op in conn wake; do
		line="round $r $op ($(cut -d' ' -f1-3 /proc/loadavg)):"
		for i in $(seq 0 $((n - 1))); do
			v=${VARIANTS[$(((i + r) % n))]}
			files=$(procs_files "$v" | tr '\n' ' ')
			us=$(taskset -c 0 sh -c 'for f in $1; do echo $$ > "$f"; done; shift; exec "$@"' sh "$files" \
				"$DIR/kops" "$op" "$OPS" "$DIR/k.sock")
			RES[$op.$v]="${RES[$op.$v]:-} $us"
			line="$line $v $us;"
		done
		echo "$line"
	done
done
echo "medians (CPU us per operation):"
for op in conn wake; do
	for v in "${VARIANTS[@]}"; do
		m=$(echo ${RES[$op.$v]} | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}')
		echo "  $op $v $m  (${RES[$op.$v]} )"
	done
done
