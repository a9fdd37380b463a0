package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * When an upgrade starts from a copy of the live release's environment, and what its
 * build log says about it either way.
 */
class VenvReuseTests {

	private static final PythonInterpreter PYTHON = new PythonInterpreter(Path.of("/usr/bin/python3.11"), "3.11.2",
			null, "cpython", "cp311");

	@TempDir
	Path releases;

	private NodeShell shell;

	private PipRunner pip;

	private ServerPackages packages;

	private final List<String> log = new ArrayList<>();

	@BeforeEach
	void mocks() {
		this.shell = mock(NodeShell.class);
		given(this.shell.exec(any())).willAnswer((invocation) -> {
			ExecRequest request = invocation.getArgument(0);
			if (request.command().contains("venv")) {
				// what python -m venv makes
				Path venv = Path.of(request.command().get(request.command().size() - 1));
				Files.createDirectories(venv.resolve("lib/python3.11/site-packages"));
				Files.writeString(venv.resolve("pyvenv.cfg"), "home = /usr/bin\n");
			}
			return new ExecResult(0, "", false);
		});
		this.pip = mock(PipRunner.class);
		given(this.pip.install(any(), any(), any(), any(), any())).willReturn(new ExecResult(0, "", false));
		this.packages = mock(ServerPackages.class);
		given(this.packages.directory()).willReturn(this.releases.resolve("server-packages"));
		given(this.packages.gunicornVersion()).willReturn("23.0.0");
	}

	@Test
	void anUpgradeWithTheSameDependenciesStartsFromACopyOfTheLiveEnvironment() throws IOException {
		Path live = release("1.0.0");
		build(live, null, "flask");
		Path next = release("1.0.1");

		build(next, live, "flask");

		verify(this.shell, never()).exec(argThat((request) -> request.command().contains(next + "/venv")));
		assertThat(this.log).contains("reusing the environment of release 1.0.0: dependencies unchanged")
			.anyMatch((line) -> line.startsWith("copied the environment of release 1.0.0 in "));
		assertThat(Files.readString(next.resolve("venv/lib/python3.11/site-packages/pyapp-1-server-packages.pth")))
			.isEqualTo(this.releases.resolve("server-packages") + "\n");
		// pip still confirms the requirements, as it would install them
		verify(this.pip).install(argThat((python) -> python.startsWith(next)), any(),
				argThat((arguments) -> arguments.contains("flask")), any(), any());
		assertThat(EnvironmentFingerprint.read(next)).isEqualTo(EnvironmentFingerprint.read(live));
	}

	@Test
	void anUpgradeWithOtherDependenciesBuildsFromNothingAndSaysWhy() throws IOException {
		Path live = release("1.0.0");
		build(live, null, "flask");
		Path next = release("1.1.0");

		build(next, live, "flask", "pandas");

		verify(this.shell).exec(argThat((request) -> request.command().contains(next + "/venv")));
		assertThat(this.log)
			.contains("building the environment from nothing: the dependencies changed since release 1.0.0")
			.noneMatch((line) -> line.startsWith("reusing"));
	}

	@Test
	void aFailedCopyBuildsFromNothingAndSaysWhy() throws IOException {
		Path live = release("1.0.0");
		build(live, null, "flask");
		Files.createDirectories(release("1.0.1").resolve("venv"));

		build(this.releases.resolve("1.0.1"), live, "flask");

		assertThat(this.log).contains("reusing the environment of release 1.0.0: dependencies unchanged")
			.anyMatch((line) -> line.startsWith(
					"building the environment from nothing: the environment of release " + "1.0.0 cannot be reused: ")
					&& line.endsWith("exists already"));
		verify(this.shell)
			.exec(argThat((request) -> request.command().contains(live.resolveSibling("1.0.1") + "/venv")));
	}

	@Test
	void decidesOnTheLiveReleaseAndItsFingerprint() throws IOException {
		Path live = release("1.0.0");
		EnvironmentFingerprint fingerprint = EnvironmentFingerprint.of(PYTHON, "pip", List.of(), live, List.of());

		assertThat(VenvBuilder.decide(true, null, fingerprint)).isEqualTo(new VenvBuilder.Decision(false, null));
		assertThat(VenvBuilder.decide(true, live, fingerprint).message())
			.isEqualTo("building the environment from nothing: release 1.0.0 has no environment");
		Files.createDirectories(live.resolve("venv"));
		Files.writeString(live.resolve("venv/pyvenv.cfg"), "home = /usr/bin\n");
		assertThat(VenvBuilder.decide(true, live, fingerprint).message())
			.isEqualTo("building the environment from nothing: release 1.0.0 keeps no fingerprint of its environment "
					+ "(an older server built it)");
		fingerprint.write(live);
		assertThat(VenvBuilder.decide(true, live, fingerprint)).isEqualTo(
				new VenvBuilder.Decision(true, "reusing the environment of release 1.0.0: dependencies unchanged"));
		assertThat(VenvBuilder.decide(false, live, fingerprint).message())
			.isEqualTo("building the environment from nothing: pyapp.python.reuse-environment is false");
	}

	private void build(Path release, Path live, String... requirements) {
		InterpreterFinder interpreters = mock(InterpreterFinder.class);
		given(interpreters.select(any(), any())).willReturn(PYTHON);
		PythonProperties properties = new PythonProperties(List.of(), "pip", Duration.ofMinutes(10), false, 2,
				Duration.ofSeconds(10), true);
		VenvRequest request = new VenvRequest(AppId.of("app"), release, null,
				List.of(requirements).stream().map((r) -> new VenvRequest.Requirement(r, false)).toList(),
				this.log::add, null, (interpreter) -> Isolation.none(), live);
		new VenvBuilder(this.shell, interpreters, this.pip, this.packages, properties).build(request);
	}

	private Path release(String id) throws IOException {
		Path release = Files.createDirectories(this.releases.resolve(id));
		Files.createDirectories(release.resolve("src"));
		return release;
	}

}
