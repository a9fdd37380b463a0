package dev.pyapp.server.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;

import dev.pyapp.server.cli.CliApiException;
import dev.pyapp.server.cli.CliException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CLI's only way to the server: JSON-RPC 2.0 calls to {@code POST /rpc} and archive
 * uploads to {@code POST /api/archives}, with the bearer token. Every failure (an error
 * object, an HTTP refusal, an unreachable server) becomes a {@link CliException}.
 * Thread-safe: the install progress poller calls it while the install call runs.
 * <p>
 * It uses {@link HttpURLConnection}, not {@code java.net.http.HttpClient}: a CLI call is
 * one request or a few, and {@code HttpClient} loads about 300 classes more and keeps a
 * selector thread in {@code epoll_wait}, which holds up the JVM's exit by 300 ms (the VM
 * waits that long for threads in native code before it gives up on them). Requests go
 * straight to the server (no system proxy), redirects are not followed, and request
 * bodies are streamed with a fixed length, which also means a POST is never silently sent
 * twice on a stale keep-alive connection.
 */
public final class RpcClient {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Bodies up to this size are buffered, which keeps an error answer's body readable.
	 */
	private static final long STREAMING_THRESHOLD = 1024 * 1024;

	private final URI endpoint;

	private final String token;

	private final JsonCodec json;

	private final AtomicLong ids = new AtomicLong();

	private final @Nullable String node;

	public RpcClient(URI endpoint, String token, JsonCodec json) {
		this(endpoint, token, json, null);
	}

	/**
	 * A client whose calls all run on a node: the server forwards a call whose params
	 * name a {@code node} to that node's agent. {@code nodes.*} manage the nodes
	 * themselves and are never sent with it.
	 * @param endpoint the server's API endpoint
	 * @param token the API token
	 * @param json the codec
	 * @param node the node every call names, or {@code null} for the server itself
	 */
	public RpcClient(URI endpoint, String token, JsonCodec json, @Nullable String node) {
		this.endpoint = endpoint;
		this.token = token;
		this.json = json;
		this.node = node;
	}

	public URI endpoint() {
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
	 * @throws InterruptedException if the calling thread is interrupted before the call
	 */
	public JsonNode call(String method, @Nullable JsonNode params) throws InterruptedException {
		ObjectNode request = this.json.objectNode();
		request.put("jsonrpc", "2.0");
		request.put("id", this.ids.incrementAndGet());
		request.put("method", method);
		JsonNode sent = onNode(method, params);
		if (sent != null) {
			request.set("params", sent);
		}
		byte[] bytes = this.json.write(request).getBytes(StandardCharsets.UTF_8);
		Response response = send(this.endpoint, "application/json", bytes.length, (out) -> out.write(bytes));
		JsonNode body = json(response);
		if (response.status() != 200 || body == null || !body.isObject()) {
			throw refused(response, body, this.endpoint);
		}
		JsonNode error = body.get("error");
		if (error != null && error.isObject()) {
			JsonNode message = error.get("message");
			JsonNode data = error.get("data");
			throw new CliApiException(error.path("code").asInt(0), response.status(),
					(message != null && message.isString()) ? message.stringValue() : "the server reported an error",
					(data != null && !data.isNull()) ? data : null);
		}
		JsonNode result = body.get("result");
		return (result != null) ? result : NullNode.getInstance();
	}

	private @Nullable JsonNode onNode(String method, @Nullable JsonNode params) {
		if (this.node == null || method.startsWith("nodes.") || (params != null && !params.isObject())) {
			return params;
		}
		ObjectNode copy = (params != null) ? ((ObjectNode) params).deepCopy() : this.json.objectNode();
		copy.put("node", this.node);
		return copy;
	}

	/**
	 * Uploads an archive, streamed from disk as the raw request body.
	 * @param file the {@code .pyapp} file
	 * @return the archive id for {@code apps.install}
	 * @throws CliApiException if the server refuses the archive (with its {@code errors})
	 * @throws CliException if the file cannot be read or the server cannot be reached
	 * @throws InterruptedException if interrupted before the upload
	 */
	public String upload(Path file) throws InterruptedException {
		URI uri = archivesUri();
		long size;
		try {
			if (!Files.isRegularFile(file)) {
				throw new NoSuchFileException(file.toString());
			}
			size = Files.size(file);
		}
		catch (IOException ex) {
			throw new CliException("cannot read " + file + ": no such file");
		}
		String filename = String.valueOf(file.getFileName()).replaceAll("[\"\\\\\\p{Cntrl}]", "_");
		Response response = send(uri, "application/octet-stream", size, (out) -> Files.copy(file, out),
				"Content-Disposition", "attachment; filename=\"" + filename + "\"");
		JsonNode json = json(response);
		if (response.status() / 100 != 2 || json == null) {
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

	/**
	 * Sends a request on a thread of its own and waits for the answer, so that the wait
	 * can be interrupted (a follower stopped, a progress poller closed) although
	 * {@link HttpURLConnection} blocks uninterruptibly: an interrupt closes the
	 * connection.
	 */
	private Response send(URI uri, String contentType, long length, Body body, String... headers)
			throws InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		HttpURLConnection connection;
		try {
			connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new CliException("cannot reach the server at " + uri + ": " + ex.getMessage());
		}
		FutureTask<Response> exchange = new FutureTask<>(
				() -> exchange(connection, uri, contentType, length, body, headers));
		Thread thread = new Thread(exchange, "pyapp-http");
		thread.setDaemon(true);
		thread.start();
		try {
			return exchange.get();
		}
		catch (InterruptedException ex) {
			connection.disconnect();
			throw ex;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new CliException("cannot reach the server at " + uri + ": " + ex.getCause());
		}
	}

	private Response exchange(HttpURLConnection connection, URI uri, String contentType, long length, Body body,
			String... headers) {
		try {
			connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
			connection.setInstanceFollowRedirects(false);
			connection.setUseCaches(false);
			connection.setRequestMethod("POST");
			connection.setRequestProperty("Authorization", "Bearer " + this.token);
			connection.setRequestProperty("Accept", "application/json");
			connection.setRequestProperty("Content-Type", contentType);
			for (int i = 0; i + 1 < headers.length; i += 2) {
				connection.setRequestProperty(headers[i], headers[i + 1]);
			}
			connection.setDoOutput(true);
			if (length > STREAMING_THRESHOLD) {
				// an archive is streamed from disk; the price is that a 401 loses
				// its body
				connection.setFixedLengthStreamingMode(length);
			}
			connect(connection, uri);
			try (OutputStream out = connection.getOutputStream()) {
				body.writeTo(out);
			}
			catch (IOException ex) {
				// a server that refuses early (too large, no token) may close
				// before it has read the whole body: its answer says why
				if (status(connection) < 0) {
					throw ex;
				}
			}
			int status = connection.getResponseCode();
			InputStream stream = (status >= 400) ? connection.getErrorStream() : connection.getInputStream();
			String text = "";
			if (stream != null) {
				try (InputStream in = stream) {
					text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				}
			}
			return new Response(status, text);
		}
		catch (IOException ex) {
			connection.disconnect();
			throw new CliException("cannot reach the server at " + uri + ": " + describe(ex));
		}
	}

	private static void connect(HttpURLConnection connection, URI uri) {
		try {
			connection.connect();
		}
		catch (ConnectException ex) {
			throw new CliException("cannot reach the server at " + uri
					+ ": connection refused (is it running? set --url or PYAPP_URL)");
		}
		catch (SocketTimeoutException ex) {
			throw new CliException("cannot reach the server at " + uri + ": the connection timed out");
		}
		catch (UnknownHostException ex) {
			throw new CliException("cannot reach the server at " + uri + ": unknown host " + uri.getHost());
		}
		catch (IOException ex) {
			throw new CliException("cannot reach the server at " + uri + ": " + describe(ex));
		}
	}

	private static int status(HttpURLConnection connection) {
		try {
			return connection.getResponseCode();
		}
		catch (IOException ex) {
			// no answer at all: the caller reports the write failure
			return -1;
		}
	}

	private @Nullable JsonNode json(Response response) {
		String body = response.body();
		if (body.isBlank()) {
			return null;
		}
		try {
			JsonNode node = this.json.read(body);
			return node.isMissingNode() ? null : node;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static CliException refused(Response response, @Nullable JsonNode body, URI uri) {
		int status = response.status();
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

	/**
	 * A request body, written once.
	 */
	@FunctionalInterface
	private interface Body {

		void writeTo(OutputStream out) throws IOException;

	}

	private record Response(int status, String body) {
	}

}
