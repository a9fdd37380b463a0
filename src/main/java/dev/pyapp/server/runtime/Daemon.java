package dev.pyapp.server.runtime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * One app server's master the supervisor watches: the live release's or a candidate's.
 *
 * @param release the release it runs
 * @param pid the master's pid
 * @param socket its own socket, or {@code null} when bound to a port
 * @param port its port, or {@code null} when bound to a socket
 * @param pidFile the pid file its master writes
 * @param started when it started
 * @param exit completes with the exit code (only for processes this server started; an
 * adopted one is watched through its pid)
 * @param stderrOffset where its stderr began in {@code logs/stderr.log}
 * @param server the app server it is
 */
record Daemon(String release, long pid, @Nullable Path socket, @Nullable Integer port, Path pidFile, Instant started,
		@Nullable CompletableFuture<Integer> exit, long stderrOffset, AppServer server) {

	@Nullable Integer exitCode() {
		return (this.exit != null && this.exit.isDone()) ? this.exit.getNow(null) : null;
	}

}
