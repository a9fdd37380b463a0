package dev.pyapp.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stand-in for PyApp Server on 127.0.0.1: records every request and answers JSON-RPC
 * calls with canned results or errors, per method.
 */
final class FakeApiServer implements AutoCloseable {

	static final String TOKEN = "test-token";

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final Map<String, Function<JsonNode, Answer>> methods = new ConcurrentHashMap<>();

	private volatile Answer upload = new Answer(201, "{\"archive\": \"a1b2c3\"}");

	private volatile Answer hook = new Answer(202,
			"{\"status\": \"accepted\", \"message\": \"push to refs/heads/main accepted\"}");

	FakeApiServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/rpc";
	}

	/** Answers a method with a result. */
	FakeApiServer result(String method, String resultJson) {
		return answer(method, (params) -> rpcResult(resultJson));
	}

	/** Answers a method with a JSON-RPC error. */
	FakeApiServer error(String method, int code, String message, String dataJson) {
		return answer(method, (params) -> rpcError(code, message, dataJson));
	}

	FakeApiServer answer(String method, Function<JsonNode, Answer> answer) {
		this.methods.put(method, answer);
		return this;
	}

	FakeApiServer hook(int status, String body) {
		this.hook = new Answer(status, body);
		return this;
	}

	FakeApiServer upload(int status, String body) {
		this.upload = new Answer(status, body);
		return this;
	}

	Answer rpcResult(String resultJson) {
		return new Answer(200, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": " + resultJson + "}");
	}

	Answer rpcError(int code, String message, String dataJson) {
		ObjectNode error = this.mapper.createObjectNode().put("code", code).put("message", message);
		if (dataJson != null) {
			error.set("data", this.mapper.readTree(dataJson));
		}
		ObjectNode response = this.mapper.createObjectNode().put("jsonrpc", "2.0").put("id", 1);
		response.set("error", error);
		return new Answer(200, response.toString());
	}

	List<Request> requests() {
		return this.requests;
	}

	/** The calls of one method, in order. */
	List<Request> calls(String method) {
		return this.requests.stream().filter((request) -> method.equals(request.method())).toList();
	}

	/** The params of the only (or last) call of a method. */
	JsonNode params(String method) {
		List<Request> calls = calls(method);
		if (calls.isEmpty()) {
			throw new AssertionError("no call of " + method + " in " + this.requests);
		}
		return calls.get(calls.size() - 1).params();
	}

	private void handle(HttpExchange exchange) throws IOException {
		byte[] body;
		try (InputStream in = exchange.getRequestBody()) {
			body = in.readAllBytes();
		}
		Map<String, String> headers = new ConcurrentHashMap<>();
		exchange.getRequestHeaders()
			.forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
		String path = exchange.getRequestURI().getPath();
		Answer answer;
		if (path.startsWith("/hooks/")) {
			// post-commit hooks are checked by their signature, which the tests verify
			record(path, headers, body, null, null);
			answer = this.hook;
		}
		else if (!("Bearer " + TOKEN).equals(headers.get("authorization"))) {
			record(path, headers, body, null, null);
			answer = new Answer(401, "{\"error\":\"invalid API token\"}");
		}
		else if (path.endsWith("/api/archives")) {
			record(path, headers, body, null, null);
			answer = this.upload;
		}
		else {
			JsonNode request = this.mapper.readTree(body);
			String method = request.path("method").asString();
			JsonNode params = request.get("params");
			record(path, headers, body, method, params);
			Function<JsonNode, Answer> handler = this.methods.get(method);
			answer = (handler != null) ? handler.apply(params) : rpcError(-32601, "Method not found",
					"{\"type\": \"method-not-found\", \"method\": \"" + method + "\"}");
		}
		byte[] response = answer.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(answer.status(), response.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(response);
		}
	}

	private void record(String path, Map<String, String> headers, byte[] body, String method, JsonNode params) {
		this.requests.add(new Request(path, Map.copyOf(headers), body, method, params));
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/**
	 * One recorded request.
	 */
	record Request(String path, Map<String, String> headers, byte[] body, String method, JsonNode params) {

		String header(String name) {
			return this.headers.get(name.toLowerCase(java.util.Locale.ROOT));
		}

	}

	/**
	 * A canned HTTP answer.
	 */
	record Answer(int status, String body) {

	}

}
