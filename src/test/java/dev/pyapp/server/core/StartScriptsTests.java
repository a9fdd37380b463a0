package dev.pyapp.server.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM cannot set its umask: every way of starting the server sets 077 first (GH-13,
 * item 4).
 */
class StartScriptsTests {

	@Test // GH-13 (4)
	void runShSetsUmask077BeforeStartingTheJvm() throws IOException {
		String script = Files.readString(Path.of("scripts/run.sh"));
		assertThat(script).contains("\numask 077\n");
		assertThat(script.indexOf("\numask 077\n")).isLessThan(script.indexOf("exec java"));
	}

	@Test // GH-13 (4)
	void theContainerStartsTheJvmWithUmask077() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		assertThat(dockerfile).containsPattern("ENTRYPOINT \\[.*umask 077 && exec java");
	}

}
