#!/usr/bin/env bash
# Starts PyApp Server from this checkout: embedded MongoDB, the API and web UI on
# 127.0.0.1:8800, a managed nginx, PYAPP_HOME=./var unless set.
# Installs the Debian packages the server needs first (as root; otherwise prints the
# apt-get command and stops), and builds the server jar if it is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/packages.sh run
export PYAPP_HOME=${PYAPP_HOME:-$PWD/var}
jar=target/pyapp-server.jar
if [ ! -f "$jar" ] || [ -n "$(find src frontend-templates widgets pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; then
	echo "Building the server (./mvnw package)..."
	./mvnw -B -q -ntp -DskipTests package
fi
port=8800
for arg in "$@"; do
	case "$arg" in --server.port=*) port=${arg#--server.port=} ;; esac
done
echo "PYAPP_HOME=$PYAPP_HOME"
echo "API: http://127.0.0.1:$port/rpc   token: $PYAPP_HOME/api-token (the CLI bin/pyapp reads it)"
echo "Web UI: http://127.0.0.1:$port/   user admin, first password in $PYAPP_HOME/initial-admin-password"
# everything the server creates is private unless it says otherwise (SPEC §10 "Files");
# the JVM cannot set its own umask
umask 077
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
