package dev.pyapp.server.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls {@code POST /rpc} over HTTP with the local API token, as the CLI does.
 */
final class RpcTestClient {

	private static final HttpClient http = HttpClient.newHttpClient();

	private final String base;

	private final Path home;

	private final JsonMapper json;

	RpcTestClient(int port, Path home, JsonMapper json) {
		this.base = "http://127.0.0.1:" + port;
		this.home = home;
		this.json = json;
	}

	/** The whole JSON-RPC response. */
	JsonNode call(String method, Map<String, ?> params) throws Exception {
		String body = this.json
			.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + "/rpc"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + Files.readString(this.home.resolve("api-token")).trim())
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		return this.json.readTree(response.body());
	}

	/** The result of a call that must succeed. */
	JsonNode result(String method, Map<String, ?> params) throws Exception {
		JsonNode response = call(method, params);
		assertThat(response.has("error")).as("%s failed: %s", method, response).isFalse();
		return response.get("result");
	}

	/** Posts a body with headers to a URL, such as a post-commit hook. */
	static HttpResponse<String> post(String url, String body, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		headers.forEach(request::header);
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
