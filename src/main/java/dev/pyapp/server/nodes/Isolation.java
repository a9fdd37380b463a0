package dev.pyapp.server.nodes;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * How an app process is kept apart from the host and from other apps, carried by an
 * {@link ExecRequest}: the user it runs as, its bubblewrap sandbox, its resource limits
 * and its cgroup. {@link LocalNodeShell} is the one place that turns this into a command
 * line (cgroup placement, rlimits, {@code bwrap}, {@code setpriv}); nobody else builds
 * such command lines.
 * <p>
 * A process run to completion ({@link NodeShell#exec}) dies with the server
 * ({@code --die-with-parent}) and gets a cgroup of its own below {@link #cgroup()}, which
 * is removed when it ends; a process started for good ({@link NodeShell#start}) survives
 * a restart of the server and lives in {@link #cgroup()} itself.
 *
 * @param account the user the process runs as, or {@code null} for the server's own
 * @param sandbox the sandbox it runs in, or {@code null} for none
 * @param limits its resource limits
 * @param cgroup its cgroup below the server's cgroup parent, such as
 * {@code guestbook.1a2b3c4d/r-5e6f7a8b} ({@code null}: none); names of lowercase letters,
 * digits, {@code .}, {@code _} and {@code -} separated by {@code /}
 * @param umask the file mode creation mask the process starts with, {@code 0} to
 * {@code 0777} ({@code null}: the server's own, inherited); the JVM cannot set one, so
 * that the files an app writes do not depend on how the server was started
 */
public record Isolation(@Nullable Account account, @Nullable Sandbox sandbox, Limits limits, @Nullable String cgroup,
		@Nullable Integer umask) {

	private static final Pattern CGROUP = Pattern
		.compile("^[a-z0-9][a-z0-9._-]{0,63}(/[a-z0-9][a-z0-9._-]{0,63}){0,3}$");

	public Isolation {
		Assert.notNull(limits, "'limits' must not be null");
		Assert.isTrue(cgroup == null || (CGROUP.matcher(cgroup).matches() && !cgroup.contains("..")),
				() -> "'cgroup' is not a cgroup path: " + cgroup);
		Assert.isTrue(umask == null || (umask >= 0 && umask <= 0777), () -> "'umask' is not a mode: " + umask);
	}

	/**
	 * An isolation that keeps the server's umask.
	 * @param account the user, or {@code null} for the server's own
	 * @param sandbox the sandbox, or {@code null} for none
	 * @param limits the resource limits
	 * @param cgroup the cgroup, or {@code null} for none
	 */
	public Isolation(@Nullable Account account, @Nullable Sandbox sandbox, Limits limits, @Nullable String cgroup) {
		this(account, sandbox, limits, cgroup, null);
	}

	/**
	 * No isolation: the server's user, no sandbox, no limits.
	 * @return the isolation
	 */
	public static Isolation none() {
		return new Isolation(null, null, Limits.NONE, null);
	}

	/**
	 * The same isolation in another cgroup.
	 * @param cgroup the cgroup, or {@code null} for none
	 * @return the isolation
	 */
	public Isolation withCgroup(@Nullable String cgroup) {
		return new Isolation(this.account, this.sandbox, this.limits, cgroup, this.umask);
	}

	/**
	 * The same isolation with a umask of its own.
	 * @param umask the mask, {@code 0} to {@code 0777}
	 * @return the isolation
	 */
	public Isolation withUmask(int umask) {
		return new Isolation(this.account, this.sandbox, this.limits, this.cgroup, umask);
	}

	/**
	 * Whether anything is applied at all.
	 * @return false for {@link #none()}
	 */
	public boolean isolates() {
		return this.account != null || this.sandbox != null || this.cgroup != null || !this.limits.isEmpty()
				|| this.umask != null;
	}

	/**
	 * A system user of the host.
	 *
	 * @param name its name
	 * @param uid its user id
	 * @param gid its primary group id
	 * @param home its home directory
	 */
	public record Account(String name, int uid, int gid, Path home) {

		public Account {
			Assert.hasText(name, "'name' must have text");
			Assert.isTrue(uid >= 0 && gid >= 0, "'uid' and 'gid' must not be negative");
		}

	}

	/**
	 * A bubblewrap sandbox. Besides what is listed here the process sees the host's
	 * system directories read-only ({@code pyapp.isolation.system-directories}), a fresh
	 * {@code /proc} of its own PID namespace and a minimal {@code /dev}; nothing else.
	 *
	 * @param readOnly directories and files mounted read-only at their own paths
	 * @param readWrite directories mounted read-write at their own paths
	 * @param tmp the directory mounted as {@code /tmp} (a private tmpfs instead when a
	 * mounted path lies below {@code /tmp})
	 * @param masked directories hidden behind an empty tmpfs when a system directory
	 * would show them (the server's home)
	 * @param listed directories that hold mounted paths and that the process may list
	 * (Python lists a directory on {@code sys.path} to import from it); the other
	 * directories leading to the mounts are passable only
	 */
	public record Sandbox(List<Path> readOnly, List<Path> readWrite, Path tmp, List<Path> masked, List<Path> listed) {

		public Sandbox {
			readOnly = List.copyOf(readOnly);
			readWrite = List.copyOf(readWrite);
			masked = List.copyOf(masked);
			listed = List.copyOf(listed);
			for (Path path : readOnly) {
				Assert.isTrue(path.isAbsolute(), () -> "sandbox paths must be absolute: " + path);
			}
			for (Path path : readWrite) {
				Assert.isTrue(path.isAbsolute(), () -> "sandbox paths must be absolute: " + path);
			}
			Assert.isTrue(tmp.isAbsolute(), "'tmp' must be absolute");
		}

		public Sandbox(List<Path> readOnly, List<Path> readWrite, Path tmp, List<Path> masked) {
			this(readOnly, readWrite, tmp, masked, List.of());
		}

	}

	/**
	 * Resource limits of one process tree (a daemon with its workers, one hook, one task
	 * run); {@code null} is unlimited.
	 *
	 * @param memory bytes of memory
	 * @param processes processes and threads
	 * @param openFiles open files per process
	 * @param cpus CPU time in cores (1.5 = one and a half cores)
	 */
	public record Limits(@Nullable Long memory, @Nullable Integer processes, @Nullable Integer openFiles,
			@Nullable Double cpus) {

		/** No limits. */
		public static final Limits NONE = new Limits(null, null, null, null);

		public Limits {
			Assert.isTrue(memory == null || memory > 0, "'memory' must be positive");
			Assert.isTrue(processes == null || processes > 0, "'processes' must be positive");
			Assert.isTrue(openFiles == null || openFiles > 0, "'openFiles' must be positive");
			Assert.isTrue(cpus == null || cpus > 0, "'cpus' must be positive");
		}

		public boolean isEmpty() {
			return this.memory == null && this.processes == null && this.openFiles == null && this.cpus == null;
		}

	}

}
