package dev.pyapp.server.venv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The one-line message of a failed pip run; the sandbox each step of a build runs in.
 */
class VenvBuilderTests {

	@Test // redteam: an app's sandbox shows it only its own shared distributions, and the
			// build's was made before they were installed: pip installed blinker again
			// into the environment for src/'s requirements
	void installsSrcInASandboxThatShowsTheSharedDistributionsJustInstalled(@TempDir Path release) throws IOException {
		Files.createDirectories(release.resolve("src"));
		Files.writeString(release.resolve("src/pyproject.toml"), "[project]\nname = \"pp\"\n");
		// what python -m venv makes
		Files.createDirectories(release.resolve("venv/lib/python3.11"));
		NodeShell shell = mock(NodeShell.class);
		given(shell.exec(any())).willReturn(new ExecResult(0, "", false));
		InterpreterFinder interpreters = mock(InterpreterFinder.class);
		given(interpreters.select(any(), any()))
			.willReturn(new PythonInterpreter(Path.of("/usr/bin/python3.11"), "3.11.2", null, "cpython", "cp311"));
		PipRunner pip = mock(PipRunner.class);
		given(pip.install(any(), any(), any(), any(), any())).willReturn(new ExecResult(0, "", false));
		ServerPackages packages = mock(ServerPackages.class);
		given(packages.directory()).willReturn(release.resolve("server-packages"));
		List<Isolation> views = new ArrayList<>();
		VenvRequest request = new VenvRequest(AppId.of("pp"), release, null,
				List.of(new VenvRequest.Requirement("blinker", true)), (line) -> {
				}, null, (interpreter) -> {
					// each a sandbox as the moment of the call shows server-packages/
					views.add(mock(Isolation.class));
					return views.get(views.size() - 1);
				});

		new VenvBuilder(shell, interpreters, pip, packages).build(request);

		assertThat(views).hasSize(2);
		verify(packages).installShared(eq("pp"), any(), eq(List.of("blinker")), any(), any(), same(views.get(0)));
		verify(pip).install(any(), any(), argThat((arguments) -> arguments.contains(release.resolve("src").toString())),
				any(), same(views.get(1)));
	}

	@Test // trial-dash: a missing dependency said only "installing dependencies failed"
	void aFailedPipRunNamesWhatPipCouldNotFind() {
		String output = """
				$ pip install dash-no-such-package>=1
				WARNING: Retrying (Retry(total=0)) after connection broken: /simple/dash-no-such-package/
				ERROR: Could not find a version that satisfies the requirement dash-no-such-package>=1 (from versions: none)
				ERROR: No matching distribution found for dash-no-such-package>=1
				""";
		assertThat(VenvBuilder.failure("installing dependencies failed", null, output))
			.isEqualTo("installing dependencies failed: No matching distribution found for dash-no-such-package>=1");
		assertThat(VenvBuilder.failure("installing dependencies failed", null, "Collecting x\nKilled\n"))
			.isEqualTo("installing dependencies failed");
	}

	@Test // trial-dash-pandas: a build stopped at its time bound said "(pip timed out)",
			// neither after how long nor which setting gives more
	void aPipRunStoppedAtItsTimeBoundNamesTheBoundAndItsSetting() {
		assertThat(VenvBuilder.failure("installing dependencies failed", Duration.ofMinutes(10), "Collecting pandas\n"))
			.isEqualTo("installing dependencies failed: pip did not finish within 10 min (pyapp.python.pip-timeout)");
		assertThat(VenvBuilder.failure("installing dependencies failed", Duration.ofSeconds(90), ""))
			.isEqualTo("installing dependencies failed: pip did not finish within 90 s (pyapp.python.pip-timeout)");
	}

	@Test
	void quotesALongPipErrorLineCutAtTheBound() {
		String message = VenvBuilder.failure("failed", null, "ERROR: " + "x".repeat(5000) + "\n");

		assertThat(message).hasSize("failed: ".length() + VenvBuilder.MAX_CAUSE + 1).endsWith("x…");
	}

}
