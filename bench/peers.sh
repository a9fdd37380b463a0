#!/usr/bin/env bash
# PyApp Server against Piku's stack (nginx uwsgi_pass -> uWSGI), in one run: a
# hello-world WSGI app as 2 processes and as 1 process x 8 threads, through PyApp's
# generated nginx, Apache httpd and lighttpd configurations to its uWSGI and its gunicorn
# daemons, through a hand-written configuration of each web server to uWSGI started by
# hand, and gunicorn reached directly. wrk -t2 -c32, rotated rounds, the median counts.
#   bench/peers.sh [SECONDS_PER_CASE=5] [ROUNDS=3]
# Needs wrk, uwsgi-core + uwsgi-plugin-python3, nginx, apache2 (+ mod_proxy_uwsgi),
# lighttpd (scripts/packages.sh bench) and the local package index file:///opt/pypi/simple
# (gunicorn). Prints a table and writes bench/results/peers.json.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-3}
command -v wrk >/dev/null || { echo "wrk is missing: scripts/packages.sh bench" >&2; exit 1; }
./mvnw -q -B -ntp -DskipTests -DskipITs test-compile
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test >/dev/null
java -cp "target/test-classes:target/classes:$(cat "$cp")" dev.pyapp.server.mount.PeersBenchmark \
	"$seconds" "$rounds" bench/results/peers.json
