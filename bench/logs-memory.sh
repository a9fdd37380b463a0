#!/usr/bin/env bash
# Heap of the log intake under hostile senders (issue 13): heap after a full GC at idle,
# with 200 connections each holding an incomplete 1 MiB line, and after 20,000 maximal
# records (64 KiB message + 256 KiB exception) went through the apps' log sockets into
# the embedded store (H2). Writes bench/results/logs-memory.json and prints it.
# BENCH_RECORDS / BENCH_CONNECTIONS change the counts; JAVA_HEAP the -Xmx (default 1g).
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_RECORDS="${BENCH_RECORDS:-20000}" BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-200}"
./mvnw -q -B -ntp test -DskipITs -Dspring-javaformat.skip=true -DargLine="-Xmx${JAVA_HEAP:-1g}" \
	-Dtest=LogMemoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false
cat bench/results/logs-memory.json
