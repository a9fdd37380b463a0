package dev.pyapp.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code logs}: query params, rendering, colours and following.
 */
class LogsCommandTests {

	private static final String RECORDS = """
			{"records": [
			  {"id": "r2", "time": "2024-05-01T11:59:00Z", "app": "guestbook", "level": "ERROR",
			   "logger": "guestbook.web", "message": "boom", "exception": "Traceback\\n  ValueError: x"},
			  {"id": "r1", "time": "2024-05-01T11:58:00.12Z", "app": "guestbook", "level": "WARNING",
			   "logger": "stderr", "message": "first line\\nsecond line"}
			], "next": "r1"}
			""";

	@TempDir
	Path directory;

	private FakeApiServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = new FakeApiServer();
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	private Map<String, String> env() {
		return Map.of("PYAPP_URL", this.server.url(), "PYAPP_TOKEN", FakeApiServer.TOKEN);
	}

	private CliRun pyapp(String... args) {
		return CliRun.run(env(), this.directory, args);
	}

	@Test
	void queryCarriesTheFiltersAndPrintsOldestFirst() {
		this.server.result("logs.query", RECORDS);
		CliRun run = pyapp("logs", "guestbook", "--level", "warn", "--grep", "boom", "--regex", "b.+m", "--since",
				"10m");
		assertThat(run.exitCode()).isZero();
		assertThat(this.server.params("logs.query").toString())
			.isEqualTo("{\"app\":\"guestbook\",\"level\":\"WARNING\",\"text\":\"boom\",\"regex\":\"b.+m\","
					+ "\"since\":\"2024-05-01T11:50:00Z\",\"limit\":100}");
		assertThat(run.out().lines().toList()).containsExactly(
				"2024-05-01T11:58:00.120Z WARNING  guestbook stderr: first line", "    second line",
				"2024-05-01T11:59:00.000Z ERROR    guestbook guestbook.web: boom", "    Traceback",
				"      ValueError: x");
	}

	@Test
	void sinceTakesAnIsoTimeAndEveryAppIsTheDefault() {
		this.server.result("logs.query", "{\"records\": []}");
		CliRun run = pyapp("logs", "--since", "2024-04-30T08:00:00+02:00", "-n", "5");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEmpty();
		assertThat(this.server.params("logs.query").toString())
			.isEqualTo("{\"since\":\"2024-04-30T06:00:00Z\",\"limit\":5}");
		assertThat(pyapp("logs", "--since", "yesterday").exitCode()).isEqualTo(2);
		assertThat(pyapp("logs", "--regex", "(").exitCode()).isEqualTo(2);
	}

	@Test
	void anAppWithNoRecordsThatIsNotInstalledIsAnError() {
		this.server.result("logs.query", "{\"records\": []}");
		this.server.error("apps.get", -32001, "no app named 'guestbok' is installed", null);
		CliRun run = pyapp("logs", "guestbok");
		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.out()).isEmpty();
		assertThat(run.err()).isEqualTo("error: no app named 'guestbok' is installed\n");
		assertThat(pyapp("logs", "guestbok", "--json").exitCode()).isEqualTo(1);
	}

	@Test
	void anInstalledAppWithNoRecordsPrintsNothing() {
		this.server.result("logs.query", "{\"records\": []}");
		this.server.result("apps.get", "{\"name\": \"guestbook\"}");
		CliRun run = pyapp("logs", "guestbook");
		assertThat(run.exitCode()).isZero();
		assertThat(run.out()).isEmpty();
		// records of the app (or of an app that is gone) need no look at the app
		this.server.result("logs.query", RECORDS);
		assertThat(pyapp("logs", "guestbook").exitCode()).isZero();
		assertThat(this.server.calls("apps.get")).hasSize(1);
	}

	@Test
	void jsonPrintsTheQueryResult() {
		this.server.result("logs.query", RECORDS);
		CliRun run = pyapp("logs", "--json");
		assertThat(run.out()).contains("\"next\" : \"r1\"").doesNotContain("WARNING  ");
	}

	@Test
	void levelsAreColouredOnlyOnATerminalWithoutNoColor() {
		this.server.result("logs.query", RECORDS);
		Clock clock = Clock.fixed(CliRun.NOW, ZoneOffset.UTC);
		CliRun terminal = CliRun.run(new PyappCli(env(), this.directory, true, clock), "logs");
		assertThat(terminal.out()).contains("\u001b[31mERROR\u001b[0m    guestbook")
			.contains("\u001b[33mWARNING\u001b[0m  guestbook");
		Map<String, String> noColor = new java.util.HashMap<>(env());
		noColor.put("NO_COLOR", "1");
		assertThat(CliRun.run(new PyappCli(noColor, this.directory, true, clock), "logs").out())
			.doesNotContain("\u001b");
		assertThat(CliRun.run(new PyappCli(env(), this.directory, false, clock), "logs").out())
			.doesNotContain("\u001b");
	}

	@Test
	void followLongPollsTailFromTheNewestRecordAndFiltersNewOnes() throws InterruptedException {
		this.server.result("logs.query", RECORDS);
		AtomicInteger tails = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(1);
		this.server.answer("logs.tail", (params) -> {
			if (tails.getAndIncrement() == 0) {
				return this.server.rpcResult("""
						{"records": [
						  {"id": "r3", "time": "2024-05-01T12:00:01Z", "app": "guestbook", "level": "DEBUG",
						   "logger": "x", "message": "quiet"},
						  {"id": "r4", "time": "2024-05-01T12:00:02.123456Z", "app": "guestbook", "level": "ERROR",
						   "logger": "x", "message": "loud"}
						], "cursor": "r4"}
						""");
			}
			try {
				// a long poll with nothing new
				done.await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return this.server.rpcResult("{\"records\": [], \"cursor\": \"r4\"}");
		});
		StringWriter out = new StringWriter();
		CommandLine commandLine = PyappCli
			.commandLine(new PyappCli(env(), this.directory, false, Clock.fixed(CliRun.NOW, ZoneOffset.UTC)));
		commandLine.setOut(new PrintWriter(out, true));
		commandLine.setErr(new PrintWriter(new StringWriter(), true));
		int[] exitCode = { -1 };
		Thread follower = new Thread(
				() -> exitCode[0] = commandLine.execute("logs", "guestbook", "-f", "--level", "INFO"));
		follower.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> tails.get() >= 2);
			// GH-15: the same format as the query's records, whatever precision the
			// tail has
			assertThat(out.toString()).contains("2024-05-01T12:00:02.123Z ERROR    guestbook x: loud")
				.contains("2024-05-01T11:59:00.000Z ERROR")
				.doesNotContain("quiet");
			assertThat(this.server.calls("logs.tail")).extracting((call) -> call.params().toString())
				.containsExactly("{\"app\":\"guestbook\",\"after\":\"r2\"}",
						"{\"app\":\"guestbook\",\"after\":\"r4\"}");
		}
		finally {
			follower.interrupt();
			follower.join(10_000);
			done.countDown();
		}
		assertThat(follower.isAlive()).isFalse();
		assertThat(exitCode[0]).isZero();
	}

}
