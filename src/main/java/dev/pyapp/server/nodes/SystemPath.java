package dev.pyapp.server.nodes;

import java.nio.file.Path;

/**
 * The {@code PATH} of every app process (SPEC §9, §10): the daemon, hooks, tasks,
 * {@code apps.run} and the build of its venv. A fixed one, never the server's own, which
 * may hold what only its user has installed ({@code ~/.cargo/bin}, pyenv's shims) or
 * nothing at all under a service manager: the venv's {@code bin/} first where there is
 * one, then the standard system directories.
 * <p>
 * The system part is systemd's default {@code PATH} for every service, whatever its user:
 * the {@code sbin} directories stay in for an app's user too (Debian's login default
 * leaves them out for users who are not root), as a program there still checks its own
 * privileges, and one value for every app and every node is easier to reason about than
 * one per user.
 */
public final class SystemPath {

	/** The standard system directories, in systemd's order. */
	public static final String STANDARD = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	private SystemPath() {
	}

	/**
	 * The {@code PATH} of a process of an app with a venv.
	 * @param venv the venv (its {@code bin/} comes first)
	 * @return the path
	 */
	public static String withVenv(Path venv) {
		return venv.resolve("bin") + ":" + STANDARD;
	}

}
