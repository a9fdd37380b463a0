package dev.pyapp.server.nodes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.internal.NodeConnections;
import dev.pyapp.server.nodes.internal.NodeDocument;
import dev.pyapp.server.nodes.internal.NodeSecrets;
import dev.pyapp.server.nodes.internal.NodeStates;
import dev.pyapp.server.nodes.internal.NodesProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.stereotype.Component;

/**
 * Calls a node's agent: JSON-RPC and archive uploads over HTTP through the SSH tunnel,
 * with the agent's token. A node known to be unreachable fails at once, without waiting
 * for a network timeout; it is tried again by the periodic health check.
 */
@Component
public class NodeClient {

	private final MongoOperations mongo;

	private final NodeConnections connections;

	private final NodeStates states;

	private final NodeSecrets secrets;

	private final NodesProperties properties;

	private final JsonMapper mapper;

	/**
	 * Built on the first call: building one loads the JDK's default TLS context (its
	 * trust store), half a second of the server's start.
	 */
	private volatile @Nullable HttpClient http;

	private final AtomicLong ids = new AtomicLong();

	NodeClient(MongoOperations mongo, NodeConnections connections, NodeStates states, NodeSecrets secrets,
			NodesProperties properties, JsonMapper mapper) {
		this.mongo = mongo;
		this.connections = connections;
		this.states = states;
		this.secrets = secrets;
		this.properties = properties;
		this.mapper = mapper;
	}

	private HttpClient http() {
		HttpClient client = this.http;
		if (client == null) {
			synchronized (this) {
				client = this.http;
				if (client == null) {
					client = HttpClient.newBuilder()
						.connectTimeout(Duration.ofSeconds(5))
						.followRedirects(HttpClient.Redirect.NEVER)
						.build();
					this.http = client;
				}
			}
		}
		return client;
	}

	/**
	 * Whether a name is that of a registered node (other than this server).
	 * @param name the name
	 * @return whether calls for it go to a node
	 */
	public boolean isNode(String name) {
		return this.mongo.findById(name, NodeDocument.class) != null;
	}

	/**
	 * Calls a method on a node's agent. Synchronous.
	 * @param node the node's name
	 * @param method the JSON-RPC method
	 * @param params the params, or {@code null}
	 * @return the agent's result
	 * @throws RemoteCallException when the agent answers with an error (passed on as it
	 * is)
	 * @throws PyappException {@code NOT_FOUND} for an unknown node, {@code CONFLICT} for
	 * one without agent, {@code FAILED} when it cannot be reached
	 */
	public JsonNode call(String node, String method, @Nullable JsonNode params) {
		NodeStates.Health health = this.states.health(node);
		if (health != null && !health.reachable()) {
			throw unreachable(node, health.error());
		}
		return call(node(node), method, params, this.properties.callTimeout());
	}

	/**
	 * Uploads an archive to a node's agent ({@code POST /api/archives} there).
	 * @param node the node's name
	 * @param archive the archive on this server
	 * @return the agent's archive id, for {@code apps.install} forwarded to it
	 */
	public String uploadArchive(String node, Path archive) {
		NodeStates.Health health = this.states.health(node);
		if (health != null && !health.reachable()) {
			throw unreachable(node, health.error());
		}
		NodeDocument document = node(node);
		HttpResponse<String> response;
		try {
			response = send(document, "/api/archives", HttpRequest.BodyPublishers.ofFile(archive),
					"application/octet-stream", this.properties.callTimeout());
		}
		catch (IOException ex) {
			throw lost(node, ex);
		}
		JsonNode body = parse(node, response.body());
		if (response.statusCode() == 400) {
			// the agent refused the archive: the same answer this server would give
			throw new RemoteCallException(ErrorKind.INVALID.code(), body.path("message").asString("invalid archive"),
					body);
		}
		if (response.statusCode() / 100 != 2 || !body.path("archive").isString()) {
			throw PyappException.failed(
					"node '" + node + "' did not take the archive (HTTP " + response.statusCode() + ")",
					response.body());
		}
		return body.get("archive").stringValue();
	}

	/**
	 * Calls an agent regardless of what is known about its reachability: the health
	 * check's probe.
	 */
	public JsonNode probe(NodeDocument node, String method, @Nullable JsonNode params, Duration timeout) {
		return call(node, method, params, timeout);
	}

	private JsonNode call(NodeDocument node, String method, @Nullable JsonNode params, Duration timeout) {
		ObjectNode request = JsonNodeFactory.instance.objectNode();
		request.put("jsonrpc", "2.0");
		request.put("id", this.ids.incrementAndGet());
		request.put("method", method);
		if (params != null) {
			request.set("params", params);
		}
		HttpResponse<String> response;
		try {
			response = send(node, "/rpc", HttpRequest.BodyPublishers.ofString(this.mapper.writeValueAsString(request)),
					"application/json", timeout);
		}
		catch (IOException ex) {
			throw lost(node.name(), ex);
		}
		if (response.statusCode() == 401) {
			throw PyappException.failed("the agent on node '" + node.name()
					+ "' refused the manager's token (reinstall the agent with nodes.install)", null);
		}
		JsonNode body = parse(node.name(), response.body());
		this.states.reachable(node.name());
		JsonNode error = body.get("error");
		if (error != null && error.isObject()) {
			JsonNode data = error.get("data");
			throw new RemoteCallException(error.path("code").asInt(-32603), error.path("message").asString("error"),
					(data != null && !data.isNull()) ? data : null);
		}
		JsonNode result = body.get("result");
		return (result != null) ? result : JsonNodeFactory.instance.nullNode();
	}

	private HttpResponse<String> send(NodeDocument node, String path, HttpRequest.BodyPublisher body,
			String contentType, Duration timeout) throws IOException {
		NodeDocument.Agent agent = node.agent();
		if (agent == null) {
			throw new PyappException(ErrorKind.CONFLICT,
					"node '" + node.name() + "' has no agent installed: run nodes.install first");
		}
		int port;
		try {
			port = this.connections.tunnel(node);
		}
		catch (PyappException ex) {
			if (ex.getKind() == ErrorKind.FAILED) {
				this.states.unreachable(node.name(), String.valueOf(ex.getMessage()));
				throw unreachable(node.name(), ex.getMessage());
			}
			throw ex;
		}
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(timeout)
			.header("Authorization", "Bearer " + this.secrets.decrypt(agent.sealedToken()))
			.header("Content-Type", contentType)
			.POST(body)
			.build();
		try {
			return http().send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
	}

	private JsonNode parse(String node, String body) {
		try {
			return this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw PyappException.failed("node '" + node + "' gave an answer that is not JSON", body);
		}
	}

	private NodeDocument node(String name) {
		NodeDocument node = this.mongo.findById(name, NodeDocument.class);
		if (node == null) {
			throw PyappException.notFound("no node named '" + name + "'");
		}
		return node;
	}

	private PyappException lost(String node, IOException ex) {
		// a broken session is opened again next time; a live one stays, since only the
		// agent may be down (being restarted or stopped)
		boolean broken = this.connections.closeIfBroken(node);
		String error = (broken ? "the SSH connection to the node broke"
				: "the agent did not answer through the " + "SSH tunnel (it may be stopped or restarting)") + ": "
				+ reason(ex);
		this.states.unreachable(node, error);
		return unreachable(node, error);
	}

	/** What went wrong, without the exception's class name when it says something. */
	private static String reason(IOException ex) {
		String message = ex.getMessage();
		return (message == null || message.isBlank()) ? ex.getClass().getSimpleName() : message;
	}

	private static PyappException unreachable(String node, @Nullable String error) {
		String said = "node '" + node + "' is unreachable: ";
		// the health check records the message of its probe's failure, which says it
		// already
		String reason = (error != null && error.startsWith(said)) ? error.substring(said.length()) : error;
		return PyappException.failed(said + reason, reason);
	}

}
