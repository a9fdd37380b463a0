package dev.pyapp.server.runtime;

import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.nodes.Signal;
import dev.pyapp.server.packaging.AppManifest.BindKind;
import dev.pyapp.server.packaging.AppManifest.DaemonMethod;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.internal.DaemonAddresses;
import dev.pyapp.server.runtime.internal.GunicornServer;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * How each app server maps the {@code daemon} settings to its command line.
 */
class AppServerCommandTests {

	private static final Path RELEASE = Path.of("/srv/pyapp/apps/gb/releases/1.0.0-x");

	private static final Path RUN = Path.of("/srv/pyapp/apps/gb/run");

	private final UwsgiServer uwsgi = new UwsgiServer(
			new UwsgiPlugin(FakeShell.host("3.11.2"), AppServersTests.properties("auto")));

	private final GunicornServer gunicorn = new GunicornServer(mock(VenvBuilder.class));

	@Test
	void uwsgiRunsThreadsInAMasterWithItsWorkersOnTheReleasesSocket() {
		List<String> command = this.uwsgi.command(spec(DaemonMethod.THREADING, 1, 8, BindKind.SOCKET));

		assertThat(command).startsWith("uwsgi", "--strict", "--plugin", "python3", "--master", "--lazy-apps",
				"--need-app", "--single-interpreter", "--enable-threads");
		assertThat(String.join(" ", command)).contains("--virtualenv " + RELEASE + "/venv")
			.contains("--chdir " + RELEASE + "/src")
			.contains("--module pyapp_runtime.wsgi:application")
			.contains("--uwsgi-socket " + RUN + "/r-1.sock")
			.contains("--pidfile " + RUN + "/r-1.pid")
			.contains("--processes 1 --threads 8")
			.contains("--hook-master-start unix_signal:15 gracefully_kill_them_all")
			.contains("--die-on-term")
			.contains("--no-orphans")
			.contains("--listen 1024")
			.doesNotContain("--thunder-lock")
			.doesNotContain("--uid")
			.doesNotContain("--gid");
		assertThat(command).contains("unix_signal:15 gracefully_kill_them_all");
	}

	@Test
	void uwsgiRunsSingleThreadedProcessesOnAPort() {
		String command = String.join(" ", this.uwsgi.command(spec(DaemonMethod.PROCESSES, 2, 8, BindKind.PORT)));

		assertThat(command).contains("--uwsgi-socket 127.0.0.1:20001")
			.contains("--processes 2 --thunder-lock")
			.doesNotContain("--threads");
	}

	@Test
	void gunicornRunsGthreadOrSyncWorkers() {
		assertThat(this.gunicorn.command(spec(DaemonMethod.THREADING, 1, 8, BindKind.SOCKET))).containsExactly(
				RELEASE + "/venv/bin/python", "-m", "gunicorn", "--config", "python:pyapp_runtime.gunicorn_conf",
				"--bind", "unix:" + RUN + "/r-1.sock", "--pid", RUN + "/r-1.pid", "--chdir", RELEASE + "/src", "--name",
				"pyapp-gb", "--worker-class", "gthread", "--workers", "1", "--threads", "8",
				"pyapp_runtime.wsgi:application");
		assertThat(String.join(" ", this.gunicorn.command(spec(DaemonMethod.PROCESSES, 2, 8, BindKind.PORT))))
			.contains("--bind 127.0.0.1:20001")
			.contains("--worker-class sync --workers 2 pyapp_runtime.wsgi:application");
	}

	@Test
	void bothStopWithTermAndReloadWithHup() {
		for (AppServer server : List.of(this.uwsgi, this.gunicorn)) {
			assertThat(server.stopSignal()).isEqualTo(Signal.TERM);
			assertThat(server.reloadSignal()).isEqualTo(Signal.HUP);
		}
		assertThat(this.gunicorn.protocol()).isEqualTo(WireProtocol.HTTP);
		assertThat(this.uwsgi.protocol()).isEqualTo(WireProtocol.UWSGI);
	}

	@Test
	void eachRecognisesItsOwnCommandLineOnly() {
		List<String> uwsgiCommand = this.uwsgi.command(spec(DaemonMethod.THREADING, 1, 8, BindKind.SOCKET));
		List<String> gunicornCommand = this.gunicorn.command(spec(DaemonMethod.THREADING, 1, 8, BindKind.SOCKET));

		assertThat(this.uwsgi.recognises(uwsgiCommand, RUN)).isTrue();
		assertThat(this.uwsgi.recognises(gunicornCommand, RUN)).isFalse();
		assertThat(this.gunicorn.recognises(gunicornCommand, RUN)).isTrue();
		assertThat(this.gunicorn.recognises(uwsgiCommand, RUN)).isFalse();
		assertThat(this.uwsgi.recognises(uwsgiCommand, Path.of("/srv/pyapp/apps/other/run"))).isFalse();
	}

	@Test
	void asksForTheListenQueueTheHostAllows() throws Exception { // GH-14: procfs read as
																	// "4"
		java.nio.file.Path somaxconn = java.nio.file.Path.of("/proc/sys/net/core/somaxconn");
		org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(somaxconn));
		int max;
		try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(somaxconn)) {
			max = Integer.parseInt(reader.readLine().trim());
		}
		assertThat(DaemonAddresses.listenBacklog()).isEqualTo(Math.max(16, Math.min(2048, max)));
		if (max >= 128) {
			assertThat(DaemonAddresses.listenBacklog()).isGreaterThanOrEqualTo(128);
		}
	}

	private static DaemonSpec spec(DaemonMethod method, int workers, int threads, BindKind bind) {
		return new DaemonSpec(AppId.of("gb"), "1.0.0-x", RELEASE.resolve("venv/bin/python"), RELEASE.resolve("src"),
				(bind == BindKind.SOCKET) ? RUN.resolve("r-1.sock") : null, (bind == BindKind.PORT) ? 20001 : null,
				RUN.resolve("r-1.pid"), new AppManifest.Daemon(method, workers, threads, bind), 1024);
	}

}
