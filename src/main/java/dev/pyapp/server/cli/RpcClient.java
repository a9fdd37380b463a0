package dev.pyapp.server.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLParameters;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CLI's only way to the server: JSON-RPC 2.0 calls to {@code POST /rpc} and archive
 * uploads to {@code POST /api/archives}, with the bearer token. Every failure (an error
 * object, an HTTP refusal, an unreachable server) becomes a {@link CliException}.
 * Thread-safe: the install progress poller calls it while the install call runs.
 */
final class RpcClient {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient http;

	private final URI endpoint;

	private final String token;

	private final JsonMapper mapper;

	private final AtomicLong ids = new AtomicLong();

	RpcClient(URI endpoint, String token, JsonMapper mapper) {
		this.endpoint = endpoint;
		this.token = token;
		this.mapper = mapper;
		// HTTP/1.1: no h2c upgrade dance on every request to a plain-HTTP server
		HttpClient.Builder builder = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(CONNECT_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NEVER);
		if ("http".equals(endpoint.getScheme())) {
			builder.sslContext(new PlainHttpContext()).sslParameters(new SSLParameters());
		}
		this.http = builder.build();
	}

	URI endpoint() {
		return this.endpoint;
	}

	/**
	 * Calls a method and waits for its result, however long it takes (installs are
	 * synchronous, {@code logs.tail} long-polls).
	 * @param method the method, such as {@code apps.get}
	 * @param params the params (an object or an array), or {@code null} for none
	 * @return the result ({@code null} becomes a {@link NullNode})
	 * @throws CliApiException if the server answers with an error
	 * @throws CliException if the server cannot be reached or answers nonsense
	 * @throws InterruptedException if the calling thread is interrupted while waiting
	 */
	JsonNode call(String method, @Nullable JsonNode params) throws InterruptedException {
		ObjectNode request = this.mapper.createObjectNode();
		request.put("jsonrpc", "2.0");
		request.put("id", this.ids.incrementAndGet());
		request.put("method", method);
		if (params != null) {
			request.set("params", params);
		}
		HttpRequest httpRequest = authorized(this.endpoint).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(this.mapper.writeValueAsString(request), StandardCharsets.UTF_8))
			.build();
		HttpResponse<String> response = send(httpRequest, this.endpoint);
		JsonNode body = json(response);
		if (response.statusCode() != 200 || body == null || !body.isObject()) {
			throw refused(response, body, this.endpoint);
		}
		JsonNode error = body.get("error");
		if (error != null && error.isObject()) {
			JsonNode message = error.get("message");
			JsonNode data = error.get("data");
			throw new CliApiException(error.path("code").asInt(0), response.statusCode(),
					(message != null && message.isString()) ? message.stringValue() : "the server reported an error",
					(data != null && !data.isNull()) ? data : null);
		}
		JsonNode result = body.get("result");
		return (result != null) ? result : NullNode.getInstance();
	}

	/**
	 * Uploads an archive, streamed from disk as the raw request body.
	 * @param file the {@code .pyapp} file
	 * @return the archive id for {@code apps.install}
	 * @throws CliApiException if the server refuses the archive (with its {@code errors})
	 * @throws CliException if the file cannot be read or the server cannot be reached
	 * @throws InterruptedException if interrupted while waiting
	 */
	String upload(Path file) throws InterruptedException {
		URI uri = archivesUri();
		HttpRequest.BodyPublisher body;
		try {
			body = HttpRequest.BodyPublishers.ofFile(file);
		}
		catch (FileNotFoundException ex) {
			throw new CliException("cannot read " + file + ": no such file");
		}
		String filename = String.valueOf(file.getFileName()).replaceAll("[\"\\\\\\p{Cntrl}]", "_");
		HttpRequest request = authorized(uri).header("Content-Type", "application/octet-stream")
			.header("Content-Disposition", "attachment; filename=\"" + filename + "\"")
			.POST(body)
			.build();
		HttpResponse<String> response = send(request, uri);
		JsonNode json = json(response);
		if (response.statusCode() / 100 != 2 || json == null) {
			throw refused(response, json, uri);
		}
		JsonNode archive = json.get("archive");
		if (archive == null || !archive.isString()) {
			throw new CliException("unexpected answer from " + uri + ": no archive id");
		}
		return archive.stringValue();
	}

	/**
	 * {@code /api/archives} beside the RPC endpoint, so that a server behind a path
	 * prefix ({@code https://host/pyapp/rpc}) works too.
	 */
	URI archivesUri() {
		String path = (this.endpoint.getRawPath() != null) ? this.endpoint.getRawPath() : "";
		if (path.endsWith("/rpc")) {
			path = path.substring(0, path.length() - "rpc".length());
		}
		else if (!path.endsWith("/")) {
			path = path + "/";
		}
		return this.endpoint.resolve(path + "api/archives");
	}

	private HttpRequest.Builder authorized(URI uri) {
		return HttpRequest.newBuilder(uri)
			.header("Authorization", "Bearer " + this.token)
			.header("Accept", "application/json");
	}

	private HttpResponse<String> send(HttpRequest request, URI uri) throws InterruptedException {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (ConnectException ex) {
			throw new CliException("cannot reach the server at " + uri
					+ ": connection refused (is it running? set --url or PYAPP_URL)");
		}
		catch (HttpConnectTimeoutException ex) {
			throw new CliException("cannot reach the server at " + uri + ": the connection timed out");
		}
		catch (IOException ex) {
			throw new CliException("cannot reach the server at " + uri + ": " + describe(ex));
		}
	}

	private @Nullable JsonNode json(HttpResponse<String> response) {
		String body = response.body();
		if (body == null || body.isBlank()) {
			return null;
		}
		try {
			return this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static CliException refused(HttpResponse<String> response, @Nullable JsonNode body, URI uri) {
		int status = response.statusCode();
		String message = (body != null) ? text(body, "message", text(body, "error", null)) : null;
		if (status == 401) {
			return new CliApiException(0, status, ((message != null) ? message : "authentication required")
					+ " (HTTP 401: check --token, PYAPP_TOKEN or the token file)", body);
		}
		if (status == 400 && body != null && body.has("errors")) {
			return new CliApiException(0, status, (message != null) ? message : "the server refused the archive", body);
		}
		if (status == 200) {
			return new CliException("unexpected answer from " + uri + ": not a JSON-RPC response");
		}
		String what = (message != null) ? message : "the server refused the request";
		return new CliApiException(0, status, what + " (HTTP " + status + " from " + uri + ")", body);
	}

	private static @Nullable String text(JsonNode node, String field, @Nullable String fallback) {
		JsonNode value = node.get(field);
		return (value != null && value.isString() && !value.stringValue().isBlank()) ? value.stringValue() : fallback;
	}

	private static String describe(IOException ex) {
		String message = ex.getMessage();
		return (message != null && !message.isBlank()) ? message : ex.getClass().getSimpleName();
	}

}
