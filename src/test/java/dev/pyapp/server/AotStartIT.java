package dev.pyapp.server;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar started the way {@code scripts/server-java.sh} starts it
 * ({@code -Dspring.aot.enabled=true}): from the bean definitions computed at build time,
 * and the regular way when a setting might decide which beans exist
 * ({@link AotStartGuard}). Both answer the API.
 */
@Tag("process")
class AotStartIT {

	private static final Path JAR = Path.of("target/pyapp-server.jar").toAbsolutePath();

	@TempDir
	Path home;

	@Test
	void startsFromTheBeanDefinitionsComputedAtBuildTime() throws Exception {
		String log = startAndAskServerInfo();
		assertThat(log).contains("Starting AOT-processed PyappServerApplication").doesNotContain("Regular start");
	}

	@Test
	void startsTheRegularWayWhenASettingMayDecideOnBeans() throws Exception {
		String log = startAndAskServerInfo("--spring.mail.host=127.0.0.1");
		assertThat(log).contains(
				"Regular start instead of the ahead-of-time one: 'spring.mail.host' is set and may decide which beans exist")
			.doesNotContain("Starting AOT-processed");
	}

	/** Starts the jar, waits for an answered server.info, stops it; returns its log. */
	private String startAndAskServerInfo(String... arguments) throws Exception {
		assertThat(JAR).as("built by the package phase").isRegularFile();
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path log = this.home.resolve("server.log");
		List<String> command = new ArrayList<>(
				List.of(javaCommand(), "-XX:TieredStopAtLevel=1", "-Dspring.aot.enabled=true", "-jar", JAR.toString(),
						"--server.port=" + port, "--pyapp.webserver.managed=false", "--pyapp.python.provision=false"));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("PYAPP_HOME", this.home.resolve("home").toString());
		Process server = builder.start();
		try {
			HttpClient client = HttpClient.newHttpClient();
			Path token = this.home.resolve("home/api-token");
			// the token is written before the web server listens: refused connections
			// until then
			await().atMost(Duration.ofMinutes(3))
				.pollInterval(Duration.ofMillis(200))
				.ignoreExceptionsInstanceOf(IOException.class)
				.untilAsserted(() -> {
					assertThat(server.isAlive()).as(() -> read(log)).isTrue();
					assertThat(token).isRegularFile();
					HttpResponse<String> answer = client
						.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/rpc"))
							.header("Content-Type", "application/json")
							.header("Authorization", "Bearer " + Files.readString(token).strip())
							.POST(HttpRequest.BodyPublishers
								.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"server.info\",\"id\":1}"))
							.build(), HttpResponse.BodyHandlers.ofString());
					assertThat(answer.statusCode()).isEqualTo(200);
					assertThat(answer.body()).contains("\"result\"").contains(this.home.resolve("home").toString());
				});
		}
		finally {
			server.destroy();
			if (!server.waitFor(60, TimeUnit.SECONDS)) {
				server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			}
		}
		return read(log);
	}

	private static String javaCommand() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static String read(Path log) {
		try {
			return Files.readString(log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

}
