package dev.pyapp.server.hooks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.ExecRequest;
import dev.pyapp.server.nodes.ExecResult;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * SPEC §10 "Running a command in an app": {@code apps.run} returns {@code {exit_code,
 * output, truncated}} and each run is logged under the app with logger {@code pyapp.run};
 * the command and its timeout are bounded.
 */
class CommandRunnerTests {

	private static final Path SRC = Path.of("/srv/pyapp/apps/blog/releases/r1/src");

	private final NodeShell shell = mock(NodeShell.class);

	private final List<AppProcessLogged> logged = new ArrayList<>();

	private final CommandRunner runner = new CommandRunner(
			this.shell, new HooksProperties(Duration.ofMinutes(10), Duration.ofHours(1), "0", 20,
					Duration.ofMinutes(10), Duration.ofHours(1), DataSize.ofBytes(64)),
			(event) -> this.logged.add((AppProcessLogged) event));

	private final ProcessContext context = new ProcessContext(AppId.of("blog"), "r1", Path.of("/venv/bin/python"), SRC,
			Map.of("PATH", "/usr/bin:/bin"), Isolation.none());

	@Test
	void returnsExitCodeAndOutputAndLogsEachRunWithLoggerPyappRun() {
		answer(new ExecResult(3, "", false), "hello", "world");

		CommandResult result = this.runner.run(this.context, List.of("/bin/echo", "hello"), null);

		assertThat(result.exitCode()).isEqualTo(3);
		assertThat(result.output()).isEqualTo("hello\nworld\n");
		assertThat(result.truncated()).isFalse();
		assertThat(result.timedOut()).isFalse();
		assertThat(this.logged).isNotEmpty().allSatisfy((record) -> {
			assertThat(record.logger()).isEqualTo("pyapp.run");
			assertThat(record.app()).isEqualTo(AppId.of("blog"));
			assertThat(record.release()).isEqualTo("r1");
		});
		assertThat(this.logged).extracting(AppProcessLogged::message)
			.contains("hello", "world")
			.anySatisfy((message) -> assertThat(message).contains("/bin/echo hello").contains("exited with code 3"));
	}

	@Test // found in a trial: the password of `flask create-user alice --password x` was
			// logged
	void logsTheCommandWithoutTheValuesOfSecretOptions() {
		answer(new ExecResult(0, "", false), "Created user alice.");

		this.runner.run(this.context, List.of("/bin/echo", "create-user", "alice", "--password", "wonderland1"), null);

		assertThat(this.logged).extracting(AppProcessLogged::message)
			.noneSatisfy((message) -> assertThat(message).contains("wonderland1"))
			.contains("running /bin/echo create-user alice --password *** in r1");
	}

	@Test
	void runsInTheReleasesSrcWithTheDefaultTimeout() {
		ExecRequest[] seen = new ExecRequest[1];
		given(this.shell.exec(any())).willAnswer((invocation) -> {
			seen[0] = invocation.getArgument(0);
			return new ExecResult(0, "", false);
		});

		this.runner.run(this.context, List.of("/bin/true"), null);

		assertThat(seen[0].workingDirectory()).isEqualTo(SRC);
		assertThat(seen[0].timeout()).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void keepsTheEndOfALongOutputAndSaysItIsTruncated() {
		answer(new ExecResult(0, "", false), "first line of many", "x".repeat(40), "y".repeat(40), "last");

		CommandResult result = this.runner.run(this.context, List.of("/bin/cat"), null);

		assertThat(result.truncated()).isTrue();
		assertThat(result.output()).doesNotContain("first line").endsWith("last\n");
		assertThat(result.output().length()).isLessThanOrEqualTo(64);
	}

	@Test
	void aTimedOutRunSaysSo() {
		answer(new ExecResult(-1, "", true));

		CommandResult result = this.runner.run(this.context, List.of("/bin/sleep", "100"), Duration.ofSeconds(1));

		assertThat(result.timedOut()).isTrue();
		assertThat(this.logged).extracting(AppProcessLogged::level).contains("ERROR");
	}

	@Test
	void refusesAnEmptyCommandOrATimeoutOutOfBoundsWithInvalid() {
		assertInvalid(() -> this.runner.run(this.context, List.of(), null));
		assertInvalid(() -> this.runner.run(this.context, List.of(""), null));
		assertInvalid(() -> this.runner.run(this.context, List.of("/bin/true"), Duration.ZERO));
		assertInvalid(() -> this.runner.run(this.context, List.of("/bin/true"), Duration.ofHours(2)));
		assertInvalid(() -> this.runner.run(this.context, List.of("no-such-program-anywhere"), null));
		assertThat(this.logged).isEmpty();
	}

	private void assertInvalid(Runnable call) {
		assertThatExceptionOfType(PyappException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID));
	}

	private void answer(ExecResult result, String... lines) {
		given(this.shell.exec(any())).willAnswer((invocation) -> {
			ExecRequest request = invocation.getArgument(0);
			Consumer<String> consumer = request.lines();
			for (String line : lines) {
				consumer.accept(line);
			}
			return result;
		});
	}

}
