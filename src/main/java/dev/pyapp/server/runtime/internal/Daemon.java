package dev.pyapp.server.runtime.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import dev.pyapp.server.runtime.AppServer;
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
 * @param stderrOffset where its stderr began in {@code logs/<release>.stderr.log}
 * @param server the app server it is
 * @param cgroup its cgroup, or {@code null} when the host has none
 * @param oomKills the out-of-memory kills its cgroup had counted when it was last looked
 * at
 */
public record Daemon(String release, long pid, @Nullable Path socket, @Nullable Integer port, Path pidFile,
		Instant started, @Nullable CompletableFuture<Integer> exit, long stderrOffset, AppServer server,
		@Nullable String cgroup, long oomKills) {

	Daemon withOomKills(long oomKills) {
		return new Daemon(this.release, this.pid, this.socket, this.port, this.pidFile, this.started, this.exit,
				this.stderrOffset, this.server, this.cgroup, oomKills);
	}

	/**
	 * The daemon, its own stderr beginning further on: a daemon of the same release wrote
	 * to the same file until then.
	 * @param offset where its own lines begin
	 * @return the daemon
	 */
	Daemon withStderrOffset(long offset) {
		return new Daemon(this.release, this.pid, this.socket, this.port, this.pidFile, this.started, this.exit,
				Math.max(offset, this.stderrOffset), this.server, this.cgroup, this.oomKills);
	}

	@Nullable Integer exitCode() {
		return (this.exit != null && this.exit.isDone()) ? this.exit.getNow(null) : null;
	}

}
