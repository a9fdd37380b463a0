package dev.pyapp.server.core;

import java.nio.file.Path;

/**
 * The directories of one app below {@code PYAPP_HOME/apps/<name>} (SPEC §3).
 *
 * @param root {@code apps/<name>}
 */
public record AppPaths(Path root) {

	/**
	 * One extracted release per subdirectory, named {@code <version>-<utc timestamp>}.
	 */
	public Path releases() {
		return this.root.resolve("releases");
	}

	public Path release(String releaseId) {
		Path release = releases().resolve(releaseId).normalize();
		if (!release.getParent().equals(releases())) {
			throw new PyappException(ErrorKind.FORBIDDEN, "release '" + releaseId + "' is not a release name");
		}
		return release;
	}

	/** The symlink to the live release. */
	public Path current() {
		return this.root.resolve("current");
	}

	/**
	 * {@code config/}, kept across releases; holds {@code config.yaml} or
	 * {@code config.ini}.
	 */
	public Path config() {
		return this.root.resolve("config");
	}

	/**
	 * {@code data/}: writable directories and {@code db/}, kept across releases and
	 * rollbacks.
	 */
	public Path data() {
		return this.root.resolve("data");
	}

	/** {@code tmp/}, given to the app as {@code PYAPP_TMP_PATH}. */
	public Path tmp() {
		return this.root.resolve("tmp");
	}

	/** {@code run/}: the app's socket and pid file. */
	public Path run() {
		return this.root.resolve("run");
	}

	/** The stable socket path the web server talks to. */
	public Path socket() {
		return run().resolve("app.sock");
	}

	public Path pidFile() {
		return run().resolve("app.pid");
	}

	/**
	 * The unix socket the app's processes send their log records to
	 * ({@code PYAPP_LOG_SOCKET}). The server listens on it and takes the app of every
	 * record from the socket it came in on.
	 */
	public Path logSocket() {
		return run().resolve("logs.sock");
	}

	/** Captured output and other per-app logs kept on disk. */
	public Path logs() {
		return this.root.resolve("logs");
	}

}
