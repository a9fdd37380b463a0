package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * Turns an {@link ExecRequest} with an {@link Isolation} into the one argument vector
 * that applies it, each step an {@code exec} of the next so that the pid the server
 * starts stays the outermost process:
 *
 * <ol>
 * <li>{@code sh -c JOIN} sets the umask ({@link Isolation#umask()}: the JVM cannot, and
 * {@code exec}, {@code prlimit}, {@code bwrap} and {@code setpriv} keep it) and writes
 * its own pid into the cgroup's {@code cgroup.procs} files, so the process is limited
 * before it can fork;</li>
 * <li>{@code prlimit} sets the rlimits (open files always; memory and processes where no
 * cgroup controller limits them);</li>
 * <li>{@code bwrap} builds the sandbox (started by root it needs no user namespace);</li>
 * <li>{@code setpriv} inside the sandbox drops to the app's user: no capabilities, no
 * supplementary groups, {@code no_new_privs}.</li>
 * </ol>
 * Nothing here passes through a shell: the first step's script is a constant, and the
 * umask and every path are its arguments.
 */
final class IsolatedCommand {

	/**
	 * Sets the umask its first argument names ({@code -}: keeps its own), joins every
	 * cgroup named after it before {@code --}, then runs what follows. Its own pid is
	 * {@code $$}, which {@code exec} hands to the command.
	 */
	static final String JOIN = "[ \"$1\" = - ] || umask \"$1\" || exit 125; shift; "
			+ "for f do [ \"$f\" = -- ] && break; echo $$ > \"$f\" || exit 125; shift; done; shift; exec \"$@\"";

	private final IsolationProperties properties;

	private final Cgroups cgroups;

	private final boolean root;

	IsolatedCommand(IsolationProperties properties, Cgroups cgroups, boolean root) {
		this.properties = properties;
		this.cgroups = cgroups;
		this.root = root;
	}

	/**
	 * The full command line.
	 * @param request the request
	 * @param cgroupProcs the {@code cgroup.procs} files to join (empty: none)
	 * @param dieWithParent whether the sandbox ends with the server (processes run to
	 * completion) or outlives it (daemons)
	 * @return the argument vector
	 */
	List<String> command(ExecRequest request, List<Path> cgroupProcs, boolean dieWithParent) {
		Isolation isolation = request.isolation();
		List<String> command = new ArrayList<>();
		if (!cgroupProcs.isEmpty() || isolation.umask() != null) {
			command.addAll(List.of("/bin/sh", "-c", JOIN, "pyapp-cgroup",
					(isolation.umask() != null) ? umask(isolation.umask()) : "-"));
			cgroupProcs.forEach((file) -> command.add(file.toString()));
			command.add("--");
		}
		List<String> rlimits = rlimits(isolation);
		if (!rlimits.isEmpty()) {
			command.add(this.properties.prlimit().toString());
			command.addAll(rlimits);
			command.add("--");
		}
		if (isolation.sandbox() != null) {
			command.add(this.properties.bwrap().toString());
			command.addAll(bwrap(isolation.sandbox(), request.workingDirectory(), dieWithParent));
			command.add("--");
		}
		Isolation.Account account = isolation.account();
		if (account != null && this.root) {
			command.addAll(List.of(this.properties.setpriv().toString(), "--reuid=" + account.uid(),
					"--regid=" + account.gid(), "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
					"--no-new-privs", "--"));
		}
		command.addAll(request.command());
		return command;
	}

	/**
	 * A umask as {@code umask} takes it.
	 * @param umask the mask
	 * @return four octal digits, such as {@code 0027}
	 */
	static String umask(int umask) {
		return String.format(Locale.ROOT, "%04o", umask);
	}

	/**
	 * The rlimits for {@code prlimit}: open files always; memory (address space) and
	 * processes only where no cgroup controller limits them, and processes only for an
	 * app user of its own (RLIMIT_NPROC counts every process of the user).
	 */
	List<String> rlimits(Isolation isolation) {
		Isolation.Limits limits = isolation.limits();
		List<String> arguments = new ArrayList<>();
		if (limits.openFiles() != null) {
			arguments.add("--nofile=" + limits.openFiles() + ":" + limits.openFiles());
		}
		boolean cgroup = isolation.cgroup() != null;
		if (limits.memory() != null && !(cgroup && this.cgroups.controls("memory"))) {
			arguments.add("--as=" + limits.memory() + ":" + limits.memory());
		}
		if (limits.processes() != null && !(cgroup && this.cgroups.controls("pids")) && isolation.account() != null
				&& this.root) {
			arguments.add("--nproc=" + limits.processes() + ":" + limits.processes());
		}
		return arguments;
	}

	List<String> bwrap(Isolation.Sandbox sandbox, @Nullable Path workingDirectory, boolean dieWithParent) {
		List<String> args = new ArrayList<>();
		List<Path> system = new ArrayList<>();
		for (Path dir : this.properties.systemPaths()) {
			if (Files.isSymbolicLink(dir)) {
				args.addAll(List.of("--symlink", readLink(dir), dir.toString()));
			}
			else if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
				args.addAll(List.of("--ro-bind", dir.toString(), dir.toString()));
				system.add(dir);
			}
		}
		args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm"));
		List<Path> masks = new ArrayList<>();
		for (Path masked : sandbox.masked()) {
			if (system.stream().anyMatch(masked::startsWith)) {
				args.addAll(List.of("--perms", "0711", "--tmpfs", masked.toString()));
				masks.add(masked);
			}
		}
		Path tmp = Path.of("/tmp");
		List<Path> mounts = new ArrayList<>(sandbox.readOnly().stream().filter(Files::exists).toList());
		mounts.addAll(sandbox.readWrite());
		if (mounts.stream().anyMatch((path) -> path.startsWith(tmp))) {
			// the app's own directories are below /tmp (a test's home): a private tmpfs
			// holds their mount points instead of the app's tmp/
			args.addAll(List.of("--perms", "1777", "--tmpfs", "/tmp"));
		}
		else {
			args.addAll(List.of("--bind", sandbox.tmp().toString(), "/tmp"));
		}
		// the directories leading to the mounts: passable, not listable (bwrap would make
		// them 0700, closed to the app's user), unless listed
		for (Path dir : ancestors(mounts, system, masks)) {
			args.addAll(List.of("--perms", sandbox.listed().contains(dir) ? "0755" : "0711", "--dir", dir.toString()));
		}
		for (Path path : sandbox.readOnly()) {
			if (Files.exists(path)) {
				args.addAll(List.of("--ro-bind", path.toString(), path.toString()));
			}
		}
		for (Path path : sandbox.readWrite()) {
			args.addAll(List.of("--bind", path.toString(), path.toString()));
		}
		if (workingDirectory != null) {
			args.addAll(List.of("--chdir", workingDirectory.toString()));
		}
		args.addAll(
				List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--new-session"));
		if (dieWithParent) {
			args.add("--die-with-parent");
		}
		return args;
	}

	/**
	 * The directories above the mounts that the sandbox must make: not the root, not a
	 * mount itself, not one a read-only system directory shows (unless a mask hides it).
	 */
	private static List<Path> ancestors(List<Path> mounts, List<Path> system, List<Path> masks) {
		TreeSet<Path> dirs = new TreeSet<>(
				Comparator.comparingInt(Path::getNameCount).thenComparing(Comparator.naturalOrder()));
		for (Path mount : mounts) {
			for (Path dir = mount.getParent(); dir != null && dir.getNameCount() > 0; dir = dir.getParent()) {
				Path candidate = dir;
				boolean shown = system.stream().anyMatch(candidate::startsWith)
						&& masks.stream().noneMatch((mask) -> candidate.startsWith(mask) && !candidate.equals(mask));
				if (!shown && !mounts.contains(candidate) && !masks.contains(candidate)
						&& !candidate.equals(Path.of("/tmp"))) {
					dirs.add(candidate);
				}
			}
		}
		return List.copyOf(dirs);
	}

	private static String readLink(Path link) {
		try {
			return Files.readSymbolicLink(link).toString();
		}
		catch (IOException ex) {
			throw new NodeException("cannot read the symlink " + link + ": " + ex.getMessage(), ex);
		}
	}

}
