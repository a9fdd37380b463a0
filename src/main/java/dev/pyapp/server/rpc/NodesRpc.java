package dev.pyapp.server.rpc;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.logs.LogCollector;
import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.nodes.NodeAddRequest;
import dev.pyapp.server.nodes.NodeClient;
import dev.pyapp.server.nodes.NodeInstallRequest;
import dev.pyapp.server.nodes.NodeLogSink;
import dev.pyapp.server.nodes.NodeRegistry;
import dev.pyapp.server.nodes.NodeStatus;
import dev.pyapp.server.nodes.RemoteCallException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code nodes.*}: remote app servers over SSH; and the forwarding of any other call
 * whose params name a {@code node} to that node's agent, with its result or error passed
 * back unchanged. Also takes the log records pulled from the nodes into this server's
 * store, since the wire format of a record is defined here.
 */
@RpcEndpoint
class NodesRpc implements NodeLogSink {

	private final NodeRegistry nodes;

	private final NodeClient client;

	private final ArchiveStore archives;

	private final LogCollector collector;

	NodesRpc(NodeRegistry nodes, NodeClient client, ArchiveStore archives, LogCollector collector) {
		this.nodes = nodes;
		this.client = client;
		this.archives = archives;
		this.collector = collector;
	}

	@RpcMethod(value = "nodes.list", role = Role.ADMIN, readOnly = true)
	List<NodeView> list() {
		return this.nodes.list().stream().map(NodeView::of).toList();
	}

	@RpcMethod(value = "nodes.add", role = Role.ADMIN)
	NodeView add(AddParams params) {
		return NodeView.of(this.nodes
			.add(new NodeAddRequest(params.name(), params.host(), (params.port() != null) ? params.port() : 22,
					(params.user() != null) ? params.user() : System.getProperty("user.name"), params.hostKey(),
					Boolean.TRUE.equals(params.acceptHostKey()), params.privateKey(), params.keyPath())));
	}

	@RpcMethod(value = "nodes.install", role = Role.ADMIN)
	NodeView install(InstallParams params) {
		return NodeView.of(this.nodes.install(new NodeInstallRequest(params.name(),
				Boolean.TRUE.equals(params.allowPackages()), params.webserver(), params.home(), params.agentPort())));
	}

	@RpcMethod(value = "nodes.rekey", role = Role.ADMIN)
	NodeView rekey(RekeyParams params) {
		return NodeView
			.of(this.nodes.rekey(params.name(), params.hostKey(), Boolean.TRUE.equals(params.acceptHostKey())));
	}

	@RpcMethod(value = "nodes.remove", role = Role.ADMIN)
	NodeRemoved remove(RemoveParams params) {
		NodeStatus node = this.nodes.get(params.name());
		boolean uninstalled = this.nodes.remove(params.name(), Boolean.TRUE.equals(params.purge()));
		return new NodeRemoved(params.name(), true, uninstalled,
				(node.agentHome() != null && !uninstalled) ? left(node) : null);
	}

	/**
	 * What a removal leaves on a node whose agent could not be reached: the node is
	 * forgotten all the same (it may be gone for good), but nothing on it was stopped.
	 */
	private static String left(NodeStatus node) {
		return "the agent in " + node.agentHome() + " on " + node.user() + "@" + node.host() + ":" + node.port()
				+ " could not be reached to stop it ("
				+ ((node.lastError() != null) ? node.lastError() : "see the server's log")
				+ "): it, its apps and its web server keep running there; stop them on the host, "
				+ "or add the node again and remove it while it answers";
	}

	/**
	 * The node a call is for, if it names one: its params are an object with a
	 * {@code node} member. {@code nodes.*} are never forwarded; {@code node: "local"} (or
	 * null) is this server, and the member is removed.
	 * @param method the method
	 * @param params the params
	 * @return the node's name, or {@code null} to run the call here
	 */
	@Nullable String target(String method, @Nullable JsonNode params) {
		if (method.startsWith("nodes.") || !(params instanceof ObjectNode object) || !object.has("node")) {
			return null;
		}
		JsonNode node = object.get("node");
		if (node.isNull() || (node.isString() && NodeRegistry.LOCAL.equals(node.stringValue()))) {
			object.remove("node");
			return null;
		}
		if (!node.isString()) {
			throw RpcError.invalidParams("'node' must be the name of a node");
		}
		if (!this.client.isNode(node.stringValue())) {
			throw PyappException.notFound("no node named '" + node.stringValue() + "'");
		}
		return node.stringValue();
	}

	/**
	 * Runs a call on a node's agent. An archive to install is uploaded to the agent
	 * first.
	 * @param node the node
	 * @param method the method
	 * @param params the params, with the {@code node} member
	 * @return the agent's result
	 * @throws RpcError the agent's error, unchanged
	 */
	JsonNode forward(String node, String method, ObjectNode params) {
		params.remove("node");
		String upload = ("apps.install".equals(method) && params.path("archive").isString())
				? params.get("archive").stringValue() : null;
		try {
			if (upload != null) {
				params.put("archive", this.client.uploadArchive(node, this.archives.path(upload)));
			}
			JsonNode result = this.client.call(node, method, params);
			if (method.startsWith("apps.")) {
				this.nodes.refreshApps(node);
			}
			return result;
		}
		catch (RemoteCallException ex) {
			throw new RpcError(ex.code(), String.valueOf(ex.getMessage()), ex.data());
		}
		finally {
			if (upload != null) {
				this.archives.delete(upload);
			}
		}
	}

	/**
	 * {@code apps.list} of this server, followed by the apps every node reported last,
	 * each with its {@code node} and {@code node_reachable}: what a node that no longer
	 * answers reported last is not its apps' state now.
	 * @param local this server's list
	 * @return the whole list
	 */
	Object withNodeApps(@Nullable Object local) {
		if (!(local instanceof List<?> list) || this.nodes.isAgent()) {
			return local;
		}
		List<Object> all = new ArrayList<>(list);
		Map<String, @Nullable Boolean> reachable = new HashMap<>();
		this.nodes.list().forEach((node) -> reachable.put(node.name(), node.reachable()));
		this.nodes.apps().forEach((node, apps) -> {
			for (JsonNode app : apps) {
				if (app.isObject()) {
					ObjectNode entry = ((ObjectNode) app).deepCopy();
					entry.put("node", node);
					entry.put("node_reachable", reachable.get(node));
					all.add(entry);
				}
			}
		});
		return all;
	}

	@Override
	public void received(String node, List<JsonNode> records) {
		List<LogRecord> converted = new ArrayList<>(records.size());
		for (JsonNode record : records) {
			LogLevel level = LogLevel.parse(record.path("level").asString(null));
			converted.add(new LogRecord(0, time(record.path("time").asString(null)), text(record, "app"),
					text(record, "release"), (level != null) ? level : LogLevel.INFO,
					record.path("logger").asString("root"), record.path("message").asString(""),
					text(record, "exception"), record.path("pid").isNumber() ? record.get("pid").asInt() : null,
					text(record, "thread"), text(record, "path"), node));
		}
		this.collector.collect(converted);
	}

	private static @Nullable String text(JsonNode record, String field) {
		JsonNode value = record.get(field);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

	private static Instant time(@Nullable String text) {
		try {
			return (text != null) ? Instant.parse(text) : Instant.now();
		}
		catch (DateTimeParseException ex) {
			return Instant.now();
		}
	}

	/**
	 * A node as {@code nodes.*} show it: never its private key nor the agent's token.
	 *
	 * @param name the node's name
	 * @param host the SSH host
	 * @param port the SSH port
	 * @param user the SSH user
	 * @param hostKey the pinned host key fingerprint
	 * @param key how the manager authenticates: {@code private_key} or {@code key_path}
	 * @param state {@code added}, {@code installing}, {@code installed} or {@code failed}
	 * @param reachable whether the node answered the last contact ({@code null} before
	 * the first)
	 * @param lastError what went wrong on the last failed contact
	 * @param checked when it was last contacted (ISO-8601)
	 * @param progress the step of the install running now, or {@code null}
	 * @param agent the agent, or {@code null} before it is installed
	 */
	record NodeView(String name, String host, int port, String user, @JsonProperty("host_key") String hostKey,
			String key, String state, @Nullable Boolean reachable,
			@JsonProperty("last_error") @Nullable String lastError, @Nullable String checked,
			@Nullable ProgressView progress, @Nullable AgentView agent) {

		static NodeView of(NodeStatus node) {
			return new NodeView(node.name(), node.host(), node.port(), node.user(), node.hostKey(), node.key(),
					node.state(), node.reachable(), node.lastError(),
					(node.checked() != null) ? node.checked().toString() : null,
					(node.progress() != null) ? new ProgressView(node.progress().step(), node.progress().message())
							: null,
					(node.agentHome() != null)
							? new AgentView(node.agentHome(), node.agentPort(), node.service(), node.version()) : null);
		}

	}

	/**
	 * @param step the install step's short name
	 * @param message what it is doing, for a person
	 */
	record ProgressView(String step, String message) {
	}

	/**
	 * @param home the agent's {@code PYAPP_HOME} on the node
	 * @param port the agent's API port on the node's loopback
	 * @param service how the agent runs: {@code systemd} or {@code process}
	 * @param version the agent's version
	 */
	record AgentView(String home, @Nullable Integer port, @Nullable String service, @Nullable String version) {
	}

	/**
	 * @param name the removed node
	 * @param removed always {@code true}
	 * @param uninstalled whether the agent was uninstalled from the node
	 * @param warning what is left running on the node when its agent could not be
	 * reached, or {@code null}
	 */
	record NodeRemoved(String name, boolean removed, boolean uninstalled, @Nullable String warning) {
	}

	/**
	 * @param name the node's name
	 * @param host its SSH host
	 * @param port its SSH port (default 22)
	 * @param user the user to log in as (default: the user this server runs as, as
	 * {@code ssh} does)
	 * @param hostKey the host key's {@code SHA256:} fingerprint or public key line
	 * @param acceptHostKey accept the key presented on this first contact
	 * @param privateKey the private key's text (never returned)
	 * @param keyPath a private key file on this server
	 */
	record AddParams(String name, String host, @Nullable Integer port, @Nullable String user,
			@JsonProperty("host_key") @Nullable String hostKey,
			@JsonProperty("accept_host_key") @Nullable Boolean acceptHostKey,
			@JsonProperty("private_key") @Nullable String privateKey,
			@JsonProperty("key_path") @Nullable String keyPath) {

		@Override
		public String toString() {
			return "AddParams[" + this.name + "]";
		}

	}

	/**
	 * @param name the node
	 * @param allowPackages install missing Debian packages with apt-get
	 * @param webserver nginx (default), apache or lighttpd
	 * @param home the agent's PYAPP_HOME on the node
	 * @param agentPort the agent's port on the node's 127.0.0.1
	 */
	record InstallParams(String name, @JsonProperty("allow_packages") @Nullable Boolean allowPackages,
			@Nullable String webserver, @Nullable String home,
			@JsonProperty("agent_port") @Nullable Integer agentPort) {
	}

	/**
	 * @param name the node
	 * @param hostKey its new host key's {@code SHA256:} fingerprint or public key line
	 * @param acceptHostKey pin the key the host presents now instead
	 */
	record RekeyParams(String name, @JsonProperty("host_key") @Nullable String hostKey,
			@JsonProperty("accept_host_key") @Nullable Boolean acceptHostKey) {
	}

	/**
	 * @param name the node
	 * @param purge also delete the apps and their data on the node
	 */
	record RemoveParams(String name, @Nullable Boolean purge) {
	}

}
