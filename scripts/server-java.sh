# Sourced by scripts/run.sh and bench/server.sh (bash): how the server's JVM is started.
#
#   server_java [cds [DIR]]
#       sets the array SERVER_JAVA: the java command, the JVM options and -jar with the
#       jar to start from DIR (default: target/ of the checkout in the current directory;
#       /usr/share/pyapp in the container). cds=auto (default): the extracted jar and its
#       class-data-sharing archive (DIR/server/, scripts/cds.sh) when the archive is
#       newer than DIR/pyapp-server.jar and fits this JVM (cds_fresh), else the jar
#       itself; cds=off: the jar itself.
#   cds_refresh [DIR]
#       trains again (scripts/cds.sh) the server's and the CLI's archives of DIR that
#       are missing or no longer fit the jar or the JVM (a jar built with
#       -Dpyapp.cds.skip=true, a JVM upgrade). scripts/run.sh calls it before it starts.
#
# JAVA_OPTS come last, so each setting below can be overridden (-Xmx1g, -XX:+UseSerialGC,
# ...). The heap and the rest are sized for a server that mostly waits: it starts small,
# grows under load and gives memory back within a minute when the load is gone
# (README, "Start-up and memory").

# cds_fresh JAVA ARCHIVE JAR: whether the class-data-sharing archive can be used: newer
# than the jar it was trained for, and its stamp (written by scripts/cds.sh once the
# archive was complete) still names this JVM and the archive as it was written. A JVM
# turns a foreign archive down by itself, but maps a truncated one and dies reading it.
cds_fresh() {
	[ -f "$2" ] && [ -f "$3" ] && [ "$2" -nt "$3" ] && [ -f "$2.jvm" ] || return 1
	[ "$(cds_stamp "$1" "$2")" = "$(cat "$2.jvm")" ]
}

# cds_stamp JAVA ARCHIVE: the JVM (its real path; its libjvm.so's size and time) and the
# archive (size, time); scripts/cds.sh writes it to ARCHIVE.jvm. bin/pyapp computes it
# the same way, in sh.
cds_stamp() {
	local real
	real=$(readlink -f "$(command -v "$1")" 2>/dev/null || true)
	echo "$real"
	stat -L -c '%s %Y' "${real%/bin/java}/lib/server/libjvm.so" "$2" 2>/dev/null || true
}

# The java command: $JAVA_HOME's, else the one on PATH.
server_java_command() {
	if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
		echo "$JAVA_HOME/bin/java"
	else
		echo java
	fi
}

cds_refresh() {
	local base java cds
	base=$(cd "${1:-target}" && pwd -P)
	java=$(server_java_command)
	cds=$(dirname "${BASH_SOURCE[0]}")/cds.sh
	if [ -f "$base/pyapp-server.jar" ] && ! { [ -f "$base/server/pyapp-server.jar" ] \
		&& cds_fresh "$java" "$base/server/pyapp-server.jsa" "$base/pyapp-server.jar"; }; then
		echo "Training the server's class-data-sharing archive for this jar and JVM (scripts/cds.sh)..."
		bash "$cds" server "$base" || echo "scripts/cds.sh failed: the server starts without the archive" >&2
	fi
	if [ -f "$base/pyapp-cli.jar" ] && ! cds_fresh "$java" "$base/pyapp-cli.jsa" "$base/pyapp-cli.jar"; then
		echo "Training the CLI's class-data-sharing archive for this jar and JVM (scripts/cds.sh)..."
		bash "$cds" cli "$base" || echo "scripts/cds.sh failed: the CLI starts without the archive" >&2
	fi
}

# server_jvm_flags: sets the array SERVER_JVM_FLAGS, the server's heap, GC, JIT and
# memory bounds (what server_java passes before its start-up options; bench/registry.sh
# runs its in-JVM server with them too)
server_jvm_flags() {
	SERVER_JVM_FLAGS=(
		# G1, the heap between 64 MB and 512 MB, shrunk after a collection to at most 30 %
		# free; when idle, a collection every 15 s returns the unused part to the system.
		# The marking stack starts at 2 MB instead of 32 MB (G1 grows it when a marking
		# needs more): most of G1's own memory on a heap this size
		-XX:+UseG1GC -Xms64m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
		-XX:G1PeriodicGCInterval=15000 -XX:MarkStackSize=256k
		# class metadata, compiled code and thread stacks bounded
		-XX:MaxMetaspaceSize=256m -XX:ReservedCodeCacheSize=128m -Xss512k
		# the C1 compiler only: on 2 cores, C2 took half of the start's CPU (the start to the
		# first server.info twice as long) and, on a busy machine, its backlog left the code
		# of the API slow long after the start; -XX:TieredStopAtLevel=4 in JAVA_OPTS brings
		# C2 back (README, "Start-up and memory")
		-XX:TieredStopAtLevel=1)
}

server_java() {
	local cds=${1:-auto} java base
	java=$(server_java_command)
	base=$(cd "${2:-target}" && pwd -P)
	local jar=$base/pyapp-server.jar dir=$base/server
	server_jvm_flags
	# glibc's malloc: two arenas instead of eight per core, which otherwise hold on to
	# memory that threads freed
	SERVER_JAVA=(env "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}" "$java" "${SERVER_JVM_FLAGS[@]}"
		# the bean definitions Spring computed when the jar was built (process-aot): no
		# parsing of configuration classes, no conditions evaluated at start. The server
		# starts the regular way by itself when a setting might change which beans exist
		# (AotStartGuard); -Dspring.aot.enabled=false in JAVA_OPTS always does
		-Dspring.aot.enabled=true)
	# glibc's malloc keeps freed memory: return it periodically (JDK 17.0.9 and later)
	if "$java" -XX:TrimNativeHeapInterval=60000 -version > /dev/null 2>&1; then
		SERVER_JAVA+=(-XX:TrimNativeHeapInterval=60000)
	fi
	# the archive is written last, after the extraction of the jar it was built from
	if [ "$cds" = auto ] && [ -f "$dir/pyapp-server.jar" ] && cds_fresh "$java" "$dir/pyapp-server.jsa" "$jar"; then
		SERVER_JAVA+=(-XX:SharedArchiveFile="$dir/pyapp-server.jsa")
		jar=$dir/pyapp-server.jar
	fi
	# shellcheck disable=SC2206 # JAVA_OPTS is a list of words
	SERVER_JAVA+=(${JAVA_OPTS:-} -jar "$jar")
}
