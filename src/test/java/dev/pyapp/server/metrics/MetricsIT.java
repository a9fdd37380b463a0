package dev.pyapp.server.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.pyapp.server.PyappServerApplication;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.venv.VenvBuilder;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics end to end: the example app installed and mounted in the managed nginx,
 * requests through nginx, {@code GET /metrics} parsed by the Prometheus client's own
 * parser (Python's {@code prometheus_client}), a crash restart, and {@code apps.metrics}
 * answered from the samples of a server run that has ended.
 */
@Tag("process")
@Tag("webserver")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {

	private static final Path GUESTBOOK = Path.of("examples", "dist", "guestbook.pyapp");

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private Path home;

	private ConfigurableApplicationContext context;

	private int port;

	private int webPort;

	private long firstRunSample;

	@BeforeAll
	void start() throws Exception {
		this.home = dev.pyapp.server.venv.ServerPackagesTemplate
			.copyInto(Files.createTempDirectory(Path.of("/tmp"), "pa"));
		this.webPort = freePort();
		this.context = startContext();
		this.context.getBean(VenvBuilder.class).awaitProvisioning(Duration.ofMinutes(3));
	}

	@AfterAll
	void stop() throws Exception {
		try {
			if (this.context != null) {
				call("apps.remove", Map.of("name", "guestbook"));
				call("servers.remove", Map.of("name", "metrics"));
				call("webserver.apply", Map.of());
				this.context.close();
			}
		}
		finally {
			killLeftovers();
			dev.pyapp.server.isolation.TestAccounts.deleteUnder(this.home);
			AtomicFiles.deleteTree(this.home);
		}
	}

	@Test
	@Order(1)
	void requestsThroughTheWebServerMoveTheCountersAndTheHistogram() throws Exception {
		String archive = mapper.readTree(upload(GUESTBOOK).body()).path("archive").asString();
		result("apps.install", Map.of("archive", archive));
		result("servers.add",
				Map.of("name", "metrics", "hostnames", List.of("localhost"), "listen", "127.0.0.1:" + this.webPort));
		result("mounts.add", Map.of("server", "metrics", "path", "/guestbook", "app", "guestbook"));
		result("webserver.apply", Map.of());
		double before = sample(scrape(), "pyapp_http_requests_total", "app", "guestbook", "status", "200");
		double countBefore = sample(scrape(), "pyapp_http_request_duration_seconds_count", "app", "guestbook");
		for (int i = 0; i < 5; i++) {
			assertThat(get("/guestbook/").statusCode()).isEqualTo(200);
		}
		assertThat(get("/guestbook/no-such-page").statusCode()).isEqualTo(404);
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			List<Sample> samples = scrape();
			assertThat(sample(samples, "pyapp_http_requests_total", "app", "guestbook", "status", "200"))
				.isGreaterThanOrEqualTo(before + 5);
			assertThat(sample(samples, "pyapp_http_requests_total", "app", "guestbook", "status", "404"))
				.isGreaterThanOrEqualTo(1);
			assertThat(sample(samples, "pyapp_http_request_duration_seconds_count", "app", "guestbook"))
				.isGreaterThanOrEqualTo(countBefore + 6);
			assertThat(sample(samples, "pyapp_http_request_duration_seconds_bucket", "app", "guestbook", "le", "+Inf"))
				.isGreaterThanOrEqualTo(countBefore + 6);
			assertThat(sample(samples, "pyapp_http_request_duration_seconds_sum", "app", "guestbook")).isGreaterThan(0);
		});
	}

	@Test
	@Order(2)
	void everySeriesIsThereForARunningAppAndTheJvmsToo() throws Exception {
		// the usage comes from the sampler (every 2 s) and the log records are counted as
		// they are ingested: both may still be on their way
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			List<Sample> samples = scrape();
			assertThat(sample(samples, "pyapp_app_up", "app", "guestbook")).isEqualTo(1);
			assertThat(sample(samples, "pyapp_app_restarts_total", "app", "guestbook")).isGreaterThanOrEqualTo(0);
			assertThat(sample(samples, "pyapp_app_cpu_seconds_total", "app", "guestbook")).isGreaterThan(0);
			assertThat(sample(samples, "pyapp_app_memory_bytes", "app", "guestbook")).isGreaterThan(1_000_000);
			assertThat(samples).anyMatch((s) -> s.name().equals("pyapp_log_records_total")
					&& "guestbook".equals(s.labels().get("app")) && s.value() > 0);
			assertThat(samples).anyMatch((s) -> s.name().startsWith("jvm_memory_used_bytes"));
		});
		assertThat(get(this.port, "/metrics", null).statusCode()).isEqualTo(401);
		HttpResponse<String> health = get(this.port, "/actuator/health", null);
		assertThat(health.statusCode()).isEqualTo(200);
		JsonNode status = mapper.readTree(health.body());
		assertThat(status.path("status").asString()).isEqualTo("UP");
		// no details: neither components nor what they found
		assertThat(status.propertyNames()).doesNotContain("components", "details");
		assertThat(get(this.port, "/actuator/prometheus", token()).body()).contains("pyapp_app_up{app=\"guestbook\"}");
	}

	@Test
	@Order(3)
	void aCrashRestartMovesTheRestartCounter() throws Exception {
		double before = sample(scrape(), "pyapp_app_restarts_total", "app", "guestbook");
		long pid = result("apps.get", Map.of("name", "guestbook")).path("process").path("pid").asLong();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			List<Sample> samples = scrape();
			assertThat(sample(samples, "pyapp_app_restarts_total", "app", "guestbook")).isEqualTo(before + 1);
			assertThat(sample(samples, "pyapp_app_up", "app", "guestbook")).isEqualTo(1);
		});
	}

	@Test
	@Order(4)
	void appsMetricsAnswersFromSamplesAcrossAServerRestart() throws Exception {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			JsonNode series = result("apps.metrics", Map.of("name", "guestbook", "since", "10m", "step", "2s"));
			assertThat(series.path("times").size()).isGreaterThanOrEqualTo(3);
			assertThat(nonNull(series.path("memory"))).isNotEmpty();
			assertThat(nonNull(series.path("requests").path("2xx"))).anyMatch((value) -> value > 0);
		});
		JsonNode before = result("apps.metrics", Map.of("name", "guestbook", "since", "10m", "step", "2s"));
		this.firstRunSample = before.path("times").get(0).asLong();
		this.context.close();
		this.context = startContext();
		JsonNode after = result("apps.metrics", Map.of("name", "guestbook", "since", "10m", "step", "2s"));
		List<Long> times = new ArrayList<>();
		after.path("times").forEach((time) -> times.add(time.asLong()));
		assertThat(times).contains(this.firstRunSample);
		assertThat(
				result("apps.metrics", Map.of("name", "guestbook", "since", "10m", "step", "2s")).path("memory").size())
			.isEqualTo(times.size());
	}

	private static List<Double> nonNull(JsonNode values) {
		List<Double> found = new ArrayList<>();
		values.forEach((value) -> {
			if (value.isNumber()) {
				found.add(value.asDouble());
			}
		});
		return found;
	}

	private ConfigurableApplicationContext startContext() {
		ConfigurableApplicationContext started = new SpringApplicationBuilder(PyappServerApplication.class).run(
				"--pyapp.home=" + this.home, "--pyapp.storage.persistent=true", "--server.port=0",
				"--pyapp.python.provision=true", "--pyapp.metrics.sample-interval=2s",
				"--pyapp.runtime.restart-backoff=100ms");
		this.port = ((WebServerApplicationContext) started).getWebServer().getPort();
		return started;
	}

	/** One sample as the Prometheus client's parser read it. */
	record Sample(String name, Map<String, String> labels, double value) {
	}

	/** {@code GET /metrics} parsed by {@code prometheus_client.parser}. */
	private List<Sample> scrape() throws Exception {
		HttpResponse<String> response = get(this.port, "/metrics", token());
		assertThat(response.statusCode()).isEqualTo(200);
		Process parser = new ProcessBuilder("/usr/bin/python3", "-c",
				"import sys, json\n" + "from prometheus_client.parser import text_string_to_metric_families\n"
						+ "print(json.dumps([[s.name, s.labels, s.value] for f in "
						+ "text_string_to_metric_families(sys.stdin.read()) for s in f.samples]))")
			.start();
		parser.getOutputStream().write(response.body().getBytes(StandardCharsets.UTF_8));
		parser.getOutputStream().close();
		String output = new String(parser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String errors = new String(parser.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(parser.waitFor()).as(errors).isZero();
		List<Sample> samples = new ArrayList<>();
		for (JsonNode sample : mapper.readTree(output)) {
			Map<String, String> labels = new java.util.TreeMap<>();
			sample.get(1).properties().forEach((entry) -> labels.put(entry.getKey(), entry.getValue().asString()));
			samples.add(new Sample(sample.get(0).asString(), labels, sample.get(2).asDouble()));
		}
		return samples;
	}

	private static double sample(List<Sample> samples, String name, String... labels) {
		return samples.stream()
			.filter((sample) -> sample.name().equals(name) && matches(sample, labels))
			.findFirst()
			.map(Sample::value)
			.orElse(0.0);
	}

	private static boolean matches(Sample sample, String... labels) {
		for (int i = 0; i < labels.length; i += 2) {
			if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
				return false;
			}
		}
		return true;
	}

	private HttpResponse<String> get(String path) throws Exception {
		return get(this.webPort, path, null);
	}

	private HttpResponse<String> get(int port, String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String token() throws IOException {
		return Files.readString(this.home.resolve("api-token")).trim();
	}

	private HttpResponse<String> upload(Path archive) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/archives"))
			.header("Authorization", "Bearer " + token())
			.header("Content-Type", "application/octet-stream")
			.POST(HttpRequest.BodyPublishers.ofFile(archive))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private JsonNode call(String method, Map<String, ?> params) throws Exception {
		String body = mapper.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
				.header("Authorization", "Bearer " + token())
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		return mapper.readTree(response.body());
	}

	private JsonNode result(String method, Map<String, ?> params) throws Exception {
		JsonNode reply = call(method, params);
		assertThat(reply.has("error")).as("%s: %s", method, reply).isFalse();
		return reply.path("result");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** The daemons and the managed web server outlive the server by design. */
	private void killLeftovers() throws IOException {
		if (!Files.isDirectory(this.home)) {
			return;
		}
		try (Stream<Path> files = Files.walk(this.home)) {
			for (Path pidFile : files.filter((file) -> file.toString().endsWith(".pid")).toList()) {
				try {
					long pid = Long.parseLong(Files.readString(pidFile).trim());
					ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
				}
				catch (IOException | NumberFormatException ex) {
					// gone already
				}
			}
		}
	}

}
