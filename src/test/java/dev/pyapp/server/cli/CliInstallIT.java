package dev.pyapp.server.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import dev.pyapp.server.TestHomes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example archive end to end through the CLI and the real server: install (upload,
 * {@code apps.install}, progress), list, show, remove. Once the runtime is in, the
 * install builds a venv and starts gunicorn, and {@code remove} stops it again.
 */
@Tag("process")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// the test reads the app over its socket with curl, in HTTP: gunicorn
		properties = { "pyapp.storage.persistent=false", "pyapp.runtime.server=gunicorn" })
class CliInstallIT {

	// short: app sockets live below it
	private static final Path home = createHome();

	private static final Path archive = Path.of("examples/dist/guestbook.pyapp").toAbsolutePath();

	@LocalServerPort
	int port;

	private static int lastPort;

	@DynamicPropertySource
	static void home(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
	}

	@AfterAll
	static void removeLeftovers() throws IOException {
		if (lastPort != 0 && Files.exists(home.resolve("apps/guestbook"))) {
			// stops the app's processes if the test failed half-way
			run(lastPort, "remove", "guestbook");
		}
		FileSystemUtils.deleteRecursively(home);
	}

	private static CliRun run(int port, String... args) {
		return CliRun.run(Map.of("PYAPP_URL", "http://127.0.0.1:" + port + "/rpc", "PYAPP_HOME", home.toString()),
				Path.of("").toAbsolutePath(), args);
	}

	private CliRun pyapp(String... args) {
		lastPort = this.port;
		return run(this.port, args);
	}

	@Test
	void installsListsShowsAndRemovesTheExampleApp() throws IOException {
		assertThat(archive).as("built by examples/build.py in generate-test-resources").isRegularFile();
		CliRun installed = pyapp("install", archive.toString());
		assertThat(installed.err()).isEmpty();
		assertThat(installed.exitCode()).isZero();
		assertThat(installed.out()).contains("installed guestbook 1.0.0 (");
		try (Stream<Path> uploads = Files.walk(home.resolve("tmp"))) {
			assertThat(uploads.filter(Files::isRegularFile).toList()).as("the upload is deleted").isEmpty();
		}

		CliRun listed = pyapp("apps", "list");
		assertThat(listed.exitCode()).isZero();
		assertThat(listed.out()).startsWith("NAME").contains("guestbook  1.0.0");

		CliRun shown = pyapp("apps", "show", "guestbook");
		assertThat(shown.exitCode()).isZero();
		assertThat(shown.out()).contains("name:").contains("releases:").containsPattern("1\\.0\\.0-\\d{8}T\\d{6}Z");

		// SPEC §2: the app reads PYAPP_CONFIG_FILE; a value set through the API
		// (config.set, here by the CLI) reaches the running app
		CliRun configured = pyapp("config", "set", "guestbook", "site.title=Changed through config.set");
		assertThat(configured.exitCode()).as(configured.err()).isZero();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(overSocket(home.resolve("apps/guestbook/run/app.sock"), "/config"))
				.contains("Changed through config.set"));

		runsACommandAndATerminalInTheDaemonsContext();
		rollsBackAndForthSayingWhichWayOnce();
		setsTheEnvironmentAndKeepsItWithTheDataForAReinstall();

		CliRun removed = pyapp("remove", "guestbook");
		assertThat(removed.err()).isEmpty();
		assertThat(removed.out()).isEqualTo("removed guestbook\n");
		assertThat(pyapp("apps", "list").out()).isEqualTo("no apps installed\n");
		assertThat(home.resolve("apps/guestbook")).doesNotExist();
		assertThat(pyapp("apps", "show", "guestbook").exitCode()).isEqualTo(1);
	}

	/**
	 * GH-15: {@code pyapp run} and {@code pyapp shell} see what the daemon sees: its
	 * environment (the database URL), {@code src/} as working directory, the venv's
	 * python first on PATH; the exit code is passed through and each run is logged.
	 */
	private void runsACommandAndATerminalInTheDaemonsContext() throws IOException {
		String release = Files.readSymbolicLink(home.resolve("apps/guestbook/current")).getFileName().toString();
		Path releaseDir = home.resolve("apps/guestbook/releases").resolve(release);
		CliRun ran = pyapp("run", "guestbook", "--", "python", "-c",
				"import os, sys; print(os.getcwd()); print(os.environ['PYAPP_DATABASE_MAIN_URL']); "
						+ "print(sys.executable); sys.exit(3)");
		assertThat(ran.exitCode()).as(ran.err()).isEqualTo(3);
		assertThat(ran.out().lines().toList()).containsExactly(releaseDir.resolve("src").toString(),
				"sqlite:///" + home.resolve("apps/guestbook/data/db/main.sqlite3"),
				releaseDir.resolve("venv/bin/python").toString());
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(pyapp("logs", "guestbook", "--grep", "exited with code 3").out())
				.contains("WARNING  guestbook pyapp.run: python -c import os"));

		// through bin/pyapp, which execs the command line the server hands out
		ProcessResult shell = binPyapp(null, "shell", "guestbook", "--", "python", "-c",
				"import os; print(os.environ['PYAPP_NAME'], os.getcwd())");
		assertThat(shell.exitCode()).as(shell.output()).isZero();
		assertThat(shell.output()).isEqualTo("guestbook " + releaseDir.resolve("src") + "\n");
		// interactive, on a terminal (script(1) gives it one): the default shell
		ProcessResult terminal = binPyapp("echo NAME=$PYAPP_NAME; tty >/dev/null && echo ON-A-TTY; exit 7\n", "script",
				"-qefc", Path.of("bin/pyapp").toAbsolutePath() + " shell guestbook", "/dev/null");
		assertThat(terminal.exitCode()).as(terminal.output()).isEqualTo(7);
		assertThat(terminal.output()).contains("[pyapp guestbook] src").contains("NAME=guestbook").contains("ON-A-TTY");
	}

	/**
	 * env-ops: {@code pyapp env set|unset} merge into the app's variables on the server
	 * ({@code apps.env.set {merge: true}}) and restart it; the audit log has the names
	 * only; {@code remove --keep-data} keeps them for the next install.
	 */
	private void setsTheEnvironmentAndKeepsItWithTheDataForAReinstall() throws IOException {
		CliRun set = pyapp("env", "set", "guestbook", "GREETING=hello", "API_TOKEN=s3cret-value");
		assertThat(set.exitCode()).as(set.err()).isZero();
		assertThat(set.out()).isEqualTo("set GREETING, API_TOKEN on guestbook\nguestbook restarted to use them\n");
		assertThat(pyapp("env", "set", "guestbook", "DEBUG=0").exitCode()).isZero();
		CliRun unset = pyapp("env", "unset", "guestbook", "DEBUG");
		assertThat(unset.out()).startsWith("unset DEBUG on guestbook\n");
		assertThat(pyapp("env", "guestbook").out()).isEqualTo("API_TOKEN=s3cret-value\nGREETING=hello\n");
		CliRun ran = pyapp("run", "guestbook", "--", "python", "-c",
				"import os; print(os.environ['GREETING'], os.environ.get('DEBUG'))");
		assertThat(ran.out()).as(ran.err()).isEqualTo("hello None\n");
		CliRun audit = pyapp("--json", "audit", "--method", "apps.env.set");
		assertThat(audit.out()).contains("\"API_TOKEN\" : \"***\"")
			.contains("\"merge\" : true")
			.doesNotContain("s3cret-value");

		CliRun removed = pyapp("remove", "guestbook", "--keep-data");
		assertThat(removed.out()).as(removed.err()).isEqualTo("removed guestbook (data kept)\n");
		assertThat(home.resolve("apps/guestbook/config/kept-env.json")).isRegularFile();
		CliRun reinstalled = pyapp("install", archive.toString());
		assertThat(reinstalled.exitCode()).as(reinstalled.err()).isZero();
		assertThat(pyapp("env", "guestbook").out()).isEqualTo("API_TOKEN=s3cret-value\nGREETING=hello\n");
		assertThat(home.resolve("apps/guestbook/config/kept-env.json")).doesNotExist();
		CliRun again = pyapp("run", "guestbook", "--", "python", "-c", "import os; print(os.environ['GREETING'])");
		assertThat(again.out()).as(again.err()).isEqualTo("hello\n");
	}

	/**
	 * leftovers: {@code pyapp rollback} printed its note twice (as progress and after the
	 * result), and said "the earlier code" when it went to a newer release.
	 */
	private void rollsBackAndForthSayingWhichWayOnce() throws IOException {
		String first = Files.readSymbolicLink(home.resolve("apps/guestbook/current")).getFileName().toString();
		Path newer = Files.createTempFile("guestbook-1.0.1", ".pyapp");
		try {
			withVersion(archive, newer, "1.0.1");
			CliRun upgraded = pyapp("install", newer.toString());
			assertThat(upgraded.exitCode()).as(upgraded.err()).isZero();
		}
		finally {
			Files.delete(newer);
		}
		String second = Files.readSymbolicLink(home.resolve("apps/guestbook/current")).getFileName().toString();

		CliRun back = pyapp("rollback", "guestbook");
		assertThat(back.exitCode()).as(back.err()).isZero();
		assertThat(back.out()).contains("rolled back guestbook to 1.0.0 (");
		assertThat(back.out().lines().filter((line) -> line.contains("is older than"))).as(back.out())
			.containsExactly("  release " + first + " is older than " + second
					+ ": a rollback returns to older code, not to older data: data/ and the databases stay as " + second
					+ " left them (migrations it ran are not reversed)");

		CliRun forth = pyapp("rollback", "guestbook", second);
		assertThat(forth.exitCode()).as(forth.err()).isZero();
		assertThat(forth.out()).contains("rolled back guestbook to 1.0.1 (").doesNotContain("older");
		assertThat(forth.out().lines().filter((line) -> line.contains("is newer than " + first))).as(forth.out())
			.hasSize(1);
	}

	/** A copy of an archive with another version in its {@code metadata.yaml}. */
	private static void withVersion(Path archive, Path copy, String version) throws IOException {
		try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive));
				ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
			for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
				byte[] content = in.readAllBytes();
				if (entry.getName().equals("metadata.yaml")) {
					content = new String(content, StandardCharsets.UTF_8)
						.replaceFirst("(?m)^version: .*$", "version: " + version)
						.getBytes(StandardCharsets.UTF_8);
				}
				out.putNextEntry(new ZipEntry(entry.getName()));
				out.write(content);
				out.closeEntry();
			}
		}
	}

	private ProcessResult binPyapp(String input, String... args) throws IOException {
		List<String> command = new java.util.ArrayList<>();
		if (!args[0].equals("script")) {
			command.add(Path.of("bin/pyapp").toAbsolutePath().toString());
		}
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("PYAPP_URL", "http://127.0.0.1:" + this.port + "/rpc");
		builder.environment().put("PYAPP_HOME", home.toString());
		Process process = builder.start();
		if (input != null) {
			process.getOutputStream().write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		process.getOutputStream().close();
		try {
			assertThat(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
			return new ProcessResult(process.exitValue(),
					new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			process.destroyForcibly();
		}
	}

	private record ProcessResult(int exitCode, String output) {
	}

	/** A GET on the app's own socket, as the web server sends it. */
	private static String overSocket(Path socket, String path) throws IOException, InterruptedException {
		Process curl = new ProcessBuilder("curl", "-s", "--max-time", "5", "--unix-socket", socket.toString(),
				"http://localhost" + path)
			.redirectErrorStream(true)
			.start();
		String body = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		curl.waitFor();
		return body;
	}

	private static Path createHome() {
		return dev.pyapp.server.venv.ServerPackagesTemplate.copyInto(TestHomes.create(Path.of("/tmp"), "pa"));
	}

}
