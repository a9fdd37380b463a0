package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.pyapp.server.core.AtomicFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LocalNodeShell} applying an {@link Isolation} for real, as root (CI is root):
 * the user ({@code nobody}), the bubblewrap sandbox, the cgroup and its limits on this
 * host's cgroup layout, and the pid of a sandboxed daemon.
 */
@Tag("process")
@EnabledIf("root")
class LocalNodeShellIsolationIT {

	private static final Isolation.Account NOBODY = new Isolation.Account("nobody", 65534, 65534,
			Path.of("/nonexistent"));

	private final HostIsolation host = new HostIsolation(properties(), new SystemAccounts(), true);

	private final LocalNodeShell shell = new LocalNodeShell(this.host);

	private Path home;

	private Path data;

	private String cgroup;

	static boolean root() {
		return HostIsolation.currentUid() == 0;
	}

	@BeforeEach
	void createHome() throws IOException {
		this.home = Files.createTempDirectory(Path.of("/var/tmp"), "iso");
		Files.setPosixFilePermissions(this.home, PosixFilePermissions.fromString("rwx--x--x"));
		this.data = Files.createDirectories(this.home.resolve("apps/a/data"));
		// passable whatever the umask (077 under scripts/run.sh), as the server's
		// layout is
		for (Path dir : List.of(this.home.resolve("apps"), this.home.resolve("apps/a"))) {
			Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
		}
		Files.setAttribute(this.data, "unix:uid", 65534);
		Files.writeString(this.home.resolve("secret"), "server only\n");
		this.cgroup = "isolation-it." + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void deleteHome() {
		this.host.kill(this.cgroup);
		AtomicFiles.deleteTree(this.home);
	}

	@Test
	void runsAsTheAppsUserInASandboxThatShowsOnlyItsOwnDirectories() {
		ExecResult result = this.shell.exec(ExecRequest
			.of("/bin/sh", "-c",
					"id -u; echo data > " + this.data + "/f && echo wrote-data; cat " + this.home
							+ "/secret || echo no-secret; ls " + this.home + "/apps; touch /usr/x || echo ro-usr; "
							+ "ls /proc | grep -c '^[0-9]'")
			.in(this.data)
			.withTimeout(Duration.ofSeconds(30))
			.isolated(isolation(Isolation.Limits.NONE)));

		assertThat(result.exitCode()).as(result.output()).isZero();
		List<String> lines = result.output().lines().toList();
		assertThat(lines.get(0)).isEqualTo("65534");
		assertThat(lines).contains("wrote-data", "no-secret", "ro-usr");
		// the way to its directories can be passed, not listed
		assertThat(lines).anyMatch((line) -> line.endsWith("apps': Permission denied"));
		// its own PID namespace: the sandbox's init, the shell, ls and grep
		assertThat(Integer.parseInt(lines.get(lines.size() - 1))).isLessThanOrEqualTo(5);
		assertThat(this.data.resolve("f")).hasContent("data");
	}

	@Test
	void startsADaemonWhosePidIsTheCommandsOwn() throws Exception {
		RunningProcess process = this.shell.start(ExecRequest.of("/bin/sleep", "300")
			.in(this.data)
			.withOutput(this.home.resolve("out.log"), null)
			.isolated(isolation(Isolation.Limits.NONE)));

		// setpriv (and the sandbox) exec into the command under the same pid: poll until
		// that exec happened
		ProcessInfo info = await().atMost(Duration.ofSeconds(30))
			.until(() -> this.shell.process(process.pid()).orElseThrow(),
					(seen) -> seen.commandLine().equals(List.of("/bin/sleep", "300")));
		assertThat(info.uid()).isEqualTo(65534);
		assertThat(this.host.processes(this.cgroup)).contains(process.pid());

		this.shell.signal(process.pid(), Signal.TERM);
		assertThat(process.exit().get(10, java.util.concurrent.TimeUnit.SECONDS)).isNotZero();
	}

	@Test
	void stopsAForkBombAtTheProcessLimit() {
		ExecResult result = this.shell.exec(ExecRequest
			.of("/usr/bin/python3", "-c",
					String.join("\n", "import os, time", "n = 0", "try:", "    for i in range(200):",
							"        if os.fork() == 0:", "            time.sleep(5); os._exit(0)", "        n += 1",
							"except OSError as ex:", "    print('stopped', n, ex.errno)"))
			.withTimeout(Duration.ofSeconds(60))
			.isolated(isolation(new Isolation.Limits(null, 20, null, null))));

		assertThat(result.output()).contains("stopped");
		int forked = Integer.parseInt(result.output()
			.lines()
			.filter((line) -> line.startsWith("stopped"))
			.findFirst()
			.orElseThrow()
			.split(" ")[1]);
		assertThat(forked).isLessThan(20);
	}

	@Test
	void killsAMemoryHogAtTheMemoryLimit() {
		ExecResult result = this.shell
			.exec(ExecRequest.of("/usr/bin/python3", "-c", "x = bytearray(512 * 1024 * 1024); print('allocated')")
				.withTimeout(Duration.ofSeconds(60))
				.isolated(isolation(new Isolation.Limits(64L << 20, null, null, null))));

		assertThat(result.output()).doesNotContain("allocated");
		assertThat(result.exitCode()).isEqualTo(137);
	}

	@Test
	void limitsOpenFiles() {
		ExecResult result = this.shell.exec(ExecRequest
			.of("/usr/bin/python3", "-c", "import resource; print(resource.getrlimit(resource.RLIMIT_NOFILE))")
			.withTimeout(Duration.ofSeconds(30))
			.isolated(isolation(new Isolation.Limits(null, null, 64, null))));

		assertThat(result.output()).contains("(64, 64)");
	}

	@Test
	void aServerThatIsNotRootStillSandboxesItsApps() throws Exception {
		// what a server running as nobody would run: bwrap without setpriv (its own user
		// namespace), its apps as its own user
		IsolatedCommand unprivileged = new IsolatedCommand(properties(), Cgroups.none("not root"), false);
		ExecRequest request = ExecRequest
			.of("/bin/sh", "-c", "id -u; cat " + this.home + "/secret || echo no-secret; ls /proc | grep -c '^[0-9]'")
			.in(this.data)
			.isolated(new Isolation(null,
					new Isolation.Sandbox(List.of(), List.of(this.data), this.data, List.of(this.home)),
					Isolation.Limits.NONE, null));
		List<String> command = new java.util.ArrayList<>(
				List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
		command.addAll(unprivileged.command(request, List.of(), true));

		ExecResult result = ProcessRunner.exec(request.withTimeout(Duration.ofSeconds(30)), command);

		assertThat(result.exitCode()).as(result.output()).isZero();
		List<String> lines = result.output().lines().toList();
		assertThat(lines.get(0)).isEqualTo("65534");
		assertThat(lines).contains("no-secret");
		assertThat(Integer.parseInt(lines.get(lines.size() - 1))).isLessThanOrEqualTo(5);
	}

	private Isolation isolation(Isolation.Limits limits) {
		Isolation.Sandbox sandbox = new Isolation.Sandbox(List.of(), List.of(this.data), this.data, List.of(this.home));
		return new Isolation(NOBODY, sandbox, limits, this.cgroup);
	}

	private static IsolationProperties properties() {
		return new IsolationProperties(true, true, "www-data",
				List.of("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"),
				Path.of("/sys/fs/cgroup"), "pyapp-test", Path.of("/proc/self/mounts"), Path.of("/usr/bin/bwrap"),
				Path.of("/usr/bin/setpriv"), Path.of("/usr/bin/prlimit"));
	}

}
