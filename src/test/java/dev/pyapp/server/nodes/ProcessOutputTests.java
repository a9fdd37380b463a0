package dev.pyapp.server.nodes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.nodes.internal.BoundedLines;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The output of a command an app controls (a hook, a task, {@code apps.run}, a build) is
 * held in bounded pieces: one line of any length without a newline never becomes one
 * string in the server's memory.
 */
class ProcessOutputTests {

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
