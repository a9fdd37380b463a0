#!/usr/bin/env bash
# How apps.list and apps.get scale with the number of apps (issue 17, item 7): the
# server in one JVM on a fresh home with the embedded store (mongo-java-server, H2 file
# backend, as in production), APPS apps registered directly through the registry (a
# release on disk with a manifest and a configuration spec, the records in the store;
# no daemons), then CALLS calls of apps.list and of apps.get (a random app each) over
# HTTP (POST /rpc with the local API token), after a warm-up. Prints p50/p99/max per
# method and the store commands per call; writes OUT (bench/results/registry.json) with
# the load average before and after. Targets: apps.list p99 < 20 ms, apps.get p99 < 5 ms.
# The JVM runs with the server's heap, GC and JIT settings (scripts/server-java.sh's
# server_jvm_flags: G1 in 64-512 MB, C1 only); BENCH_JVM=default runs it with the JVM's
# defaults instead (C2, G1 in a quarter of the memory: the runs before 2026-12-04 18:30
# UTC); BENCH_JAVA_OPTS come last.
#   bench/registry.sh [APPS=500] [CALLS=1000] [OUT=bench/results/registry.json] [LABEL]
# Run it alone: flock /work/.heavy.lock bench/registry.sh
set -euo pipefail
cd "$(dirname "$0")/.."
apps=${1:-500}
calls=${2:-1000}
out=${3:-bench/results/registry.json}
label=${4:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src/main || echo '+changes')}
./mvnw -q -B -ntp -DskipTests -DskipITs -Dspring-javaformat.skip=true test-compile
cp=$(mktemp)
trap 'rm -f "$cp"' EXIT
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test
jvm=()
if [ "${BENCH_JVM:-server}" != default ]; then
	# shellcheck source=../scripts/server-java.sh
	source scripts/server-java.sh
	server_jvm_flags
	jvm=("${SERVER_JVM_FLAGS[@]}")
fi
echo "JVM: ${jvm[*]:-the defaults of the JVM} ${BENCH_JAVA_OPTS:-}"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of words
java "${jvm[@]}" ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat "$cp")" dev.pyapp.server.rpc.RegistryBenchmark \
	"$apps" "$calls" "$out" "$label"
