package dev.pyapp.server.core;

import java.nio.file.Path;
import java.util.List;

/**
 * The directories of one app below {@code PYAPP_HOME/apps/<name>} (SPEC §3).
 *
 * @param root {@code apps/<name>}
 */
public record AppPaths(Path root) {

	/** The file names of an app's config file, one per output format (SPEC §2). */
	public static final List<String> CONFIG_FILES = List.of("config.yaml", "config.ini");

	/** The virtualenv's directory inside a release (an archive may not bring one). */
	public static final String VENV = "venv";

	/**
	 * The directory of an app's SQLite databases in {@link #data()} (no writable
	 * directory may take its name).
	 */
	public static final String DATABASES = "db";

	/**
	 * The umask of every process of an app with a user of its own, whatever the server's:
	 * what it writes is its user's, readable by its group, never by others.
	 */
	public static final int APP_UMASK = 0027;

	/**
	 * The mode of the directories the server makes in an app's {@link #data()} for it
	 * ({@code db/}, the writable directories): what the app's umask gives its own.
	 */
	public static final int APP_DIRECTORY_MODE = 0777 & ~APP_UMASK;

	/**
	 * The captured standard output of an app's daemons, in {@link #logs()}: one file per
	 * release, {@code <release>.stdout.log} ({@link #stdoutLog(String)}); a file of this
	 * name alone is what the daemons of a server before that wrote (of any release).
	 */
	public static final String STDOUT_LOG = "stdout.log";

	/** The captured standard error of an app's daemons, as {@link #STDOUT_LOG}. */
	public static final String STDERR_LOG = "stderr.log";

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

	/** {@code data/db/}: the app's SQLite databases. */
	public Path databases() {
		return data().resolve(DATABASES);
	}

	/** {@code tmp/}, given to the app as {@code PYAPP_TMP_PATH}. */
	public Path tmp() {
		return this.root.resolve("tmp");
	}

	/** {@code run/}: the app's socket and pid file. */
	public Path run() {
		return this.root.resolve("run");
	}

	/**
	 * {@code run/app.sock}: the link to the live daemon's socket in the app's own
	 * {@code run/} (SPEC §3), for the app and its tools. The web server does not use it
	 * (see {@link #webSocket()}).
	 */
	public Path socket() {
		return run().resolve("app.sock");
	}

	/**
	 * {@code web/}: the server's own directory of hard links to the sockets the app's
	 * daemons made in {@code run/}. {@code run/} is the app's, which could put a link to
	 * another app's socket there; what the web server connects to is only ever here.
	 */
	public Path web() {
		return this.root.resolve("web");
	}

	/** The stable socket path the web server talks to: {@code web/app.sock}. */
	public Path webSocket() {
		return web().resolve("app.sock");
	}

	public Path pidFile() {
		return run().resolve("app.pid");
	}

	/**
	 * {@code home/}: the home directory of the app's user ({@code HOME} of its
	 * processes), kept across releases.
	 */
	public Path home() {
		return this.root.resolve("home");
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

	/**
	 * {@code logs/stdout.log}: the standard output of the daemons a server before the
	 * per-release files started (any release), still read while such a daemon runs.
	 */
	public Path stdoutLog() {
		return logs().resolve(STDOUT_LOG);
	}

	/** {@code logs/stderr.log}: as {@link #stdoutLog()}, their standard error. */
	public Path stderrLog() {
		return logs().resolve(STDERR_LOG);
	}

	/**
	 * The captured standard output of a release's daemons,
	 * {@code logs/<release>.stdout.log}: the file says which release wrote each line.
	 * @param releaseId the release
	 * @return the file
	 */
	public Path stdoutLog(String releaseId) {
		return logs().resolve(release(releaseId).getFileName() + "." + STDOUT_LOG);
	}

	/**
	 * The captured standard error of a release's daemons,
	 * {@code logs/<release>.stderr.log}.
	 * @param releaseId the release
	 * @return the file
	 */
	public Path stderrLog(String releaseId) {
		return logs().resolve(release(releaseId).getFileName() + "." + STDERR_LOG);
	}

	/**
	 * The virtualenv of a release.
	 * @param release a release's directory (or a directory with the release layout)
	 * @return its {@code venv/}
	 */
	public static Path venv(Path release) {
		return release.resolve(VENV);
	}

}
