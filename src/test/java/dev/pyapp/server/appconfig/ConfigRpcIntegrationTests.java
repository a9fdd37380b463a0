package dev.pyapp.server.appconfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code config.spec}, {@code config.get}, {@code config.validate} and {@code config.set}
 * over real JSON-RPC, against a home with
 * {@code apps/guestbook/current/configuration.yaml}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConfigRpcIntegrationTests {

	private static final Path home = createHome();

	private static final Path app = home.resolve("apps/guestbook");

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper mapper;

	@Autowired
	ChangeRecorder changes;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
	}

	@BeforeEach
	void resetConfig() {
		AtomicFiles.deleteTree(app.resolve("config"));
		this.changes.events.clear();
	}

	@AfterAll
	static void deleteHome() {
		AtomicFiles.deleteTree(home);
	}

	@Test
	void specResolvesEveryWidget() throws Exception {
		JsonNode spec = result("config.spec", Map.of("name", "guestbook"));
		assertThat(spec.get("name").stringValue()).isEqualTo("guestbook");
		assertThat(spec.get("output").stringValue()).isEqualTo("yaml");
		JsonNode fields = spec.get("sections").get(0).get("fields");
		JsonNode title = fields.get(0);
		assertThat(title.get("name").stringValue()).isEqualTo("title");
		assertThat(title.get("widget").stringValue()).isEqualTo("text");
		assertThat(title.get("type").stringValue()).isEqualTo("string");
		assertThat(title.get("label").stringValue()).isEqualTo("Site title");
		assertThat(title.get("help").stringValue()).isEqualTo("Shown in the page header");
		assertThat(title.get("default").stringValue()).isEqualTo("My guestbook");
		assertThat(title.get("required").asBoolean()).isTrue();
		assertThat(title.get("validation").get("patterns").get(0).get("pattern").stringValue()).isEqualTo("^.{1,80}$");
		assertThat(title.get("validation").get("pattern").stringValue()).isEqualTo("^.{1,80}$");
		assertThat(title.get("template").stringValue()).isEqualTo("widgets/text :: widget");
		JsonNode entries = fields.get(1);
		assertThat(entries.get("type").stringValue()).isEqualTo("integer");
		assertThat(entries.get("validation").get("max").asInt()).isEqualTo(500);
		JsonNode theme = fields.get(3);
		assertThat(theme.get("validation").get("choices").toString()).isEqualTo("[\"light\",\"dark\"]");
		JsonNode port = spec.get("sections").get(1).get("fields").get(0);
		assertThat(port.get("widget").stringValue()).isEqualTo("port");
		assertThat(port.get("validation").get("max").asInt()).isEqualTo(65535);
	}

	@Test
	void getValidateAndSet() throws Exception {
		JsonNode values = result("config.get", Map.of("name", "guestbook")).get("values");
		assertThat(values.get("site").get("entries_per_page").asInt()).isEqualTo(20);
		assertThat(values.get("site").get("secret_key").toString()).isEqualTo("{\"set\":false}");
		assertThat(result("config.get", Map.of("name", "guestbook")).get("complete").asBoolean()).isFalse();

		Map<String, Object> bad = Map.of("name", "guestbook", "values",
				Map.of("site", Map.of("entries_per_page", 501, "admin_email", "nope", "secret_key", "s3cret-value")));
		JsonNode validation = result("config.validate", bad);
		assertThat(validation.get("valid").asBoolean()).isFalse();
		assertThat(validation.get("errors"))
			.extracting((error) -> error.get("path").stringValue() + ": " + error.get("message").stringValue())
			.containsExactly("site.entries_per_page: must be at most 500",
					"site.admin_email: not a valid e-mail address");
		JsonNode refused = call("config.set", bad).get("error");
		assertThat(refused.get("code").asInt()).isEqualTo(-32002);
		assertThat(refused.get("data").get("errors").size()).isEqualTo(2);
		assertThat(app.resolve("config/config.yaml")).doesNotExist();

		Map<String, Object> good = Map.of("name", "guestbook", "values", Map.of("site",
				Map.of("title", "Our book", "secret_key", "s3cret-value"), "server", Map.of("port", "9090")));
		JsonNode valid = result("config.validate", good);
		assertThat(valid.get("valid").asBoolean()).isTrue();
		assertThat(valid.get("errors").isEmpty()).isTrue();
		JsonNode saved = result("config.set", good);
		assertThat(saved.get("saved").asBoolean()).isTrue();
		assertThat(saved.toString()).doesNotContain("s3cret-value");
		assertThat(this.changes.events).containsExactly(new ConfigChanged(AppId.of("guestbook")));

		JsonNode after = result("config.get", Map.of("name", "guestbook"));
		assertThat(after.toString()).doesNotContain("s3cret-value");
		assertThat(after.get("complete").asBoolean()).isTrue();
		assertThat(after.get("values").get("site").get("title").stringValue()).isEqualTo("Our book");
		assertThat(after.get("values").get("site").get("secret_key").toString()).isEqualTo("{\"set\":true}");
		assertThat(after.get("values").get("server").get("port").isNumber()).isTrue();
		Path file = app.resolve("config/config.yaml");
		// readable by the app's group (config/ is set-group-id to it), nobody else
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
		assertThat(Files.readString(file)).contains("secret_key: s3cret-value", "port: 9090");
	}

	@Test
	void unknownAppIsNotFoundAndBadParamsAreInvalid() throws Exception {
		JsonNode missing = call("config.get", Map.of("name", "nope")).get("error");
		assertThat(missing.get("code").asInt()).isEqualTo(-32001);
		assertThat(missing.get("data").get("type").stringValue()).isEqualTo("not-found");
		assertThat(call("config.spec", Map.of("name", "Bad Name")).get("error").get("code").asInt()).isEqualTo(-32002);
		assertThat(call("config.set", Map.of("name", "guestbook")).get("error").get("code").asInt()).isEqualTo(-32602);
	}

	private JsonNode result(String method, Object params) throws IOException, InterruptedException {
		JsonNode response = call(method, params);
		assertThat(response.has("error")).as("error in %s", response).isFalse();
		return response.get("result");
	}

	private JsonNode call(String method, Object params) throws IOException, InterruptedException {
		String body = this.mapper
			.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + Files.readString(home.resolve("api-token")).trim())
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return this.mapper.readTree(response.body());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RecorderConfiguration {

		@Bean
		ChangeRecorder changeRecorder() {
			return new ChangeRecorder();
		}

	}

	static class ChangeRecorder {

		final List<ConfigChanged> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(ConfigChanged event) {
			this.events.add(event);
		}

	}

	private static Path createHome() {
		try {
			Path home = TestHomes.create(Path.of("/tmp"), "pa");
			Path release = home.resolve("apps/guestbook/releases/1.0.0-20260101T000000Z");
			Files.createDirectories(release);
			Files.writeString(release.resolve("configuration.yaml"), SpecFixtures.GUESTBOOK_YAML);
			Files.createSymbolicLink(home.resolve("apps/guestbook/current"),
					Path.of("releases/1.0.0-20260101T000000Z"));
			return home;
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
