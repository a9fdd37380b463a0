package dev.pyapp.server.logs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppLogSockets;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.deploy.DeployProgressed;
import dev.pyapp.server.install.AppRemoved;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.mongodb.MongoDatabaseFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole capture path with real Python processes running {@code logship}: socket
 * ingest, the stdout file tailer, the store and the JSON-RPC methods.
 */
@Tag("process")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LogCaptureIT {

	static final Path home = createHome();

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	ApplicationEventPublisher events;

	@Autowired
	MongoDatabaseFactory databases;

	@Autowired
	LogCollector collector;

	@Autowired
	AppLogSockets sockets;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
		registry.add("pyapp.logs.tail-interval", () -> "100ms");
	}

	private static Path createHome() {
		return TestHomes.create(Path.of("/tmp"), "pa");
	}

	@AfterAll
	static void deleteHome() {
		// the log sockets were given to the apps' users, which the server created
		dev.pyapp.server.isolation.TestAccounts.deleteUnder(home);
		AtomicFiles.deleteTree(home);
	}

	JsonNode rpc(String method, Map<String, Object> params) throws Exception {
		String token = Files.readString(home.resolve("api-token")).trim();
		String body = mapper.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		JsonNode response = mapper.readTree(this.http.send(request, HttpResponse.BodyHandlers.ofString()).body());
		assertThat(response.has("error")).as("error in %s", response).isFalse();
		return response.get("result");
	}

	List<JsonNode> query(Map<String, Object> params) throws Exception {
		return rpc("logs.query", params).get("records").valueStream().toList();
	}

	@Test
	void capturesEveryLevelExceptionsRequestPathsAndPrintedLines() throws Exception {
		this.sockets.listen(AppId.of("guestbook"));
		PythonLogger.Result result = PythonLogger.run(home, "guestbook", """
				import logging
				from pyapp_runtime import logship
				logship.install("worker")
				log = logging.getLogger("guestbook.web")
				log.debug("debug message")
				log.info("info message %s", 42)
				log.warning("warning message")
				log.error("error message")
				log.critical("critical message")
				token = _context.request_path.set("/entries/7")
				try:
				    1 / 0
				except ZeroDivisionError:
				    log.exception("could not divide")
				_context.request_path.reset(token)
				logging.getLogger("gunicorn.error").info("Booting worker")  # on gunicorn's stderr only
				print("hello from print", flush=True)
				""", Map.of());
		assertThat(result.exitCode()).as(result.stderr()).isZero();

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(query(Map.of("app", "guestbook"))).hasSize(7));
		List<JsonNode> records = query(Map.of("app", "guestbook"));
		assertThat(records).extracting((record) -> record.get("message").stringValue())
			.containsExactlyInAnyOrder("debug message", "info message 42", "warning message", "error message",
					"critical message", "could not divide", "hello from print");
		JsonNode failure = records.stream()
			.filter((record) -> record.get("message").stringValue().equals("could not divide"))
			.findFirst()
			.orElseThrow();
		assertThat(failure.get("level").stringValue()).isEqualTo("ERROR");
		assertThat(failure.get("logger").stringValue()).isEqualTo("guestbook.web");
		assertThat(failure.get("exception").stringValue()).startsWith("Traceback (most recent call last):")
			.contains("line 16, in <module>")
			.endsWith("ZeroDivisionError: division by zero");
		assertThat(failure.get("path").stringValue()).isEqualTo("/entries/7");
		assertThat(failure.get("pid").asLong()).isEqualTo(result.pid());
		assertThat(failure.get("thread").stringValue()).isEqualTo("MainThread");
		assertThat(failure.get("app").stringValue()).isEqualTo("guestbook");
		assertThat(failure.get("release").stringValue()).isEqualTo("1.0-20240101T000000Z");
		assertThat(Instant.parse(failure.get("time").stringValue())).isBetween(Instant.now().minusSeconds(60),
				Instant.now());
		assertThat(failure.get("id").stringValue()).isNotBlank();
		JsonNode printed = records.get(records.size() - 1).get("message").stringValue().equals("hello from print")
				? records.get(records.size() - 1)
				: records.stream()
					.filter((record) -> record.get("logger").stringValue().equals("stdout"))
					.findFirst()
					.orElseThrow();
		assertThat(printed.get("level").stringValue()).isEqualTo("INFO");
		assertThat(printed.get("logger").stringValue()).isEqualTo("stdout");
		assertThat(printed.get("path").isNull()).isTrue();

		assertThat(messages(Map.of("app", "guestbook", "level", "ERROR"))).containsExactly("could not divide",
				"critical message", "error message");
		// gunicorn's own records are read from its stderr, once (OutputFolderTests)
		assertThat(messages(Map.of("app", "guestbook", "logger", "gunicorn"))).isEmpty();
		assertThat(messages(Map.of("app", "guestbook", "text", "INFO MESSAGE"))).containsExactly("info message 42");
		assertThat(messages(Map.of("app", "guestbook", "regex", "Zero\\w+Error"))).containsExactly("could not divide");
		assertThat(messages(Map.of("app", "guestbook", "since", Instant.now().plusSeconds(60).toString()))).isEmpty();
		JsonNode page = rpc("logs.query", Map.of("app", "guestbook", "limit", 3));
		assertThat(page.get("records").size()).isEqualTo(3);
		assertThat(messages(Map.of("app", "guestbook", "before", page.get("next").stringValue()))).hasSize(4);
	}

	@Test
	void capturesTaskProcessesAndTheirUncaughtExceptions() throws Exception {
		this.sockets.listen(AppId.of("tasker"));
		PythonLogger.Result result = PythonLogger.run(home, "tasker", """
				import logging
				from pyapp_runtime import logship
				logship.install("task")
				logging.getLogger("tasker.tasks").info("purged 3 sessions")
				raise RuntimeError("task blew up")
				""", Map.of());
		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.stderr()).contains("RuntimeError: task blew up");

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(messages(Map.of("app", "tasker"))).contains("purged 3 sessions",
					"Uncaught exception"));
		JsonNode uncaught = query(Map.of("app", "tasker", "level", "CRITICAL")).get(0);
		assertThat(uncaught.get("exception").stringValue()).contains("RuntimeError: task blew up");
		assertThat(uncaught.get("pid").asLong()).isEqualTo(result.pid());
	}

	@Test
	void tailReturnsANewRecordWithinASecond() throws Exception {
		JsonNode start = rpc("logs.tail", Map.of("app", "tailed"));
		String cursor = start.get("cursor").stringValue();
		CompletableFuture<JsonNode> next = CompletableFuture
			.supplyAsync(() -> call("logs.tail", Map.of("app", "tailed", "after", cursor)));

		this.sockets.listen(AppId.of("tailed"));
		PythonLogger.Result result = PythonLogger.run(home, "tailed", """
				import logging, time
				from pyapp_runtime import logship
				logship.install("worker")
				logging.getLogger("tailed").warning("something new")
				logship.flush()
				""", Map.of());
		assertThat(result.exitCode()).as(result.stderr()).isZero();

		JsonNode tail = next.get();
		Instant received = Instant.now();
		assertThat(tail.get("records").size()).isEqualTo(1);
		JsonNode record = tail.get("records").get(0);
		assertThat(record.get("message").stringValue()).isEqualTo("something new");
		assertThat(Duration.between(Instant.parse(record.get("time").stringValue()), received))
			.isLessThan(Duration.ofSeconds(1));
		assertThat(tail.get("cursor").stringValue()).isEqualTo(record.get("id").stringValue());
	}

	@Test
	void storesDeploySteps() throws Exception {
		this.events.publishEvent(new DeployProgressed(AppId.of("deployed"), "2.0-20240101T000000Z", "venv", "INFO",
				"Installing bottle"));
		this.events
			.publishEvent(new DeployProgressed(AppId.of("deployed"), null, "health", "ERROR", "health check failed"));

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(messages(Map.of("app", "deployed", "logger", "pyapp.deploy")))
				.containsExactly("[health] health check failed", "[venv] Installing bottle"));
		assertThat(query(Map.of("app", "deployed", "level", "ERROR")).get(0).get("release").isNull()).isTrue();
	}

	@Test
	void aRemovedAppsRecordsDoNotShowUnderANewAppOfTheSameName() throws Exception {
		this.events.publishEvent(new DeployProgressed(AppId.of("reused"), null, "venv", "INFO", "first app"));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(messages(Map.of("app", "reused"))).containsExactly("[venv] first app"));

		// apps.remove without keep_data, then a new install of the same name
		this.events.publishEvent(new AppRemoved(AppId.of("reused"), false));
		this.events.publishEvent(new DeployProgressed(AppId.of("reused"), null, "venv", "INFO", "second app"));

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(messages(Map.of("app", "reused"))).containsExactly("[venv] second app"));
		assertThat(call("logs.tail", Map.of("app", "reused")).get("records")
			.valueStream()
			.map((record) -> record.get("message").stringValue())).containsExactly("[venv] second app");
	}

	@Test
	void losesNoRecordOfABurstAndKeepsLoggingCallsFast() throws Exception {
		this.sockets.listen(AppId.of("burst"));
		PythonLogger.Result result = PythonLogger.run(home, "burst",
				"""
						import json, logging, sys, time
						from pyapp_runtime import logship
						logship.install("worker")
						log = logging.getLogger("burst")
						latencies = []
						for i in range(50000):
						    start = time.perf_counter_ns()
						    log.info("burst record %d", i)
						    latencies.append(time.perf_counter_ns() - start)
						latencies.sort()
						handler = logship.install("worker")
						dropped = handler.shipper.dropped
						sys.stderr.write(json.dumps({"max_us": latencies[-1] / 1000, "p99_us": latencies[int(len(latencies) * 0.99)] / 1000,
						  "p999_us": latencies[int(len(latencies) * 0.999)] / 1000,
						    "mean_us": sum(latencies) / len(latencies) / 1000, "dropped": dropped}))
						""",
				Map.of());
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		JsonNode stats = mapper.readTree(result.stderr());
		long expected = 50_000 - stats.get("dropped").asLong();

		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.databases.getMongoDatabase()
				.getCollection("logs.burst")
				.countDocuments(new org.bson.Document("logger", "burst")) == expected);
		assertThat(expected).as("records dropped: %s", stats).isEqualTo(50_000);
		// a logging call only formats and appends to a queue (never I/O): p99 under 1 ms;
		// single calls may wait for the GIL (the sender's json.dumps) or for a CPU
		assertThat(stats.get("p99_us").asDouble()).as("%s", stats).isLessThan(1000);
		assertThat(stats.get("max_us").asDouble()).as("%s", stats).isLessThan(2_000_000);
		LoggerFactoryHolder.log("burst latency: " + stats + ", stats " + this.collector.stats());
	}

	private JsonNode call(String method, Map<String, Object> params) {
		try {
			return rpc(method, params);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private List<String> messages(Map<String, Object> params) throws Exception {
		return query(params).stream().map((record) -> record.get("message").stringValue()).toList();
	}

	/** Reports figures into the test's output file. */
	static final class LoggerFactoryHolder {

		private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(LogCaptureIT.class);

		static void log(String message) {
			logger.info(message);
		}

	}

}
