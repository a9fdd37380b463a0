#!/usr/bin/env bash
# The cost of isolation (issue 12): the same hello-world app (gunicorn gthread, 1 process,
# 8 threads, unix socket) on two servers in one run, "sandboxed" (as root: a user of its
# own, bubblewrap, cgroup limits) and "unisolated" (all of that switched off): install ->
# first 200, requests per second and CPU time per request under the same closed-loop
# load (the servers alternating, order swapped every round, medians), daemon RSS.
# Prints a table and writes bench/results/isolation.json (or OUT).
#   bench/isolation.sh [ROUNDS=5] [SECONDS_PER_ROUND=5] [CONNECTIONS=16] [OUT]
# Needs root (per-app users), bubblewrap, python3 with venv and gunicorn from the local
# index file:///opt/pypi/simple (PYAPP_BENCH_INDEX). Run it under the machine's lock:
#   flock /work/.heavy.lock bench/isolation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
seconds=${2:-5}
connections=${3:-16}
out=${4:-bench/results/isolation.json}
if [ "$(id -u)" != 0 ]; then
	echo "bench/isolation.sh needs root: the sandboxed server gives its app a user of its own" >&2
	exit 2
fi
./mvnw -q -B -ntp test-compile
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
	dev.pyapp.server.isolation.IsolationBench "$rounds" "$seconds" "$connections" "$out" \
	"${PYAPP_BENCH_INDEX:-file:///opt/pypi/simple}"
