#!/usr/bin/env bash
# PyApp Server against Piku's stack (nginx uwsgi_pass -> uWSGI), in one run: a
# hello-world WSGI app as 2 processes and as 1 process x 8 threads, through PyApp's
# generated nginx, Apache httpd and lighttpd configurations to its uWSGI and its gunicorn
# daemons, through a hand-written configuration of each web server to uWSGI started by
# hand, and gunicorn reached directly. wrk -t2 -c32, rotated rounds; each ratio is taken
# within a round between cases run right next to each other, and the median of the
# rounds' ratios counts.
# Method against noise (the same for every case, written to the results file): the
# server in the benchmark's JVM is left to settle (provisioning, JIT, log ingest) before
# a whole warm-up round that does not count; wrk runs pinned to the last CPU with
# taskset, so that it does not spread over both CPUs of a 2-core machine and fight the
# stack under test differently from one case to the next.
#   bench/peers.sh [SECONDS_PER_CASE=3] [ROUNDS=9]
# A reduced run: PEERS_WEB=apache (or nginx,lighttpd...) and/or PEERS_SHAPE=p2|t8 measure
# only those web servers / shapes and only the cases their targets compare; it writes
# target/peers-reduced.json, not the results file.
# Needs wrk, uwsgi-core + uwsgi-plugin-python3, nginx, apache2 (+ mod_proxy_uwsgi),
# lighttpd (scripts/packages.sh bench) and the local package index file:///opt/pypi/simple
# (gunicorn). Prints a table and writes bench/results/peers.json.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}
rounds=${2:-9}
command -v wrk >/dev/null || { echo "wrk is missing: scripts/packages.sh bench" >&2; exit 1; }
command -v taskset >/dev/null || echo "taskset is missing: wrk runs unpinned" >&2
./mvnw -q -B -ntp -DskipTests -DskipITs test-compile
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test
out=bench/results/peers.json
if [ -n "${PEERS_WEB:-}${PEERS_SHAPE:-}" ]; then
	out=target/peers-reduced.json
fi
java -cp "target/test-classes:target/classes:$(cat "$cp")" dev.pyapp.server.mount.PeersBenchmark \
	"$seconds" "$rounds" "$out"
