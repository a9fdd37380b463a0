package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the host gives when bubblewrap or cgroups are missing (issue 12.3: the app still
 * runs, {@code apps.get} says {@code sandbox: "none"} with the reason, the server logs it
 * once), and how each limit is then enforced.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostIsolationTests {

	@TempDir
	Path dir;

	@Test
	void saysOnceThatBubblewrapIsMissing(CapturedOutput output) {
		HostIsolation host = new HostIsolation(properties(true, this.dir.resolve("no-bwrap"), this.dir), accounts(),
				true);

		assertThat(host.sandboxUnavailable())
			.hasValueSatisfying((reason) -> assertThat(reason).contains("no-bwrap is missing").contains("bubblewrap"));
		assertThat(host.sandboxUnavailable()).isPresent();
		assertThat(output.getOut().split("Apps run without a sandbox", -1)).hasSize(2);
	}

	@Test
	void saysWhyBubblewrapDoesNotRun() throws IOException {
		Path bwrap = this.dir.resolve("bwrap");
		Files.writeString(bwrap, "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n");
		Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwxr-xr-x"));
		HostIsolation host = new HostIsolation(properties(true, bwrap, this.dir), accounts(), true);

		assertThat(host.sandboxUnavailable())
			.hasValueSatisfying((reason) -> assertThat(reason).contains("bwrap does not run here (exit code 1)")
				.contains("No permissions to creating new namespace"));
	}

	@Test
	void saysTheSandboxIsSwitchedOff() {
		HostIsolation host = new HostIsolation(properties(false, Path.of("/usr/bin/bwrap"), this.dir), accounts(),
				true);

		assertThat(host.sandboxUnavailable()).contains("the sandbox is switched off (pyapp.isolation.sandbox=false)");
	}

	@Test
	void fallsBackToRlimitsWithoutCgroups() throws IOException {
		Path mounts = Files.writeString(this.dir.resolve("mounts"), "proc /proc proc rw 0 0\n");
		HostIsolation host = new HostIsolation(properties(true, Path.of("/usr/bin/bwrap"), mounts), accounts(), true);

		assertThat(host.cgroupLayout()).isEqualTo("none");
		assertThat(host.cgroupsUnavailable()).isPresent();
		assertThat(host.enforcement(true)).containsEntry("memory", "rlimit RLIMIT_AS (address space of each process)")
			.containsEntry("processes", "rlimit RLIMIT_NPROC (processes of the app's user)")
			.containsEntry("open_files", "rlimit RLIMIT_NOFILE (per process)")
			.containsEntry("cpu", "none");
		// the server's own user: RLIMIT_NPROC would count the server's threads too
		assertThat(host.enforcement(false)).containsEntry("processes", "none");
	}

	private static SystemAccounts accounts() {
		return new SystemAccounts();
	}

	private static IsolationProperties properties(boolean sandbox, Path bwrap, Path mounts) {
		return new IsolationProperties(true, sandbox, "www-data",
				List.of("/usr", "/etc", "/opt", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"),
				Path.of("/sys/fs/cgroup"), "pyapp", mounts, bwrap, Path.of("/usr/bin/setpriv"),
				Path.of("/usr/bin/prlimit"));
	}

}
