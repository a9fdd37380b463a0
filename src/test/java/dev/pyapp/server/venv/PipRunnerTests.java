package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.NodeShell;

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
		PipRunner runner = new PipRunner(shell, new PythonProperties(List.of(), index, Duration.ofMinutes(10), false));
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

}
