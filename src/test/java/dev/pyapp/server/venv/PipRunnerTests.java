package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.nodes.SystemPath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

class PipRunnerTests {

	@TempDir
	Path deps;

	@Test
	void namesTheProjectsOfWheelsAndSdistsInDeps() throws IOException {
		Files.writeString(this.deps.resolve("Flask_Login-0.6.3-py3-none-any.whl"), "");
		Files.createDirectories(this.deps.resolve("bottle"));
		Files.writeString(this.deps.resolve("bottle/bottle-0.12.25.tar.gz"), "");
		Files.writeString(this.deps.resolve("README.txt"), "");

		assertThat(PipRunner.distributions(this.deps)).containsExactly("bottle", "flask-login");
		assertThat(PipRunner.findLinks(this.deps)).containsExactly("--find-links", this.deps.toString(), "--find-links",
				this.deps.resolve("bottle").toString());
	}

	@Test
	void turnsTheHostsPipSettingsIntoVariablesForAnAppsBuild() {
		String output = String.join("\n", "global.constraint='/etc/xdg/pip/constraints.txt'",
				"global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'",
				"global.find-links='/opt/wheels'", "install.no-binary=':none:'", "user.weird=x", "");

		assertThat(PipRunner.settings(output)).containsEntry("PIP_CONSTRAINT", "/etc/xdg/pip/constraints.txt")
			.containsEntry("PIP_EXTRA_INDEX_URL", "file:///opt/pypi/simple file:///opt/pypi-more/simple")
			.containsEntry("PIP_FIND_LINKS", "/opt/wheels")
			.containsEntry("PIP_NO_BINARY", ":none:")
			.hasSize(4);
	}

	@Test
	void normalisesRequirementNames() {
		assertThat(PipRunner.projectName("Flask_Login>=0.6 ; python_version>'3.8'")).isEqualTo("flask-login");
		assertThat(PipRunner.projectName("zope.interface[test]==6.0")).isEqualTo("zope-interface");
	}

	@Test // GH-13 (13)
	void anIndexUrlWithCredentialsReachesPipThroughItsEnvironmentAndIsNeverShown() {
		String index = "https://deploy:s3cr3t-token@mirror.example/simple";
		NodeShell shell = mock(NodeShell.class);
		given(shell.exec(any())).willAnswer((call) -> {
			ExecRequest request = call.getArgument(0);
			// pip echoes the URL now and then; the runner must not pass that on either
			request.lines().accept("Looking in indexes: " + index);
			return new ExecResult(0, "", false);
		});
		PipRunner runner = new PipRunner(shell, properties(index));
		List<String> arguments = new ArrayList<>(runner.indexArguments());
		arguments.add("flask");
		List<String> output = new ArrayList<>();

		runner.install(Path.of("/venv/bin/python"), new PythonInterpreter(Path.of("/usr/bin/python3"), "3.11", null),
				arguments, output::add);

		ArgumentCaptor<ExecRequest> request = ArgumentCaptor.forClass(ExecRequest.class);
		verify(shell).exec(request.capture());
		assertThat(String.join(" ", request.getValue().command())).doesNotContain("s3cr3t").doesNotContain("mirror");
		assertThat(request.getValue().environment()).containsEntry("PIP_INDEX_URL", index)
			.containsEntry("PIP_CONFIG_FILE", "/dev/null");
		assertThat(request.getValue().inheritEnvironment()).isFalse();
		assertThat(output).isNotEmpty().noneMatch((line) -> line.contains("s3cr3t"));
		assertThat(output).anyMatch((line) -> line.contains("https://***@mirror.example/simple"));
	}

	@Test // what a build backend starts is found on the app's PATH, not the server's
	void pipRunsWithTheVenvsBinThenTheSystemPath(@TempDir Path release) throws IOException {
		Path venv = Files.createDirectories(release.resolve("venv/bin")).getParent();
		Files.writeString(venv.resolve("pyvenv.cfg"), "home = /usr/bin\n");
		List<ExecRequest> runs = new ArrayList<>();
		PipRunner runner = new PipRunner(shell(runs, HOST_CONFIG), properties("pip"),
				Map.of("PATH", "/root/.cargo/bin:/usr/bin"));

		runner.install(venv.resolve("bin/python"), INTERPRETER, List.of("flask"), (line) -> {
		});
		runner.install(Path.of("/srv/target/python"), INTERPRETER, List.of("flask"), (line) -> {
		});

		assertThat(runs.stream().filter((run) -> run.command().contains("install")).toList())
			.extracting((run) -> run.environment().get("PATH"))
			.containsExactly(venv.resolve("bin") + ":" + SystemPath.STANDARD, SystemPath.STANDARD);
	}

	@Test // trial: pip's 5 retries to an unreachable pypi.org cost about a minute a build
	void boundsRetriesAndTimeoutWhenTheOperatorSetNeither() {
		List<ExecRequest> runs = new ArrayList<>();
		PipRunner runner = new PipRunner(shell(runs, HOST_CONFIG), properties("pip"), Map.of());
		List<String> output = new ArrayList<>();

		runner.install(VENV_PYTHON, INTERPRETER, List.of("flask"), output::add);

		assertThat(install(runs).command()).containsSubsequence("install", "--retries", "2", "--timeout", "10",
				"flask");
		// the operator's configuration is what pip reads: nothing of it is overridden
		assertThat(install(runs).environment()).doesNotContainKeys("PIP_RETRIES", "PIP_INDEX_URL", "PIP_CONFIG_FILE");
		assertThat(output).contains("$ pip install --retries 2 --timeout 10 flask (index https://pypi.org/simple, "
				+ "pip's default; extra index file:///opt/pypi/simple; find-links /opt/wheels; "
				+ "from the host's pip configuration)");
	}

	@Test
	void keepsTheOperatorsRetriesAndTimeoutFromPipConfOrPipVariables() {
		List<ExecRequest> runs = new ArrayList<>();
		PipRunner runner = new PipRunner(shell(runs, HOST_CONFIG + "install.retries='7'\n"), properties("pip"),
				Map.of("PIP_DEFAULT_TIMEOUT", "180", "PIP_INDEX_URL", "https://mirror.example/simple"));
		List<String> output = new ArrayList<>();

		runner.install(VENV_PYTHON, INTERPRETER, List.of("flask"), output::add);

		assertThat(install(runs).command()).doesNotContain("--retries", "--timeout");
		assertThat(output).first(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.startsWith("$ pip install flask (index https://mirror.example/simple; extra index");
	}

	@Test
	void addsNoNetworkOptionsWhenPipReachesNoIndex() {
		List<ExecRequest> runs = new ArrayList<>();
		PipRunner runner = new PipRunner(shell(runs, HOST_CONFIG), properties("pip"), Map.of());
		List<String> output = new ArrayList<>();

		runner.install(VENV_PYTHON, INTERPRETER, List.of("--isolated", "--no-index", "--find-links", "/d", "flask"),
				output::add);

		assertThat(install(runs).command()).doesNotContain("--retries", "--timeout");
		assertThat(output).containsExactly("$ pip install --isolated --no-index --find-links /d flask");
	}

	@Test
	void appliesTheServersBoundsToItsOwnIndexUrl() {
		List<ExecRequest> runs = new ArrayList<>();
		PipRunner runner = new PipRunner(shell(runs, HOST_CONFIG), new PythonProperties(List.of(),
				"https://mirror.example/simple", Duration.ofMinutes(10), false, 0, Duration.ofSeconds(5), true),
				Map.of("PIP_RETRIES", "9"));
		List<String> output = new ArrayList<>();

		runner.install(VENV_PYTHON, INTERPRETER, List.of("flask"), output::add);

		// no pip configuration of the host applies to the server's own
		// index (PIP_CONFIG_FILE)
		assertThat(install(runs).command()).containsSubsequence("--retries", "0", "--timeout", "5", "flask");
		assertThat(output)
			.contains("$ pip install --retries 0 --timeout 5 flask (index https://mirror.example/simple)");
	}

	private static final Path VENV_PYTHON = Path.of("/venv/bin/python");

	private static final PythonInterpreter INTERPRETER = new PythonInterpreter(Path.of("/usr/bin/python3"), "3.11",
			null);

	private static final String HOST_CONFIG = "global.extra-index-url='file:///opt/pypi/simple'\n"
			+ "global.find-links='/opt/wheels'\n";

	private static PythonProperties properties(String index) {
		return new PythonProperties(List.of(), index, Duration.ofMinutes(10), false, 2, Duration.ofSeconds(10), true);
	}

	/** A shell whose {@code pip config list} prints the given settings. */
	private static NodeShell shell(List<ExecRequest> runs, String settings) {
		NodeShell shell = mock(NodeShell.class);
		given(shell.exec(any())).willAnswer((call) -> {
			ExecRequest request = call.getArgument(0);
			runs.add(request);
			return new ExecResult(0, request.command().contains("config") ? settings : "", false);
		});
		return shell;
	}

	private static ExecRequest install(List<ExecRequest> runs) {
		return runs.stream().filter((run) -> run.command().contains("install")).findFirst().orElseThrow();
	}

}
