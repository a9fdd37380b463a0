package dev.pyapp.server.runtime;

import java.time.Instant;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * What the supervisor knows about an app's live daemon. Immutable: each change makes a
 * new status.
 *
 * @param app the app
 * @param state the process state
 * @param release the release the daemon runs, or {@code null}
 * @param pid the app server master's pid, or {@code null} when not running
 * @param socket the socket the daemon listens on (the release's own socket, which
 * {@code run/app.sock} links to), or {@code null} when bound to a port
 * @param port the TCP port on 127.0.0.1, or {@code null} when bound to a socket
 * @param started when the daemon started, or {@code null}
 * @param restarts how many times it has been restarted after a crash
 * @param lastExit the exit code of the last crash, or {@code null}
 * @param reason why it failed or was last restarted, or {@code null}
 * @param server the app server of the live daemon (or of the last one), such as
 * {@code uwsgi}, or {@code null} when none ran yet
 */
public record AppStatus(AppId app, ProcessState state, @Nullable String release, @Nullable Long pid,
		@Nullable String socket, @Nullable Integer port, @Nullable Instant started, int restarts,
		@Nullable Integer lastExit, @Nullable String reason, @Nullable String server) {

	public static AppStatus stopped(AppId app) {
		return new AppStatus(app, ProcessState.STOPPED, null, null, null, null, null, 0, null, null, null);
	}

	public AppStatus running(String release, long pid, @Nullable String socket, @Nullable Integer port, Instant started,
			String server) {
		return new AppStatus(this.app, ProcessState.RUNNING, release, pid, socket, port, started, this.restarts,
				this.lastExit, this.reason, server);
	}

	public AppStatus starting(@Nullable String release) {
		return new AppStatus(this.app, ProcessState.STARTING, release, null, this.socket, this.port, null,
				this.restarts, this.lastExit, this.reason, this.server);
	}

	/**
	 * A start on request (or the first start) begins: the reason of an earlier crash or
	 * failure no longer explains the state; the restarts and the last exit code stay.
	 * @param release the release to start
	 * @return the status
	 */
	public AppStatus startingAnew(@Nullable String release) {
		return new AppStatus(this.app, ProcessState.STARTING, release, null, this.socket, this.port, null,
				this.restarts, this.lastExit, null, this.server);
	}

	/**
	 * The daemon crashed once too often: it is not restarted, so the restarts stay.
	 * @param exitCode the exit code of the crash, or {@code null}
	 * @param reason why it failed
	 * @return the status
	 */
	public AppStatus gaveUp(@Nullable Integer exitCode, String reason) {
		return new AppStatus(this.app, ProcessState.FAILED, this.release, null, this.socket, this.port, null,
				this.restarts, exitCode, reason, this.server);
	}

	public AppStatus crashed(@Nullable Integer exitCode, String reason) {
		return new AppStatus(this.app, ProcessState.STARTING, this.release, null, this.socket, this.port, null,
				this.restarts + 1, exitCode, reason, this.server);
	}

	public AppStatus failed(String reason) {
		return new AppStatus(this.app, ProcessState.FAILED, this.release, null, this.socket, this.port, null,
				this.restarts, this.lastExit, reason, this.server);
	}

	/**
	 * The same state with a new reason (something happened to a daemon that runs on).
	 * @param reason the reason
	 * @return the status
	 */
	public AppStatus because(String reason) {
		return new AppStatus(this.app, this.state, this.release, this.pid, this.socket, this.port, this.started,
				this.restarts, this.lastExit, reason, this.server);
	}

	public AppStatus stoppedNow() {
		return new AppStatus(this.app, ProcessState.STOPPED, this.release, null, this.socket, this.port, null,
				this.restarts, this.lastExit, this.reason, this.server);
	}

	/**
	 * Seconds since the daemon started.
	 * @return the uptime, or {@code null} when not running
	 */
	public @Nullable Long uptimeSeconds() {
		return (this.started != null && this.state == ProcessState.RUNNING)
				? java.time.Duration.between(this.started, Instant.now()).toSeconds() : null;
	}

}
