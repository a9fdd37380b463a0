package dev.pyapp.server.rpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.TestHomes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The removal methods take the params SPEC §6 lists for their family: a client may send
 * the object it listed ({@code servers.remove}), name the app of a mount
 * ({@code mounts.remove}), or name a hook by its app ({@code hooks.remove}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpecParamsIntegrationTests {

	private static final Path home = TestHomes.create("pyapp-spec");

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper mapper;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
	}

	@Test
	void removesServersAndMountsNamedAsTheSpecListsThem(@TempDir Path folder) throws Exception {
		// outside PYAPP_HOME (a folder inside it may not be served), readable by the web
		// server's user (an unreadable one is refused)
		Files.setPosixFilePermissions(folder, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
		String server = "{\"name\": \"main\", \"hostnames\": [\"a.test\"], \"listen\": \"127.0.0.1:18080\"}";
		assertThat(call("servers.add", server).has("result")).isTrue();
		assertThat(call("mounts.add", "{\"server\": \"main\", \"path\": \"/files\", \"folder\": \"" + folder + "\"}")
			.has("result")).isTrue();

		JsonNode wrongApp = call("mounts.remove", "{\"server\": \"main\", \"path\": \"/files\", \"app\": \"other\"}");
		assertThat(wrongApp.at("/error/code").asInt()).isEqualTo(-32001);
		assertThat(call("mounts.list", "[]").at("/result")).hasSize(1);

		assertThat(call("mounts.remove", "{\"server\": \"main\", \"path\": \"/files\"}").has("result")).isTrue();
		assertThat(call("servers.remove", server).at("/result/removed").asBoolean()).isTrue();
		assertThat(call("servers.list", "[]").at("/result")).isEmpty();
	}

	@Test
	void removesHooksByAppOrRefusesWithoutEither() throws Exception {
		assertThat(call("hooks.remove", "{\"name\": \"nope\"}").at("/error/code").asInt()).isEqualTo(-32001);
		JsonNode nothing = call("hooks.remove", "{}");
		assertThat(nothing.at("/error/code").asInt()).isEqualTo(-32002);
		assertThat(nothing.at("/error/data/errors/0/path").asString()).isEqualTo("id");
	}

	private JsonNode call(String method, String params) throws Exception {
		String token = Files.readString(home.resolve("api-token")).trim();
		String body = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"" + method + "\", \"params\": " + params + "}";
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + token)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return this.mapper.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
	}

}
