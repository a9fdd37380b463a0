package dev.pyapp.server.rpc;

import dev.pyapp.server.TestHomes;
import dev.pyapp.server.security.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example of the JSON-RPC 2.0 specification (section 7), sent over HTTP to
 * {@code POST /rpc} with the local API token, against methods that behave as the
 * specification's examples assume.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(JsonRpcConformanceIntegrationTests.ExampleMethods.class)
class JsonRpcConformanceIntegrationTests {

	private static final Path home = createHome();

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper mapper;

	private String token;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("pyapp.home", home::toString);
		registry.add("pyapp.storage.persistent", () -> "false");
	}

	@BeforeEach
	void readToken() throws Exception {
		this.token = Files.readString(home.resolve("api-token")).trim();
	}

	static Stream<Arguments> specificationExamples() {
		return Stream.of(
				Arguments.of("positional parameters",
						"{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}",
						"{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 1}"),
				Arguments.of("positional parameters, swapped",
						"{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [23, 42], \"id\": 2}",
						"{\"jsonrpc\": \"2.0\", \"result\": -19, \"id\": 2}"),
				Arguments.of("named parameters",
						"{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}",
						"{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 3}"),
				Arguments.of("named parameters, reordered",
						"{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"minuend\": 42, \"subtrahend\": 23}, \"id\": 4}",
						"{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 4}"),
				Arguments.of("notification", "{\"jsonrpc\": \"2.0\", \"method\": \"update\", \"params\": [1,2,3,4,5]}",
						null),
				Arguments.of("notification of a missing method", "{\"jsonrpc\": \"2.0\", \"method\": \"foobar\"}",
						null),
				Arguments.of("non-existent method", "{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}",
						"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"1\"}"),
				Arguments.of("invalid JSON", "{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]",
						"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}"),
				Arguments.of("invalid Request object", "{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}",
						"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}"),
				Arguments.of("batch, invalid JSON",
						"[{\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},{\"jsonrpc\": \"2.0\", \"method\"]",
						"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}"),
				Arguments.of("empty array", "[]",
						"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}"),
				Arguments.of("invalid batch, not empty", "[1]",
						"[{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}]"),
				Arguments.of("invalid batch", "[1,2,3]", "["
						+ "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},"
						+ "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},"
						+ "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}]"),
				Arguments.of("batch", "["
						+ "{\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},"
						+ "{\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]},"
						+ "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42,23], \"id\": \"2\"},"
						+ "{\"foo\": \"boo\"},"
						+ "{\"jsonrpc\": \"2.0\", \"method\": \"foo.get\", \"params\": {\"name\": \"myself\"}, \"id\": \"5\"},"
						+ "{\"jsonrpc\": \"2.0\", \"method\": \"get_data\", \"id\": \"9\"}]",
						"[{\"jsonrpc\": \"2.0\", \"result\": 7, \"id\": \"1\"},"
								+ "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": \"2\"},"
								+ "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},"
								+ "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"5\"},"
								+ "{\"jsonrpc\": \"2.0\", \"result\": [\"hello\", 5], \"id\": \"9\"}]"),
				Arguments.of("batch of notifications only",
						"[{\"jsonrpc\": \"2.0\", \"method\": \"notify_sum\", \"params\": [1,2,4]},"
								+ "{\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]}]",
						null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("specificationExamples")
	void answersAsTheSpecificationShows(String example, String request, @Nullable String expected) throws Exception {
		HttpResponse<String> response = post(request, this.token);
		if (expected == null) {
			assertThat(response.statusCode()).isEqualTo(204);
			assertThat(response.body()).isEmpty();
			return;
		}
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(withoutErrorData(this.mapper.readTree(response.body()))).isEqualTo(this.mapper.readTree(expected));
	}

	@Test
	void invalidParamsAreReportedWithTheMissingName() throws Exception {
		JsonNode response = this.mapper
			.readTree(post("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"minuend\": 1}, \"id\": 7}",
					this.token)
				.body());
		assertThat(response.at("/error/code").asInt()).isEqualTo(-32602);
		assertThat(response.at("/error/data/detail").asString()).contains("subtrahend");
	}

	@Test
	void applicationErrorsCarryTheirCodeAndType() throws Exception {
		JsonNode response = this.mapper.readTree(
				post("{\"jsonrpc\": \"2.0\", \"method\": \"apps.get\", \"params\": {\"name\": \"nope\"}, \"id\": 8}",
						this.token)
					.body());
		assertThat(response.at("/error/code").asInt()).isEqualTo(-32001);
		assertThat(response.at("/error/data/type").asString()).isEqualTo("not-found");
	}

	@Test
	void refusesACallWithoutAToken() throws Exception {
		HttpResponse<String> response = post("{\"jsonrpc\": \"2.0\", \"method\": \"server.info\", \"id\": 1}", null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).doesNotContain("result");
	}

	@Test
	void refusesACallWithAWrongToken() throws Exception {
		HttpResponse<String> response = post("{\"jsonrpc\": \"2.0\", \"method\": \"server.info\", \"id\": 1}",
				this.token + "x");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).doesNotContain("result");
	}

	@Test // curl -d and Python's urllib send a JSON-RPC body as a form unless told
			// otherwise
	void readsABodySentAsAFormAsJson() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", "Bearer " + this.token)
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1, 2, 4], \"id\": \"a+b=c&d\"}"))
			.build();

		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.mapper.readTree(response.body()))
			.isEqualTo(this.mapper.readTree("{\"jsonrpc\": \"2.0\", \"result\": 7, \"id\": \"a+b=c&d\"}"));
	}

	@Test
	void refusesAFormLabelledBodyOverTheBoundBeforeReadingIt() throws Exception {
		// read before authentication: no token, and still refused for its size, not read
		// into memory
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[RpcBodyFilter.MAX_BODY + 1]))
			.build();

		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(this.mapper.readTree(response.body()).at("/error/code").asInt()).isEqualTo(-32600);
	}

	@Test
	void writesTheTokenFileOwnerOnly() throws Exception {
		assertThat(Files.getPosixFilePermissions(home.resolve("api-token")))
			.containsExactlyInAnyOrderElementsOf(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
	}

	private HttpResponse<String> post(String body, @Nullable String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/rpc"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The specification's examples show no {@code data}; ours may add some. */
	private static JsonNode withoutErrorData(JsonNode response) {
		if (response.isArray()) {
			response.forEach(JsonRpcConformanceIntegrationTests::withoutErrorData);
		}
		else if (response.has("error")) {
			((tools.jackson.databind.node.ObjectNode) response.get("error")).remove("data");
		}
		return response;
	}

	private static Path createHome() {
		return TestHomes.create("pyapp-rpc");
	}

	/** The methods the specification's examples call. */
	@RpcEndpoint
	static class ExampleMethods {

		@RpcMethod(value = "subtract", role = Role.VIEWER, readOnly = true)
		int subtract(Subtract params) {
			return params.minuend() - params.subtrahend();
		}

		@RpcMethod(value = "sum", role = Role.VIEWER, readOnly = true)
		int sum(Numbers params) {
			return params.values().stream().mapToInt(Integer::intValue).sum();
		}

		@RpcMethod(value = "notify_sum", role = Role.VIEWER, readOnly = true)
		int notifySum(Numbers params) {
			return sum(params);
		}

		@RpcMethod(value = "notify_hello", role = Role.VIEWER, readOnly = true)
		void notifyHello(Numbers params) {
		}

		@RpcMethod(value = "update", role = Role.VIEWER, readOnly = true)
		void update(Numbers params) {
		}

		@RpcMethod(value = "get_data", role = Role.VIEWER, readOnly = true)
		List<Object> getData() {
			return List.of("hello", 5);
		}

		record Subtract(Integer minuend, Integer subtrahend) {
		}

		record Numbers(List<Integer> values) {
		}

	}

}
