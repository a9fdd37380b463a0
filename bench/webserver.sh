#!/usr/bin/env bash
# Benchmarks the generated nginx, Apache httpd and lighttpd configurations against
# gunicorn reached directly on its unix socket and against hand-tuned reference
# configurations of the same web server, on loopback, in one run.
#   bench/webserver.sh [SECONDS_PER_CASE] [CONNECTIONS] [ROUNDS]
# Writes bench/results/webserver.json and prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-4}
connections=${2:-16}
rounds=${3:-2}
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
	dev.pyapp.server.mount.WebServerBenchmark "$seconds" "$connections" "$rounds" bench/results/webserver.json
