package dev.pyapp.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code scripts/server-java.sh}, which {@code scripts/run.sh}, the container's entry
 * point and {@code bench/server.sh} start the server with: the server starts from its
 * class-data-sharing archive only when the archive fits the jar and the JVM, and never
 * from a stale, truncated or foreign one (a JVM maps a truncated archive and dies of
 * SIGBUS); {@code cds_refresh} trains again what no longer fits.
 */
@Tag("process")
class ServerLaunchScriptsIT {

	private static final Path SCRIPT = Path.of("scripts/server-java.sh").toAbsolutePath();

	@TempDir
	Path target;

	private Path jar;

	private Path extracted;

	private Path archive;

	@BeforeEach
	void buildOutput() throws IOException {
		this.jar = Files.write(this.target.resolve("pyapp-server.jar"), new byte[] { 1 });
		Path server = Files.createDirectories(this.target.resolve("server"));
		this.extracted = Files.write(server.resolve("pyapp-server.jar"), new byte[] { 2 });
		this.archive = Files.write(server.resolve("pyapp-server.jsa"), new byte[8192]);
		Files.setLastModifiedTime(this.jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
	}

	@Test
	void startsTheExtractedJarWithItsArchiveWhenTheArchiveFitsTheJarAndTheJvm() throws Exception {
		stamp();
		List<String> command = serverJava("auto", Map.of());
		assertThat(command).contains("-XX:SharedArchiveFile=" + this.archive.toRealPath());
		assertThat(command).endsWith("-jar", this.extracted.toRealPath().toString());
		assertThat(command).contains("-Xmx512m", "-XX:G1PeriodicGCInterval=15000", "-XX:MaxMetaspaceSize=256m",
				"-XX:TieredStopAtLevel=1");
	}

	@Test
	void startsTheJarItselfWhenTheArchiveIsOlderThanTheJar() throws Exception {
		stamp();
		Files.setLastModifiedTime(this.jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
		assertStartsTheJarItself();
	}

	@Test
	void startsTheJarItselfWhenTheArchiveWasTruncated() throws Exception {
		stamp();
		FileTime written = Files.getLastModifiedTime(this.archive);
		Files.write(this.archive, new byte[4096]);
		Files.setLastModifiedTime(this.archive, written);
		assertStartsTheJarItself();
	}

	@Test
	void startsTheJarItselfWhenAnotherJvmWroteTheArchive() throws Exception {
		stamp();
		List<String> lines = Files.readAllLines(stampFile());
		lines.set(0, "/opt/another-jdk/bin/java");
		Files.write(stampFile(), lines);
		assertStartsTheJarItself();
	}

	@Test
	void startsTheJarItselfWhenTheArchiveWasNeverCompleted() throws Exception {
		// scripts/cds.sh writes the stamp only once the archive is complete
		assertStartsTheJarItself();
	}

	@Test
	void startsTheJarItselfWithoutTheArchiveWhenAskedTo() throws Exception {
		stamp();
		assertThat(serverJava("off", Map.of())).endsWith("-jar", this.jar.toRealPath().toString())
			.noneMatch((option) -> option.startsWith("-XX:SharedArchiveFile"));
	}

	@Test
	void javaOptsComeLastSoTheyOverrideTheSettings() throws Exception {
		List<String> command = serverJava("off", Map.of("JAVA_OPTS", "-Xmx1g -XX:+UseSerialGC"));
		assertThat(command.subList(command.size() - 4, command.size())).containsExactly("-Xmx1g", "-XX:+UseSerialGC",
				"-jar", this.jar.toRealPath().toString());
	}

	@Test
	void refreshTrainsWhatNoLongerFitsAndKeepsWhatDoes() throws Exception {
		Path scripts = fakeCdsScript(0);
		Files.write(this.target.resolve("pyapp-cli.jar"), new byte[] { 3 });
		Result stale = bash(scripts, "cds_refresh \"$1\"", Map.of());
		assertThat(stale.exitCode()).isZero();
		assertThat(Files.readAllLines(scripts.resolve("calls"))).containsExactly("server " + this.target.toRealPath(),
				"cli " + this.target.toRealPath());

		Files.delete(scripts.resolve("calls"));
		stamp();
		Path cliArchive = Files.write(this.target.resolve("pyapp-cli.jsa"), new byte[4096]);
		Files.setLastModifiedTime(this.target.resolve("pyapp-cli.jar"),
				FileTime.fromMillis(System.currentTimeMillis() - 60_000));
		bash(SCRIPT.getParent(), "cds_stamp \"$(server_java_command)\" \"$2\" > \"$2.jvm\"", Map.of(),
				cliArchive.toString());
		assertThat(bash(scripts, "cds_refresh \"$1\"", Map.of()).exitCode()).isZero();
		assertThat(scripts.resolve("calls")).doesNotExist();
	}

	@Test
	void refreshThatFailsLeavesTheServerToStartWithoutTheArchive() throws Exception {
		Path scripts = fakeCdsScript(1);
		Result failed = bash(scripts, "cds_refresh \"$1\" && server_java auto \"$1\" && echo \"${SERVER_JAVA[@]}\"",
				Map.of());
		assertThat(failed.exitCode()).isZero();
		assertThat(failed.output()).contains("the server starts without the archive")
			.contains("-jar " + this.jar.toRealPath());
	}

	private void assertStartsTheJarItself() throws Exception {
		assertThat(serverJava("auto", Map.of())).endsWith("-jar", this.jar.toRealPath().toString())
			.noneMatch((option) -> option.startsWith("-XX:SharedArchiveFile"));
	}

	/** What scripts/cds.sh writes beside an archive it completed. */
	private void stamp() throws Exception {
		Result result = bash(SCRIPT.getParent(), "cds_stamp \"$(server_java_command)\" \"$2\" > \"$2.jvm\"", Map.of(),
				this.archive.toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
	}

	private Path stampFile() {
		return this.archive.resolveSibling("pyapp-server.jsa.jvm");
	}

	/** A copy of scripts/server-java.sh beside a cds.sh that records its calls. */
	private Path fakeCdsScript(int exitCode) throws IOException {
		Path scripts = Files.createDirectories(this.target.resolve("scripts"));
		Files.copy(SCRIPT, scripts.resolve("server-java.sh"));
		Files.writeString(scripts.resolve("cds.sh"),
				"echo \"$1 $2\" >> \"$(dirname \"$0\")/calls\"\nexit " + exitCode + "\n");
		return scripts;
	}

	private List<String> serverJava(String cds, Map<String, String> env) throws Exception {
		Result result = bash(SCRIPT.getParent(), "server_java \"$2\" \"$1\" && printf '%s\\n' \"${SERVER_JAVA[@]}\"",
				env, cds);
		assertThat(result.exitCode()).as(result.output()).isZero();
		return result.output().lines().toList();
	}

	/** Runs {@code source server-java.sh; SNIPPET} with $1 = the target directory. */
	private Result bash(Path scripts, String snippet, Map<String, String> env, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("bash", "-c",
				"set -euo pipefail; source \"" + scripts.resolve("server-java.sh") + "\"; " + snippet, "bash",
				this.target.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().remove("JAVA_OPTS");
		builder.environment().putAll(env);
		Process process = builder.start();
		try {
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS)).isTrue();
			return new Result(process.exitValue(), output);
		}
		finally {
			process.destroyForcibly();
		}
	}

	private record Result(int exitCode, String output) {
	}

}
