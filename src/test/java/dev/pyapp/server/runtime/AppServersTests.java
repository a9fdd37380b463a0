package dev.pyapp.server.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.packaging.AppManifest.BindKind;
import dev.pyapp.server.packaging.AppManifest.DaemonMethod;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.internal.GunicornServer;
import dev.pyapp.server.runtime.internal.RuntimeProperties;
import dev.pyapp.server.venv.InterpreterConstraint;
import dev.pyapp.server.venv.Provisioning;
import dev.pyapp.server.venv.PythonInterpreter;
import dev.pyapp.server.venv.VenvBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

class AppServersTests {

	/** The host's interpreters (stand-ins) and a venv made by each. */
	private static Path host;

	private static Path PY311;

	private static Path PY311_OTHER_BUILD;

	private static Path PY313;

	@BeforeAll
	static void environments(@TempDir Path dir) throws IOException {
		host = Files.createDirectories(dir.resolve("host"));
		PY311 = venv(dir, "3.11.2");
		PY311_OTHER_BUILD = venv(dir, "3.11.7");
		PY313 = venv(dir, "3.13.0");
	}

	/**
	 * {@code r/<version>/venv/bin/python}: a link to the host's interpreter, as venv
	 * makes it.
	 */
	private static Path venv(Path dir, String version) throws IOException {
		Path executable = Files.writeString(host.resolve("python" + version), "");
		Path bin = Files.createDirectories(dir.resolve("r/" + version + "/venv/bin"));
		Files.createSymbolicLink(bin.resolve("python3"), executable);
		return Files.createSymbolicLink(bin.resolve("python"), Path.of("python3"));
	}

	@Test
	void autoPicksUwsgiWhenItsPluginEmbedsTheEnvironmentsInterpreter() {
		AppServers.Choice choice = servers("auto", FakeShell.host("3.11.2")).choose(manifest(null), PY311);

		assertThat(choice.server().name()).isEqualTo("uwsgi");
		assertThat(choice.server().protocol()).isEqualTo(WireProtocol.UWSGI);
		assertThat(choice.reason()).isEqualTo("auto: uWSGI runs Python 3.11.2 (cpython-311-x86_64-linux-gnu)");
	}

	@Test
	void autoFallsBackToGunicornAndSaysWhy() {
		AppServers servers = servers("auto", FakeShell.host("3.11.2"));

		AppServers.Choice newer = servers.choose(manifest(null), PY313);
		assertThat(newer.server().name()).isEqualTo("gunicorn");
		assertThat(newer.reason()).isEqualTo("auto: uWSGI's python3 plugin embeds Python 3.11.2 "
				+ "(cpython-311-x86_64-linux-gnu), not the environment's Python 3.13.0 (cpython-313-x86_64-linux-gnu)");
		// same minor version and ABI tag, another build: its stdlib's C modules may
		// not load
		assertThat(servers.choose(manifest(null), PY311_OTHER_BUILD).server().name()).isEqualTo("gunicorn");
	}

	@Test
	void autoFallsBackToGunicornWithoutUwsgi() {
		AppServers.Choice choice = servers("auto", FakeShell.host(null)).choose(manifest(null), PY311);

		assertThat(choice.server().name()).isEqualTo("gunicorn");
		assertThat(choice.reason()).startsWith("auto: uWSGI is not available: 'uwsgi --plugin python3' did not run")
			.endsWith("unable to load plugin python3");
	}

	@Test
	void theAppsDaemonServerWinsOverTheOperatorsDefault() {
		AppServers servers = servers("uwsgi", FakeShell.host("3.11.2"));

		AppServers.Choice choice = servers.choose(manifest("gunicorn"), PY311);
		assertThat(choice.server().name()).isEqualTo("gunicorn");
		assertThat(choice.reason()).isEqualTo("daemon.server is gunicorn");
		assertThat(servers.choose(manifest(null), PY311).reason()).isEqualTo("pyapp.runtime.server is uwsgi");
	}

	@Test
	void refusesToStartANamedServerThatCannotRunTheEnvironment() {
		assertThatThrownBy(() -> servers("auto", FakeShell.host("3.11.2")).choose(manifest("uwsgi"), PY313))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.FAILED))
			.hasMessage("uWSGI (daemon.server) cannot run this release: uWSGI's python3 plugin embeds "
					+ "Python 3.11.2 (cpython-311-x86_64-linux-gnu), not the environment's "
					+ "Python 3.13.0 (cpython-313-x86_64-linux-gnu)");
	}

	@Test
	void withoutGunicornAutoRunsOnUwsgiWhatItCanAndRefusesTheRestSayingWhy() {
		VenvBuilder venvs = mock(VenvBuilder.class);
		given(venvs.awaitProvisioning(any())).willReturn(new Provisioning("failed", null,
				"pip could not install gunicorn (put a gunicorn wheel into /srv/pyapp/wheels or set pyapp.python.index)",
				null));
		AppServers servers = servers("auto", FakeShell.host("3.11.2"), venvs);

		assertThat(servers.choose(manifest(null), PY311).server().name()).isEqualTo("uwsgi");
		assertThatThrownBy(() -> servers.choose(manifest(null), PY313))
			.isInstanceOfSatisfying(PyappException.class, (ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.FAILED))
			.hasMessageEndingWith("gunicorn is not installed: neither server-packages/ nor the app's environment "
					+ "has it (pip could not install gunicorn (put a gunicorn wheel into /srv/pyapp/wheels or set "
					+ "pyapp.python.index))");
		assertThatThrownBy(() -> servers.choose(manifest("gunicorn"), PY311))
			.hasMessageStartingWith("gunicorn (daemon.server) cannot run this release: gunicorn is not installed");
	}

	@Test
	void aStartThatNeedsGunicornHasPipTriedAgainAndRunsOnItOnceItIsThere() {
		VenvBuilder venvs = mock(VenvBuilder.class);
		// the failure was old: waiting for provisioning ran pip again, which got it
		given(venvs.gunicorn()).willReturn(null, "23.0.0");
		given(venvs.awaitProvisioning(any())).willReturn(new Provisioning("ready", "23.0.0", null, null));

		assertThat(servers("auto", FakeShell.host("3.11.2"), venvs).choose(manifest("gunicorn"), PY311).server().name())
			.isEqualTo("gunicorn");
		verify(venvs).awaitProvisioning(any());
	}

	@Test
	void anEnvironmentWithGunicornOfItsOwnRunsOnItWithoutServerPackages() throws IOException {
		VenvBuilder venvs = mock(VenvBuilder.class);
		given(venvs.awaitProvisioning(any())).willReturn(new Provisioning("failed", null, "no index", null));
		Path venv = PY313.getParent().getParent();
		Path gunicorn = Files.createDirectories(venv.resolve("lib/python3.13/site-packages/gunicorn"));
		try {
			Files.writeString(gunicorn.resolve("__init__.py"), "");

			assertThat(servers("auto", FakeShell.host("3.11.2"), venvs).choose(manifest(null), PY313).server().name())
				.isEqualTo("gunicorn");
		}
		finally {
			FileSystemUtils.deleteRecursively(venv.resolve("lib"));
		}
	}

	@Test
	void neverRunsTheEnvironmentsOwnInterpreter() {
		FakeShell shell = FakeShell.host("3.11.2");
		AppServers servers = servers("auto", shell);

		servers.choose(manifest(null), PY311);
		servers.choose(manifest(null), PY313);

		assertThat(shell.commands).noneMatch((command) -> command.get(0).contains("venv"));
	}

	@Test
	void anEnvironmentWhoseInterpreterIsNoLinkToTheHostsRunsOnGunicornOnly(@TempDir Path dir) throws IOException {
		// an app's build may have replaced its venv's python: the server runs no
		// such file
		Path replaced = Files.writeString(Files.createDirectories(dir.resolve("venv/bin")).resolve("python"), "");
		AppServers servers = servers("auto", FakeShell.host("3.11.2"));

		AppServers.Choice choice = servers.choose(manifest(null), replaced);
		assertThat(choice.server().name()).isEqualTo("gunicorn");
		assertThat(choice.reason())
			.endsWith("not the environment's interpreter (not a link to one of this host's Pythons)");
		assertThatThrownBy(() -> servers.choose(manifest("uwsgi"), replaced)).isInstanceOf(PyappException.class);
	}

	@Test
	void constrainsTheInterpreterOfANamedServerOnly() {
		AppServers servers = servers("auto", FakeShell.host("3.11.2"));

		assertThat(servers.interpreterConstraint(manifest(null))).isNull();
		InterpreterConstraint uwsgi = servers.interpreterConstraint(manifest("uwsgi"));
		assertThat(uwsgi.source()).isEqualTo("metadata.yaml: daemon.server");
		assertThat(uwsgi.description()).isEqualTo("uWSGI runs only environments made with Python 3.11.2 "
				+ "(cpython-311-x86_64-linux-gnu), which its python3 plugin embeds");
		assertThat(uwsgi.accepts()).accepts(interpreter("3.11.2"))
			.rejects(interpreter("3.11.7"), interpreter("3.13.0"));
		assertThat(servers("uwsgi", FakeShell.host("3.11.2")).interpreterConstraint(manifest(null)).source())
			.isEqualTo("pyapp.runtime.server");
		assertThat(servers.interpreterConstraint(manifest("gunicorn")).accepts()).accepts(interpreter("3.13.0"));
	}

	@Test
	void refusesAnUnknownDefault() {
		assertThatIllegalStateException().isThrownBy(() -> servers("waitress", FakeShell.host("3.11.2")))
			.withMessage("pyapp.runtime.server is 'waitress'; expected auto or one of [uwsgi, gunicorn]");
	}

	@Test
	void recognisesTheDaemonOfEachServerByItsCommandLine() {
		AppServers servers = servers("auto", FakeShell.host("3.11.2"));
		Path run = Path.of("/srv/pyapp/apps/gb/run");

		assertThat(servers.recognise(List.of("/srv/pyapp/apps/gb/releases/1/venv/bin/python", "-m", "gunicorn",
				"--config", "python:pyapp_runtime.gunicorn_conf", "--pid", "/srv/pyapp/apps/gb/run/r-1.pid"), run))
			.map(AppServer::name)
			.contains("gunicorn");
		assertThat(servers.recognise(
				List.of("bwrap", "--die-with-parent", "--", "/usr/bin/uwsgi", "--pidfile", run + "/r-2.pid"), run))
			.map(AppServer::name)
			.contains("uwsgi");
		// another app's daemon, or a pid file that only looks as if it were in run/
		assertThat(servers.recognise(List.of("uwsgi", "--pidfile", "/srv/pyapp/apps/other/run/r-2.pid"), run))
			.isEmpty();
		assertThat(servers.recognise(List.of("uwsgi", "--pidfile", run + "/../../other/run/r.pid"), run)).isEmpty();
		assertThat(servers.recognise(List.of("/usr/bin/python3", "evil.py", "--pidfile", run + "/r.pid"), run))
			.isEmpty();
	}

	static AppServers servers(String preferred, FakeShell shell) {
		VenvBuilder venvs = mock(VenvBuilder.class);
		given(venvs.gunicorn()).willReturn("23.0.0");
		return servers(preferred, shell, venvs);
	}

	static AppServers servers(String preferred, FakeShell shell, VenvBuilder venvs) {
		RuntimeProperties properties = properties(preferred);
		List<PythonInterpreter> interpreters = java.util.stream.Stream.of("3.11.2", "3.11.7", "3.13.0")
			.map((version) -> new PythonInterpreter(host.resolve("python" + version), version, null, "cpython",
					FakeShell.abi(version)))
			.toList();
		return new AppServers(List.of(new UwsgiServer(new UwsgiPlugin(shell, properties)), new GunicornServer(venvs)),
				properties, () -> interpreters);
	}

	static RuntimeProperties properties(String server) {
		return new RuntimeProperties("20000-20999", Duration.ofSeconds(60), Duration.ofSeconds(20),
				Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(1), 5, Duration.ofMinutes(5),
				Duration.ofMillis(500), server, new RuntimeProperties.Uwsgi("uwsgi", "python3"),
				new RuntimeProperties.Adoption(Duration.ofSeconds(10), 4, 4));
	}

	static AppManifest manifest(String server) {
		return new AppManifest(1, "gb", "1.0.0", null, null,
				new AppManifest.Entry(AppManifest.EntryKind.WSGI, "gb:application"), List.of(),
				new AppManifest.Resources(List.of(), List.of()), List.of(),
				new AppManifest.Daemon(DaemonMethod.THREADING, 1, 8, BindKind.SOCKET, server),
				AppManifest.Health.DEFAULT, AppManifest.Updates.DEFAULT, java.util.Map.of(), List.of());
	}

	private static PythonInterpreter interpreter(String version) {
		return new PythonInterpreter(Path.of("/usr/bin/python" + version), version, null, "cpython",
				FakeShell.abi(version));
	}

}
