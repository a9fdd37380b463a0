#!/usr/bin/env bash
# Runtime benchmark: install -> first 200 over the app's socket and upgrade -> first
# answer of the new version (median of N runs, default 5) for the example guestbook,
# and the resident memory of its gunicorn daemon (master + workers).
# Prints a table and writes bench/results/runtime.json.
#   bench/runtime.sh [RUNS]
# Needs python3 with venv and the local package index file:///opt/pypi/simple (gunicorn).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests -DskipITs test-compile
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat "$cp")" dev.pyapp.server.runtime.RuntimeBench "$@"
