package dev.pyapp.server.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The UI's scripts against their contract with the server, in Node without a browser
 * ({@code src/test/js/*.test.mjs}, {@code node:test}): the pages' modules run on a small
 * fake page whose JSON-RPC answers each test gives in the order it wants, so a race
 * between two answers is played out the same way every time. Needs {@code node} (Debian
 * package nodejs, {@code scripts/packages.sh test}); it is not skipped without it.
 */
// it starts a process (node), not a browser
@Tag("process")
class UiScriptsIT {

	private static final Path SCRIPTS = Path.of("src", "test", "js");

	@Test
	void scriptsKeepTheirContract() throws Exception {
		List<String> command = new ArrayList<>(List.of("node", "--test"));
		try (Stream<Path> files = Files.list(SCRIPTS)) {
			files.filter((file) -> file.getFileName().toString().endsWith(".test.mjs"))
				.sorted()
				.forEach((file) -> command.add(file.toString()));
		}
		assertThat(command).hasSizeGreaterThan(2);
		Path output = Files.createTempFile("node-test", ".txt");
		try {
			Process node;
			try {
				node = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
			}
			catch (IOException ex) {
				throw new AssertionError(
						"node is missing: install the Debian package nodejs (scripts/packages.sh test)", ex);
			}
			boolean ended = node.waitFor(120, TimeUnit.SECONDS);
			if (!ended) {
				node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			String report = Files.readString(output, StandardCharsets.UTF_8);
			assertThat(ended).as("node --test ended within 120 s:%n%s", report).isTrue();
			assertThat(node.exitValue()).as("node --test:%n%s", report).isZero();
			assertThat(report).contains("# fail 0");
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

}
