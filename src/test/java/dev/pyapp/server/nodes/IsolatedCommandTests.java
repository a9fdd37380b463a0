package dev.pyapp.server.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line that applies an {@link Isolation}: the order of the steps, each an
 * exec of the next, and what each is given.
 */
class IsolatedCommandTests {

	@TempDir
	Path dir;

	private static final Isolation.Account APP = new Isolation.Account("pyapp-guestbook", 990, 990,
			Path.of("/srv/pyapp/apps/guestbook/home"));

	@Test
	void joinsTheCgroupThenSetsRlimitsThenSandboxesThenDropsToTheAppUser() {
		IsolatedCommand builder = new IsolatedCommand(properties(), v1(), true);
		Isolation isolation = new Isolation(APP, sandbox(), new Isolation.Limits(64L << 20, 32, 1024, 1.0),
				"guestbook.1a2b3c4d/r-1");

		List<String> command = builder.command(request(isolation), List.of(Path.of("/cg/memory/x/cgroup.procs")),
				false);

		assertThat(command.subList(0, 8)).containsExactly("/bin/sh", "-c", IsolatedCommand.JOIN, "pyapp-cgroup", "-",
				"/cg/memory/x/cgroup.procs", "--", "/usr/bin/prlimit");
		// memory is limited by the cgroup: only the open files are an rlimit
		assertThat(command.subList(8, 11)).containsExactly("--nofile=1024:1024", "--", "/usr/bin/bwrap");
		int setpriv = command.indexOf("/usr/bin/setpriv");
		assertThat(command.subList(setpriv, command.size())).containsExactly("/usr/bin/setpriv", "--reuid=990",
				"--regid=990", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
				"python", "-m", "gunicorn");
		assertThat(command).doesNotContain("--die-with-parent");
	}

	@Test
	void setsTheUmaskFirstWhateverElseIsApplied() {
		IsolatedCommand builder = new IsolatedCommand(properties(), v1(), true);
		Isolation isolation = new Isolation(APP, sandbox(), new Isolation.Limits(null, null, 1024, null),
				"guestbook.1a2b3c4d/r-1", 0027);

		List<String> command = builder.command(request(isolation), List.of(Path.of("/cg/memory/x/cgroup.procs")),
				false);

		assertThat(command.subList(0, 8)).containsExactly("/bin/sh", "-c", IsolatedCommand.JOIN, "pyapp-cgroup", "0027",
				"/cg/memory/x/cgroup.procs", "--", "/usr/bin/prlimit");
		assertThat(command).endsWith("--no-new-privs", "--", "python", "-m", "gunicorn");
	}

	@Test
	void setsTheUmaskOfAProcessThatIsOtherwiseNotIsolated() {
		// the server is not root and has no sandbox: the app runs as the server's user
		IsolatedCommand builder = new IsolatedCommand(properties(), Cgroups.none("test"), false);
		Isolation isolation = Isolation.none().withUmask(0077);

		assertThat(isolation.isolates()).isTrue();
		assertThat(builder.command(request(isolation), List.of(), true)).containsExactly("/bin/sh", "-c",
				IsolatedCommand.JOIN, "pyapp-cgroup", "0077", "--", "python", "-m", "gunicorn");
	}

	@Test // the files an app writes do not depend on the server's umask
	void theUmaskStepRunsTheCommandWithThatUmaskAndNothingElse() throws Exception {
		IsolatedCommand builder = new IsolatedCommand(properties(), Cgroups.none("test"), false);
		Isolation isolation = Isolation.none().withUmask(0027);
		List<String> command = builder.command(
				ExecRequest.of("/bin/sh", "-c", "umask; echo \"$@\"", "app", "a b", "$HOME;x").isolated(isolation),
				List.of(), true);

		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());

		assertThat(process.waitFor()).isZero();
		// the arguments pass as they are: nothing is evaluated by a shell
		assertThat(output).isEqualTo("0027\na b $HOME;x\n");
	}

	@Test
	void limitsMemoryAndProcessesByRlimitWithoutCgroups() {
		IsolatedCommand builder = new IsolatedCommand(properties(), Cgroups.none("test"), true);
		Isolation isolation = new Isolation(APP, null, new Isolation.Limits(64L << 20, 32, 1024, 1.0), null);

		assertThat(builder.rlimits(isolation)).containsExactly("--nofile=1024:1024",
				"--as=" + (64L << 20) + ":" + (64L << 20), "--nproc=32:32");
	}

	@Test
	void leavesTheProcessRlimitAloneForTheServersOwnUser() {
		IsolatedCommand builder = new IsolatedCommand(properties(), Cgroups.none("test"), false);
		Isolation isolation = new Isolation(null, null, new Isolation.Limits(null, 32, null, null), null);

		// RLIMIT_NPROC would count the server's own threads
		assertThat(builder.rlimits(isolation)).isEmpty();
		assertThat(builder.command(request(isolation), List.of(), true)).containsExactly("python", "-m", "gunicorn");
	}

	@Test
	void mountsSystemDirectoriesReadOnlyThenTheAppsOwn() throws Exception {
		Path usr = Files.createDirectories(this.dir.resolve("usr"));
		Path bin = Files.createSymbolicLink(this.dir.resolve("bin"), Path.of("usr/bin"));
		IsolatedCommand builder = new IsolatedCommand(properties(List.of(usr, bin, this.dir.resolve("missing"))),
				Cgroups.none("test"), true);
		Path home = Path.of("/srv/pyapp");
		Isolation.Sandbox sandbox = new Isolation.Sandbox(List.of(Path.of("/etc/hostname"), home.resolve("missing")),
				List.of(home.resolve("apps/a/data")), home.resolve("apps/a/tmp"), List.of(home));

		List<String> args = builder.bwrap(sandbox, home.resolve("apps/a/current/src"), true);

		assertThat(String.join(" ", args)).startsWith("--ro-bind " + usr + " " + usr + " --symlink usr/bin " + bin
				+ " --proc /proc --dev /dev --perms 1777 --tmpfs /dev/shm --bind /srv/pyapp/apps/a/tmp /tmp"
				// the way to the mounts is made passable (0711), not listable
				+ " --perms 0711 --dir /etc --perms 0711 --dir /srv --perms 0711 --dir /srv/pyapp"
				+ " --perms 0711 --dir /srv/pyapp/apps --perms 0711 --dir /srv/pyapp/apps/a"
				+ " --ro-bind /etc/hostname /etc/hostname --bind /srv/pyapp/apps/a/data /srv/pyapp/apps/a/data"
				+ " --chdir /srv/pyapp/apps/a/current/src --unshare-pid");
		// what does not exist is left out
		assertThat(args).doesNotContain(this.dir.resolve("missing").toString(), "/srv/pyapp/missing")
			.endsWith("--die-with-parent");
	}

	@Test
	void hidesTheServersHomeWhenASystemDirectoryHoldsIt() throws Exception {
		Path opt = Files.createDirectories(this.dir.resolve("opt"));
		IsolatedCommand builder = new IsolatedCommand(properties(List.of(opt)), Cgroups.none("test"), true);
		Path home = opt.resolve("pyapp/var");
		Isolation.Sandbox sandbox = new Isolation.Sandbox(List.of(), List.of(home.resolve("apps/a/data")),
				home.resolve("apps/a/tmp"), List.of(home));

		List<String> args = builder.bwrap(sandbox, null, false);

		String text = String.join(" ", args);
		assertThat(text).contains("--tmpfs " + home + " ").doesNotContain("--die-with-parent");
		assertThat(text.indexOf("--tmpfs " + home)).isLessThan(text.indexOf("--bind " + home.resolve("apps/a/data")));
	}

	@Test
	void makesAListedDirectoryOfMountsListable() throws Exception {
		IsolatedCommand builder = new IsolatedCommand(properties(List.of()), Cgroups.none("test"), true);
		Path packages = Files.createDirectories(this.dir.resolve("server-packages"));
		Path gunicorn = Files.createDirectories(packages.resolve("gunicorn"));
		Isolation.Sandbox sandbox = new Isolation.Sandbox(List.of(gunicorn), List.of(),
				Path.of("/srv/pyapp/apps/a/tmp"), List.of(), List.of(packages));

		// Python lists a directory on sys.path to import from it
		assertThat(String.join(" ", builder.bwrap(sandbox, null, true)))
			.contains("--perms 0711 --dir " + packages.getParent() + " --perms 0755 --dir " + packages + " ")
			.contains("--ro-bind " + gunicorn + " " + gunicorn);
	}

	@Test
	void usesAPrivateTmpfsWhenTheAppsDirectoriesAreBelowTmp() {
		IsolatedCommand builder = new IsolatedCommand(properties(List.of()), Cgroups.none("test"), true);
		Path home = Path.of("/tmp/pa123");
		Isolation.Sandbox sandbox = new Isolation.Sandbox(List.of(), List.of(home.resolve("apps/a/tmp")),
				home.resolve("apps/a/tmp"), List.of(home));

		assertThat(String.join(" ", builder.bwrap(sandbox, null, true)))
			.contains("--perms 1777 --tmpfs /tmp --perms 0711 --dir /tmp/pa123 --perms 0711 --dir /tmp/pa123/apps "
					+ "--perms 0711 --dir /tmp/pa123/apps/a --bind /tmp/pa123/apps/a/tmp /tmp/pa123/apps/a/tmp");
	}

	private static ExecRequest request(Isolation isolation) {
		return ExecRequest.of("python", "-m", "gunicorn").isolated(isolation);
	}

	private static Isolation.Sandbox sandbox() {
		return new Isolation.Sandbox(List.of(), List.of(), Path.of("/srv/pyapp/apps/guestbook/tmp"), List.of());
	}

	private static IsolationProperties properties() {
		return new IsolationProperties(true, true, "www-data",
				List.of("/usr", "/etc", "/opt", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"),
				Path.of("/sys/fs/cgroup"), "pyapp", Path.of("/proc/self/mounts"), Path.of("/usr/bin/bwrap"),
				Path.of("/usr/bin/setpriv"), Path.of("/usr/bin/prlimit"));
	}

	private static IsolationProperties properties(List<Path> systemDirectories) {
		return new IsolationProperties(true, true, "www-data", systemDirectories.stream().map(Path::toString).toList(),
				Path.of("/sys/fs/cgroup"), "pyapp", Path.of("/proc/self/mounts"), Path.of("/usr/bin/bwrap"),
				Path.of("/usr/bin/setpriv"), Path.of("/usr/bin/prlimit"));
	}

	private Cgroups v1() {
		try {
			Path memory = Files.createDirectories(this.dir.resolve("memory"));
			Path pids = Files.createDirectories(this.dir.resolve("pids"));
			Path mounts = Files.writeString(this.dir.resolve("mounts"),
					"cgroup " + memory + " cgroup rw,memory 0 0\ncgroup " + pids + " cgroup rw,pids 0 0\n");
			return Cgroups.detect(mounts, this.dir, "pyapp");
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
