package dev.pyapp.server.nodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An app's cgroup removed with the app stays removed, against a fake cgroup v1 file
 * system (a directory with files stands in for a cgroup with processes: neither can be
 * removed). A task that fired while its app was removed made its cgroup,
 * {@code <app>.<id>/x-…}, after the removal had deleted {@code <app>.<id>}, and only its
 * own level went at its end: {@code <app>.<id>} stayed, empty, for good.
 */
class AppCgroupRemovalTests {

	private static final String APP = "guestbook.1a2b3c4d";

	@TempDir
	Path root;

	private List<Path> controllers;

	private HostIsolation host;

	@BeforeEach
	void host() throws IOException {
		Path memory = Files.createDirectories(this.root.resolve("memory"));
		Path pids = Files.createDirectories(this.root.resolve("pids"));
		Path cpu = Files.createDirectories(this.root.resolve("cpu"));
		this.controllers = List.of(memory, pids, cpu);
		Path mounts = Files.writeString(this.root.resolve("mounts"),
				"tmpfs " + this.root + " tmpfs rw 0 0\n" + "cgroup " + memory + " cgroup rw,memory 0 0\n" + "cgroup "
						+ pids + " cgroup rw,pids 0 0\n" + "cgroup " + cpu + " cgroup rw,cpu 0 0\n");
		this.host = new HostIsolation(
				new IsolationProperties(true, false, "www-data", List.of("/usr"), this.root, "pyapp", mounts,
						Path.of("/usr/bin/bwrap"), Path.of("/usr/bin/setpriv"), Path.of("/usr/bin/prlimit")),
				new SystemAccounts(), true);
		assertThat(this.host.cgroupLayout()).isEqualTo("cgroup v1");
	}

	@Test
	void aTaskThatFiresAfterItsAppWasRemovedMakesNoCgroup() {
		// the removal (AppIsolation.remove)
		this.host.retire(APP);
		// the task, in the app's isolation (LocalNodeShell adds a level of its own)
		ExecRequest task = ExecRequest.of("/bin/true").isolated(new Isolation(null, null, Isolation.Limits.NONE, APP));

		assertThatExceptionOfType(NodeException.class).isThrownBy(() -> new LocalNodeShell(this.host).exec(task))
			.withMessageContaining("removed with its app");
		assertThat(this.controllers).allSatisfy((controller) -> assertThat(app(controller)).doesNotExist());
	}

	@Test
	void aCgroupBusyThroughTheRemovalTakesTheAppsCgroupAlongWhenItGoes() throws IOException {
		// a task's cgroup, whose process joined it while the removal killed
		Path busy = Files.createDirectories(app(this.controllers.get(0)).resolve("x-1"));
		Files.writeString(busy.resolve("process"), "");
		this.host.retire(APP);
		assertThat(app(this.controllers.get(0))).exists();

		// the task ends (LocalNodeShell.exec's end)
		Files.delete(busy.resolve("process"));
		this.host.kill(APP + "/x-1");

		assertThat(app(this.controllers.get(0))).doesNotExist();
	}

	@Test
	void anAppInstalledAgainAfterItsRemovalGetsItsCgroupAgain() {
		this.host.retire(APP);
		this.host.reopen(APP);

		assertThat(this.host.cgroups().prepare(APP + "/r-1", Isolation.Limits.NONE)).hasSize(3);
		assertThat(this.controllers)
			.allSatisfy((controller) -> assertThat(app(controller).resolve("r-1")).isDirectory());
	}

	@Test
	void anotherAppIsNotConcerned() {
		this.host.retire(APP);

		assertThat(this.host.cgroups().prepare("guestbook2.1a2b3c4d/r-1", Isolation.Limits.NONE)).hasSize(3);
		assertThat(this.host.cgroups().prepare("guestbook.1a2b3c4d0/r-1", Isolation.Limits.NONE)).hasSize(3);
	}

	private static Path app(Path controller) {
		return controller.resolve("pyapp").resolve(APP);
	}

}
