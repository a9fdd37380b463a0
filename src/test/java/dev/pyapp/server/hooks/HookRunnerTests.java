package dev.pyapp.server.hooks;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failing hook's error carries as {@code data.log}.
 */
class HookRunnerTests {

	@Test
	void keepsAShortOutputWhole() {
		assertThat(HookRunner.tail("migrating\nERROR flask_migrate: Error: Can't locate revision\n"))
			.isEqualTo("migrating\nERROR flask_migrate: Error: Can't locate revision");
	}

	@Test // GH-15: data.log held only the last two lines of a failing hook
	void keepsTheLast200LinesOfALongOneAndSaysWhereTheRestIs() {
		String output = IntStream.rangeClosed(1, 1000).mapToObj((i) -> "line " + i).collect(Collectors.joining("\n"));

		String tail = HookRunner.tail(output);

		assertThat(tail.lines().toList()).hasSize(201)
			.first()
			.isEqualTo("[... the whole output is in the app's log, logger pyapp.deploy]");
		assertThat(tail).contains("\nline 801\n").endsWith("\nline 1000");
	}

	@Test
	void boundsLongLines() {
		assertThat(HookRunner.tail("x".repeat(100_000))).hasSizeLessThan(HookRunner.LOG_CHARS + 100).endsWith("xxx");
	}

}
