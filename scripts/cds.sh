#!/usr/bin/env bash
# Builds the class-data-sharing (AppCDS) archives that make the CLI and the server start
# faster (issue 19). `./mvnw package` runs it after the jars are built (and so do
# scripts/run.sh and CI); the archives are build output, never committed. Skip it with
# `./mvnw package -Dpyapp.cds.skip=true`.
#
#   scripts/cds.sh cli TARGET      TARGET/pyapp-cli.jar -> TARGET/pyapp-cli.jsa
#   scripts/cds.sh server TARGET   TARGET/pyapp-server.jar -> TARGET/server/ (Spring Boot's
#                                  extracted layout) + TARGET/server/pyapp-server.jsa
#
# The CLI: a static archive. Training runs of the real commands against a stand-in API
# (a few lines of python3) write the lists of classes they load (-XX:DumpLoadedClassList);
# their union with the JDK's own list is dumped with -Xshare:dump. Not a dynamic archive
# (-XX:ArchiveClassesAtExit): picocli ships Java 5 class files, which JDK 17 leaves out of
# dynamic archives, together with every class that implements its interfaces; the static
# dump takes them.
#
# The server: the Spring Boot reference's "Class Data Sharing" with a longer training:
# the jar is extracted (java -Djarmode=tools ... extract) and one training run writes a
# dynamic archive (-XX:ArchiveClassesAtExit). The documented run refreshes the context and
# exits (-Dspring.context.exit=onRefresh); ours starts the server for real on a scratch
# PYAPP_HOME (no managed web server, nothing provisioned, no app), answers the first
# calls a client makes and stops, so the web server's, the filters' and the API's classes
# are archived too.
#
# A JVM only maps an archive written by the same JVM for the same jar files at the same
# paths. Next to each archive, <archive>.jvm names the JVM that wrote it and the archive
# as it was written (path, size, time), once the archive is complete; bin/pyapp and
# scripts/run.sh pass an archive only when it is newer than its jar and both still
# match, and otherwise start without it. (The JVM turns a foreign archive down by
# itself, but maps a truncated one and dies of SIGBUS reading it.)
set -euo pipefail

kind=${1:?usage: scripts/cds.sh cli|server TARGET}
target=$(cd "${2:?usage: scripts/cds.sh cli|server TARGET}" && pwd -P)

# server_java_command, cds_stamp: the java command and the stamp that bin/pyapp and
# scripts/server-java.sh compare
source "$(dirname "${BASH_SOURCE[0]}")/server-java.sh"
java=$(server_java_command)

work=$(mktemp -d "${TMPDIR:-/tmp}/pyapp-cds-XXXXXX")
api=
cleanup() {
	if [ -n "$api" ]; then
		kill "$api" 2>/dev/null || true
		wait "$api" 2>/dev/null || true
	fi
	if [ -n "${PYAPP_CDS_KEEP:-}" ]; then echo "cds.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# A stand-in for the server's API, for the CLI's training runs: canned answers in the
# shapes the commands render.
fake_api() {
	python3 -I -c '
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

APP = {"name": "guestbook", "version": "1.0.0", "state": "running", "mounts": ["main:/guestbook"],
       "source": "upload", "releases": [{"id": "1.0.0-20240501T120000Z", "version": "1.0.0",
       "state": "active", "created": "2024-05-01T12:00:00Z", "message": "installed"}],
       "tasks": [{"name": "cleanup", "schedule": "@daily", "last_run": None}],
       "process": {"pid": 4242, "state": "running"}, "config": {"state": "valid"}}
RECORD = {"id": "r1", "time": "2024-05-01T12:00:00.123Z", "app": "guestbook", "level": "INFO",
          "logger": "guestbook.views", "message": "GET / 200", "node": "local"}
RESULTS = {
    "server.info": {"version": "training", "home": "/srv/pyapp", "java": "17",
                    "python": [{"version": "3.11.2", "path": "/usr/bin/python3"}],
                    "gunicorn": {"state": "ready", "gunicorn": "23.0.0"},
                    "webserver": {"kind": "nginx", "managed": True, "state": "running"}},
    "apps.list": [APP, dict(APP, name="wiki", state="stopped", mounts=[])],
    "logs.query": {"records": [RECORD, dict(RECORD, id="r2", level="ERROR", message="boom")], "cursor": "r2"},
}

class Api(BaseHTTPRequestHandler):
    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        method, params = request.get("method"), request.get("params") or {}
        answer = {"jsonrpc": "2.0", "id": request.get("id")}
        if method == "apps.get" and params.get("name") == "guestbook":
            answer["result"] = APP
        elif method == "apps.get":
            answer["error"] = {"code": -32001, "message": "no app named %r" % params.get("name"),
                               "data": {"type": "not_found"}}
        else:
            answer["result"] = RESULTS.get(method)
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Api)
print(server.server_address[1], flush=True)
server.serve_forever()
' > "$work/api.port" &
	api=$!
	local i=0
	until [ -s "$work/api.port" ]; do
		kill -0 "$api" 2>/dev/null || { echo "cds.sh: the stand-in API did not start" >&2; exit 1; }
		i=$((i + 1)); [ $i -lt 200 ] || { echo "cds.sh: the stand-in API did not start" >&2; exit 1; }
		sleep 0.05
	done
}

cli() {
	local jar=$target/pyapp-cli.jar archive=$target/pyapp-cli.jsa
	[ -f "$jar" ] || { echo "cds.sh: $jar is missing" >&2; exit 1; }
	rm -f "$archive" "$archive.jvm"
	fake_api
	local url n=0
	url=http://127.0.0.1:$(cat "$work/api.port")/rpc
	# the flags bin/pyapp runs the CLI with, as far as they shape the archive
	local flags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto)
	while IFS= read -r line; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # the training arguments are words
		PYAPP_URL=$url PYAPP_TOKEN=training PYAPP_HOME=$work NO_COLOR=1 \
			"$java" "${flags[@]}" -XX:DumpLoadedClassList="$work/run-$n.classlist" \
			-cp "$jar" dev.pyapp.server.cli.PyappCli $line > /dev/null 2>&1 < /dev/null || true
	done <<-'RUNS'
		--help
		--version
		apps list
		--json apps list
		apps show guestbook
		apps show nope
		apps show
		info
		logs guestbook -n 5
		rpc server.info
		config
	RUNS
	local jdk_list
	jdk_list=$(readlink -f "$(command -v "$java")")
	jdk_list=${jdk_list%/bin/java}/lib/classlist
	# the JDK's own list first: the archive replaces the JDK's default one
	cat $( [ -f "$jdk_list" ] && echo "$jdk_list") "$work"/run-*.classlist | awk '!seen[$0]++' > "$work/all.classlist"
	"$java" -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$work/all.classlist" \
		-XX:SharedArchiveFile="$archive" -cp "$jar" > "$work/dump.log" 2>&1 \
		|| { tail -n 20 "$work/dump.log" >&2; echo "cds.sh: the CLI's archive could not be written" >&2; exit 1; }
	cds_stamp "$java" "$archive" > "$archive.jvm"
	echo "cds.sh: $archive ($(du -k "$archive" | cut -f1) KiB, $(grep -vc '^[#@]' "$work/all.classlist") classes listed)"
}

# train_call URL [TOKEN_FILE METHOD]: a GET, or one JSON-RPC call; fails unless answered
# with 200
train_call() {
	python3 -I - "$@" <<-'PY'
		import sys, urllib.request
		url = sys.argv[1]
		if len(sys.argv) > 2:
		    with open(sys.argv[2]) as file:
		        token = file.read().strip()
		    body = ('{"jsonrpc":"2.0","method":"%s","id":1}' % sys.argv[3]).encode()
		    request = urllib.request.Request(url, body, {"Content-Type": "application/json",
		                                                 "Authorization": "Bearer " + token})
		else:
		    request = urllib.request.Request(url)
		try:
		    with urllib.request.urlopen(request, timeout=60) as response:
		        response.read()
		        sys.exit(0 if response.status == 200 else 1)
		except Exception:
		    sys.exit(1)
	PY
}

# train_server DIR ARCHIVE: the training run (see above); fails if the server does not
# answer within two minutes
train_server() {
	local dir=$1 archive=$2 home=$work/home port url server i=0
	mkdir -p "$home"
	# A full start up to the first answered calls, then a normal stop: the archive then
	# also holds what the web server, the security filters, the JSON-RPC dispatch and the
	# start's background work load (a run that exits on refresh, Spring Boot's documented
	# training, leaves those to be loaded from the jars at every start). Nothing is
	# provisioned (no pip); the managed web server is off.
	port=$(python3 -I -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	url=http://127.0.0.1:$port/rpc
	# the archive is only valid for the jar at this very path: scripts/run.sh starts it so
	# (the ahead-of-time start, as scripts/server-java.sh starts it: its classes are the
	# ones loaded)
	PYAPP_HOME=$home "$java" -XX:ArchiveClassesAtExit="$archive" -XX:TieredStopAtLevel=1 \
		-Dspring.aot.enabled=true -jar "$dir/pyapp-server.jar" --server.port="$port" --pyapp.webserver.managed=false \
		--pyapp.python.provision=false > "$work/training.log" 2>&1 < /dev/null &
	server=$!
	api=$server # stopped by cleanup if this script fails
	# the calls a client makes first (bench/server.sh, the CLI, the ITs); each answered
	# once before the stop
	until [ -s "$home/api-token" ] && train_call "$url" "$home/api-token" apps.list; do
		if ! kill -0 "$server" 2>/dev/null || [ $((i += 1)) -gt 1200 ]; then
			kill "$server" 2>/dev/null || true
			wait "$server" 2>/dev/null || true
			api=
			rm -f "$archive"
			return 1
		fi
		sleep 0.1
	done
	for method in server.info apps.list nodes.list; do
		train_call "$url" "$home/api-token" "$method" || true
	done
	train_call "http://127.0.0.1:$port/login" || true
	# SIGTERM: the context closes and the JVM exits normally, writing the archive
	kill -TERM "$server"
	wait "$server" || true
	api=
}

server() {
	local jar=$target/pyapp-server.jar dir=$target/server
	[ -f "$jar" ] || { echo "cds.sh: $jar is missing" >&2; exit 1; }
	rm -rf "$dir"
	"$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" > "$work/extract.log" 2>&1 \
		|| { cat "$work/extract.log" >&2; echo "cds.sh: could not extract $jar" >&2; exit 1; }
	# A JVM leaves the classes of signed jars (JGit's) out of the archive and checks their
	# signatures on every start (a tenth of the start-up). The jar is part of our own
	# artifact, fetched by Maven with its checksum; the extracted copy loses the signature.
	python3 -I - "$dir"/lib/*.jar <<-'PY'
		import os, re, sys, zipfile
		SIGNATURE = re.compile(r"META-INF/[^/]+\.(SF|RSA|DSA|EC)$", re.IGNORECASE)
		for path in sys.argv[1:]:
		    with zipfile.ZipFile(path) as jar:
		        if not any(SIGNATURE.match(name) for name in jar.namelist()):
		            continue
		        with zipfile.ZipFile(path + ".tmp", "w") as out:
		            for entry in jar.infolist():
		                if not SIGNATURE.match(entry.filename):
		                    out.writestr(entry, jar.read(entry.filename))
		    os.replace(path + ".tmp", path)
	PY
	local archive=$dir/pyapp-server.jsa
	if ! train_server "$dir" "$archive"; then
		tail -n 40 "$work/training.log" >&2
		echo "cds.sh: the server's training run did not answer; training on the context's refresh only" >&2
		rm -rf "$work/home"
		mkdir -p "$work/home"
		PYAPP_HOME=$work/home "$java" -XX:ArchiveClassesAtExit="$archive" -Dspring.context.exit=onRefresh \
			-Dspring.aot.enabled=true \
			-jar "$dir/pyapp-server.jar" --server.port=0 --pyapp.webserver.managed=false \
			> "$work/training.log" 2>&1 < /dev/null \
			|| { tail -n 40 "$work/training.log" >&2; echo "cds.sh: the server's training run failed" >&2; exit 1; }
	fi
	[ -s "$archive" ] || { tail -n 40 "$work/training.log" >&2; echo "cds.sh: no archive written" >&2; exit 1; }
	cds_stamp "$java" "$archive" > "$archive.jvm"
	echo "cds.sh: $archive ($(du -k "$archive" | cut -f1) KiB)"
}

case $kind in
	cli) cli ;;
	server) server ;;
	*) echo "usage: scripts/cds.sh cli|server TARGET" >&2; exit 2 ;;
esac
