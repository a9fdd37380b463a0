package dev.pyapp.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bin/pyapp} as an operator runs it: the launcher finds the jars the build wrote
 * ({@code target/pyapp-cli.jar}, {@code target/pyapp-server.jar}), starts the CLI without
 * Spring and talks to a real server.
 */
@Tag("process")
// the context closes before the class's temporary home is deleted: the server writes
// there until it stops
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pyapp.storage.persistent=false")
class PyappLauncherIT {

	private static final Path launcher = Path.of("bin/pyapp").toAbsolutePath();

	@TempDir
	static Path home;

	@TempDir
	Path workingDirectory;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void home(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", () -> home.toString());
	}

	@Test
	void runsTheThinJarAgainstTheServer() throws Exception {
		assertThat(Path.of("target/pyapp-cli.jar")).as("built by the package phase").isRegularFile();
		Result help = run(Map.of(), launcher.toString(), "--help");
		assertThat(help.exitCode()).isZero();
		assertThat(help.output()).contains("Usage: pyapp").contains("install");
		Result info = run(env(), launcher.toString(), "info");
		assertThat(info.exitCode()).as(info.output()).isZero();
		assertThat(info.output()).contains("home:").contains(home.toString());
		Result missing = run(env(), launcher.toString(), "apps", "show", "nope");
		assertThat(missing.exitCode()).isEqualTo(1);
		assertThat(missing.output()).startsWith("error: ").contains("nope").doesNotContain("\tat ");
		assertThat(run(env(), launcher.toString(), "apps", "show").exitCode()).isEqualTo(2);
	}

	@Test
	void runsTheServerJarWithoutStartingSpring() throws Exception {
		Result info = run(Map.of("PYAPP_JAR", Path.of("target/pyapp-server.jar").toAbsolutePath().toString(),
				"PYAPP_HOME", home.toString()), launcher.toString(), "--url", url(), "apps", "list");
		assertThat(info.exitCode()).as(info.output()).isZero();
		assertThat(info.output()).isEqualTo("no apps installed\n");
	}

	@Test
	void startsFromTheClassDataSharingArchiveTheBuildTrained() throws Exception {
		Path archive = Path.of("target/pyapp-cli.jsa");
		assumeTrue(
				Files.isRegularFile(archive) && Files.getLastModifiedTime(archive)
					.compareTo(Files.getLastModifiedTime(Path.of("target/pyapp-cli.jar"))) > 0,
				"the archive is built (not -Dpyapp.cds.skip=true)");
		Result version = run(Map.of("PYAPP_JAVA_OPTS", "-Xlog:class+load"), launcher.toString(), "--version");
		assertThat(version.exitCode()).isZero();
		assertThat(version.output()).contains("dev.pyapp.server.cli.PyappCli source: shared objects file");
	}

	@Test
	void fallsBackQuietlyWhenTheArchiveIsStaleForeignOrBroken() throws Exception {
		Path jar = Path.of("target/pyapp-cli.jar");
		Path copy = Files.copy(jar, this.workingDirectory.resolve("pyapp-cli.jar"));
		Path archive = this.workingDirectory.resolve("pyapp-cli.jsa");
		Path jvm = this.workingDirectory.resolve("pyapp-cli.jsa.jvm");
		Map<String, String> env = Map.of("PYAPP_CLI_JAR", copy.toString(), "PYAPP_URL", url(), "PYAPP_HOME",
				home.toString());
		// none at all
		assertThat(run(env, launcher.toString(), "apps", "list").output()).isEqualTo("no apps installed\n");
		if (Files.isRegularFile(Path.of("target/pyapp-cli.jsa"))) {
			// written for the jar at another path: the JVM refuses it
			Files.copy(Path.of("target/pyapp-cli.jsa"), archive);
			Files.copy(Path.of("target/pyapp-cli.jsa.jvm"), jvm);
			assertThat(run(env, launcher.toString(), "apps", "list").output()).isEqualTo("no apps installed\n");
		}
		// not an archive, from "this JVM"
		Files.write(archive, new byte[4096]);
		if (!Files.exists(jvm)) {
			Files.writeString(jvm, "unknown\n");
		}
		assertThat(run(env, launcher.toString(), "apps", "list").output()).isEqualTo("no apps installed\n");
		// older than the jar
		Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(copy).toMillis() - 60_000));
		assertThat(run(env, launcher.toString(), "apps", "list").output()).isEqualTo("no apps installed\n");
	}

	@Test
	void saysHowToBuildWhenTheJarIsMissing() throws Exception {
		Path bin = Files.createDirectories(this.workingDirectory.resolve("checkout/bin"));
		Path copy = Files.copy(launcher, bin.resolve("pyapp"));
		assumeFalse(Files.exists(Path.of("/usr/share/pyapp")), "a packaged client is installed on this host");
		Result result = run(Map.of(), copy.toString(), "info");
		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.output()).contains("the client jar is missing").contains("./mvnw -q -DskipTests package");
		Result wrong = run(Map.of("PYAPP_CLI_JAR", "/nonexistent/pyapp-cli.jar"), copy.toString(), "info");
		assertThat(wrong.exitCode()).isEqualTo(1);
		assertThat(wrong.output()).contains("/nonexistent/pyapp-cli.jar does not exist");
	}

	private String url() {
		return "http://127.0.0.1:" + this.port + "/rpc";
	}

	private Map<String, String> env() {
		return Map.of("PYAPP_URL", url(), "PYAPP_HOME", home.toString());
	}

	private Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(this.workingDirectory.toFile())
			.redirectErrorStream(true);
		builder.environment().keySet().removeIf((name) -> name.startsWith("PYAPP_"));
		builder.environment().putAll(env);
		Process process = start(builder);
		try {
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS)).isTrue();
			return new Result(process.exitValue(), output);
		}
		finally {
			process.destroyForcibly();
		}
	}

	/**
	 * Starts a launcher copied just before: the exec can fail with ETXTBSY ("Text file
	 * busy") while a process another thread of this JVM forks meanwhile still holds the
	 * copy's descriptor open for writing (until its own exec closes it), as happened once
	 * in CI; it is started again until that passes, 10 s at most.
	 */
	private static Process start(ProcessBuilder builder) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				return builder.start();
			}
			catch (IOException ex) {
				if (!String.valueOf(ex.getMessage()).contains("error=26") || System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(50);
			}
		}
	}

	private record Result(int exitCode, String output) {
	}

}
