package dev.pyapp.server.nodes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.nodes.internal.BoundedLines;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The output of a command an app controls (a hook, a task, {@code apps.run}, a build) is
 * held in bounded pieces: one line of any length without a newline never becomes one
 * string in the server's memory.
 */
class ProcessOutputTests {

	@Test // an app's process never sees the server's PATH (~/.cargo/bin, pyenv's shims)
	void aRequestThatDoesNotInheritGetsTheSystemPathUnlessItSetsOne() {
		ExecRequest bare = ExecRequest.of("true").withEnvironment(Map.of("A", "1"), false);
		assertThat(ProcessRunner.environment(bare)).containsEntry("PATH", SystemPath.STANDARD)
			.containsEntry("A", "1")
			.doesNotContainKey("JAVA_HOME");
		ExecRequest own = ExecRequest.of("true").withEnvironment(Map.of("PATH", "/venv/bin:/usr/bin"), false);
		assertThat(ProcessRunner.environment(own)).containsEntry("PATH", "/venv/bin:/usr/bin");
		// the server's own commands keep its environment
		assertThat(ProcessRunner.environment(ExecRequest.of("true"))).containsEntry("PATH", System.getenv("PATH"));
	}

	@Test
	void aLineWithoutEndComesInBoundedPieces() {
		List<Integer> lengths = new ArrayList<>();
		List<String> command = List.of("sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' x; printf '\\r\\nend\\r\\n'");
		ExecResult result = ProcessRunner.exec(ExecRequest.of(command)
			.withTimeout(Duration.ofSeconds(60))
			.withLines((line) -> lengths.add(line.length())), command);

		assertThat(result.exitCode()).isZero();
		assertThat(lengths).allSatisfy((length) -> assertThat(length).isLessThanOrEqualTo(BoundedLines.MAX_LINE));
		assertThat(lengths.stream().mapToLong(Integer::longValue).sum()).isEqualTo(5000000L + 3);
		assertThat(lengths.get(lengths.size() - 1)).isEqualTo(3);
		assertThat(result.output().length()).isLessThanOrEqualTo(ProcessRunner.MAX_OUTPUT + BoundedLines.MAX_LINE);
		assertThat(result.output()).endsWith("x\nend\n");
	}

}
