package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cgroups of tasks, hooks and {@code apps.run} ({@code <app>.<id>/x-…}) that a server
 * stopped while they ran left behind, against a fake cgroup file system (a directory with
 * a file stands in for a cgroup with processes: neither can be removed). Before, every
 * one stayed, empty, for good.
 */
class LeftOverRunCgroupsTests {

	private static final String APP = "guestbook.1a2b3c4d";

	@TempDir
	Path root;

	@Test
	void removesTheEmptyCgroupsOfRunsOfThisServersAppsInEveryHierarchy() throws IOException {
		HostIsolation host = v1();
		List<Path> controllers = List.of(this.root.resolve("memory/pyapp"), this.root.resolve("pids/pyapp"),
				this.root.resolve("cpu/pyapp"));
		for (Path parent : controllers) {
			Files.createDirectories(parent.resolve(APP).resolve("x-0a1b2c3d"));
			Files.createDirectories(parent.resolve("blog.1a2b3c4d/x-4e5f6a7b"));
		}

		assertThat(host.removeLeftOverRuns(".1a2b3c4d")).containsExactly("blog.1a2b3c4d/x-4e5f6a7b",
				APP + "/x-0a1b2c3d");

		assertThat(controllers).allSatisfy((parent) -> {
			assertThat(parent.resolve(APP)).isEmptyDirectory();
			assertThat(parent.resolve("blog.1a2b3c4d")).isEmptyDirectory();
		});
	}

	@Test
	void keepsACgroupBusyInOneHierarchyInEvery() throws IOException {
		HostIsolation host = v1();
		for (String controller : List.of("memory", "pids", "cpu")) {
			Files.createDirectories(this.root.resolve(controller).resolve("pyapp").resolve(APP).resolve("x-0a1b2c3d"));
		}
		Files.writeString(this.root.resolve("memory/pyapp").resolve(APP).resolve("x-0a1b2c3d/cgroup.procs"), "4242\n");

		assertThat(host.removeLeftOverRuns(".1a2b3c4d")).isEmpty();

		for (String controller : List.of("memory", "pids", "cpu")) {
			assertThat(this.root.resolve(controller).resolve("pyapp").resolve(APP).resolve("x-0a1b2c3d")).isDirectory();
		}
	}

	@Test
	void keepsBusyCgroupsOtherHomesAndDaemons() throws IOException {
		HostIsolation host = v2();
		Path parent = this.root.resolve("pyapp");
		// a process still runs in it (the kernel keeps it anyway)
		Path busy = Files.createDirectories(parent.resolve(APP).resolve("x-00000001"));
		Files.writeString(busy.resolve("cgroup.procs"), "4242\n");
		Path nested = Files.createDirectories(parent.resolve(APP).resolve("x-00000002/inner"));
		// another server's home on the same host
		Path other = Files.createDirectories(parent.resolve("guestbook.99999999/x-00000003"));
		Path longer = Files.createDirectories(parent.resolve("guestbook.1a2b3c4d0/x-00000004"));
		// a daemon's cgroup, adopted (or removed) by the supervisor
		Path daemon = Files.createDirectories(parent.resolve(APP).resolve("r-5e6f7a8b"));
		Path outside = Files.createDirectories(parent.resolve("x-00000005"));

		assertThat(host.removeLeftOverRuns(".1a2b3c4d")).isEmpty();

		assertThat(List.of(busy, nested, other, longer, daemon, outside))
			.allSatisfy((dir) -> assertThat(dir).isDirectory());
	}

	@Test
	void keepsACgroupThisServerMadeThatNoProcessJoinedYet() throws IOException {
		HostIsolation host = v2();
		host.cgroups().prepare(APP + "/x-00000006", Isolation.Limits.NONE);
		Path made = this.root.resolve("pyapp").resolve(APP).resolve("x-00000006");
		// the fake's limit files would keep it anyway: an empty cgroup has none
		try (var files = Files.list(made)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}

		assertThat(host.removeLeftOverRuns(".1a2b3c4d")).isEmpty();

		assertThat(made).isDirectory();
		// gone with its process tree: forgotten
		host.remove(APP + "/x-00000006");
		Files.createDirectories(made);
		assertThat(host.removeLeftOverRuns(".1a2b3c4d")).containsExactly(APP + "/x-00000006");
	}

	@Test
	void aHostWithoutCgroupsHasNone() {
		HostIsolation host = new HostIsolation(properties(this.root.resolve("no-mounts")), new SystemAccounts(), false);

		assertThat(host.removeLeftOverRuns(".1a2b3c4d")).isEmpty();
	}

	private HostIsolation v1() throws IOException {
		Path memory = Files.createDirectories(this.root.resolve("memory"));
		Path pids = Files.createDirectories(this.root.resolve("pids"));
		Path cpu = Files.createDirectories(this.root.resolve("cpu"));
		Path mounts = Files.writeString(this.root.resolve("mounts"),
				"tmpfs " + this.root + " tmpfs rw 0 0\n" + "cgroup " + memory + " cgroup rw,memory 0 0\n" + "cgroup "
						+ pids + " cgroup rw,pids 0 0\n" + "cgroup " + cpu + " cgroup rw,cpu 0 0\n");
		HostIsolation host = new HostIsolation(properties(mounts), new SystemAccounts(), true);
		assertThat(host.cgroupLayout()).isEqualTo("cgroup v1");
		return host;
	}

	private HostIsolation v2() throws IOException {
		Path mounts = Files.writeString(this.root.resolve("mounts"), "cgroup2 " + this.root + " cgroup2 rw 0 0\n");
		Files.writeString(this.root.resolve("cgroup.controllers"), "cpu memory pids\n");
		HostIsolation host = new HostIsolation(properties(mounts), new SystemAccounts(), true);
		assertThat(host.cgroupLayout()).isEqualTo("cgroup v2");
		return host;
	}

	private IsolationProperties properties(Path mounts) {
		return new IsolationProperties(true, false, "www-data", List.of("/usr"), this.root, "pyapp", mounts,
				Path.of("/usr/bin/bwrap"), Path.of("/usr/bin/setpriv"), Path.of("/usr/bin/prlimit"));
	}

}
