# Sourced by scripts/run.sh and bench/server.sh (bash): how the server's JVM is started.
#
#   server_java [cds [DIR]]
#       sets the array SERVER_JAVA: the java command, the JVM options and -jar with the
#       jar to start from DIR (default: target/ of the checkout in the current directory;
#       /usr/share/pyapp in the container). cds=auto (default): the extracted jar and its
#       class-data-sharing archive (DIR/server/, scripts/cds.sh) when the archive is
#       newer than DIR/pyapp-server.jar and was written by this JVM, else the jar
#       itself; cds=off: the jar itself.
#
# JAVA_OPTS come last, so each setting below can be overridden (-Xmx1g, -XX:+UseSerialGC,
# ...). The heap and the rest are sized for a server that mostly waits: it starts small,
# grows under load and gives memory back within a minute when the load is gone
# (README, "Start-up and memory").

# The JVM as scripts/cds.sh recorded it: its libjvm.so, size and time.
server_java_id() {
	local real
	real=$(readlink -f "$(command -v "$1")" 2>/dev/null || true)
	stat -L -c '%n %s %Y' "${real%/bin/java}/lib/server/libjvm.so" 2>/dev/null || echo "$real"
}

server_java() {
	local cds=${1:-auto} java=java base
	if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
		java=$JAVA_HOME/bin/java
	fi
	base=$(cd "${2:-target}" && pwd -P)
	local jar=$base/pyapp-server.jar dir=$base/server
	# glibc's malloc: two arenas instead of eight per core, which otherwise hold on to
	# memory that threads freed
	SERVER_JAVA=(env "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}" "$java"
		# G1, the heap between 64 MB and 512 MB, shrunk after a collection to at most 30 %
		# free; when idle, a collection every 15 s returns the unused part to the system.
		# The marking stack starts at 2 MB instead of 32 MB (G1 grows it when a marking
		# needs more): most of G1's own memory on a heap this size
		-XX:+UseG1GC -Xms64m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
		-XX:G1PeriodicGCInterval=15000 -XX:MarkStackSize=256k
		# class metadata, compiled code and thread stacks bounded
		-XX:MaxMetaspaceSize=256m -XX:ReservedCodeCacheSize=128m -Xss512k)
	# glibc's malloc keeps freed memory: return it periodically (JDK 17.0.9 and later)
	if "$java" -XX:TrimNativeHeapInterval=60000 -version > /dev/null 2>&1; then
		SERVER_JAVA+=(-XX:TrimNativeHeapInterval=60000)
	fi
	# the archive is written last, after the extraction of the jar it was built from
	if [ "$cds" = auto ] && [ -f "$dir/pyapp-server.jar" ] && [ -f "$dir/pyapp-server.jsa" ] \
		&& [ "$dir/pyapp-server.jsa" -nt "$jar" ] \
		&& [ "$(cat "$dir/pyapp-server.jsa.jvm" 2>/dev/null)" = "$(server_java_id "$java")" ]; then
		SERVER_JAVA+=(-XX:SharedArchiveFile="$dir/pyapp-server.jsa")
		jar=$dir/pyapp-server.jar
	fi
	# shellcheck disable=SC2206 # JAVA_OPTS is a list of words
	SERVER_JAVA+=(${JAVA_OPTS:-} -jar "$jar")
}
