package dev.pyapp.server.runtime;

import java.nio.file.Path;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.packaging.AppManifest;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Everything an {@link AppServer} needs to write the command line of one release's
 * daemon. The process runs with the release's environment and in {@code src/}.
 *
 * @param app the app
 * @param release the release
 * @param python the release environment's interpreter ({@code <release>/venv/bin/python})
 * @param workingDirectory the release's {@code src/}
 * @param socket the unix socket to listen on, or {@code null} when bound to a port
 * @param port the port on 127.0.0.1, or {@code null} when bound to a socket
 * @param pidFile the pid file the server's master writes (in the app's {@code run/})
 * @param daemon the release's {@code daemon} settings
 * @param listenBacklog the listen queue length the host allows
 */
public record DaemonSpec(AppId app, String release, Path python, Path workingDirectory, @Nullable Path socket,
		@Nullable Integer port, Path pidFile, AppManifest.Daemon daemon, int listenBacklog) {

	public DaemonSpec {
		Assert.isTrue((socket == null) != (port == null), "exactly one of 'socket' and 'port' is required");
	}

	/**
	 * The release's environment ({@code <release>/venv}).
	 * @return the venv directory
	 */
	public Path venv() {
		return this.python.getParent().getParent();
	}

	/**
	 * The worker processes, at least one.
	 * @return {@code daemon.workers}
	 */
	public int workers() {
		return Math.max(1, this.daemon.workers());
	}

	/**
	 * Threads per worker: {@code daemon.threads} for {@code method: threading}, 1 for
	 * {@code processes}.
	 * @return at least one
	 */
	public int threads() {
		return (this.daemon.method() == AppManifest.DaemonMethod.PROCESSES) ? 1 : Math.max(1, this.daemon.threads());
	}

}
