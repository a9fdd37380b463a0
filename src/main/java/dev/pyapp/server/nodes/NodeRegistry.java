package dev.pyapp.server.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.jcraft.jsch.Session;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.nodes.internal.NodeConnections;
import dev.pyapp.server.nodes.internal.NodeDocument;
import dev.pyapp.server.nodes.internal.NodeInstaller;
import dev.pyapp.server.nodes.internal.NodeSecrets;
import dev.pyapp.server.nodes.internal.NodeStates;
import dev.pyapp.server.nodes.internal.NodesProperties;
import dev.pyapp.server.nodes.internal.PinnedHostKey;
import dev.pyapp.server.nodes.internal.SshConnector;
import dev.pyapp.server.nodes.internal.SshNodeShell;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.stereotype.Component;

/**
 * The remote app servers (nodes): adding them with a pinned host key, installing the
 * agent on them, their state, and removing them. Nodes are kept in MongoDB; their private
 * keys and agent tokens only sealed, and never returned.
 */
@Component
public class NodeRegistry {

	/** The name that means this server itself. */
	public static final String LOCAL = "local";

	private static final Logger logger = LoggerFactory.getLogger(NodeRegistry.class);

	/** An app's stop: its grace period (TERM, then KILL) and some room. */
	/** Stopping an app, or removing it (its pre-delete hook included). */
	private static final Duration APP_END_TIMEOUT = Duration.ofMinutes(2);

	private static final String HOST_KEY_FORMAT = "expected a SHA256:… fingerprint (ssh-keygen -lf <host key>.pub) or a"
			+ " public key line";

	private final MongoOperations mongo;

	private final NodeConnections connections;

	private final NodeStates states;

	private final NodeSecrets secrets;

	private final NodeInstaller installer;

	private final NodeClient client;

	private final NodesProperties properties;

	NodeRegistry(MongoOperations mongo, NodeConnections connections, NodeStates states, NodeSecrets secrets,
			NodeInstaller installer, NodeClient client, NodesProperties properties) {
		this.mongo = mongo;
		this.connections = connections;
		this.states = states;
		this.secrets = secrets;
		this.installer = installer;
		this.client = client;
		this.properties = properties;
	}

	public List<NodeStatus> list() {
		return this.mongo.findAll(NodeDocument.class)
			.stream()
			.sorted(Comparator.comparing(NodeDocument::name))
			.map(this::status)
			.toList();
	}

	/**
	 * A node.
	 * @param name its name
	 * @return its status
	 * @throws PyappException {@code NOT_FOUND} if there is no such node
	 */
	public NodeStatus get(String name) {
		return status(document(name));
	}

	/**
	 * Adds a node: connects once to check the host key against the pin (or to pin it,
	 * when the operator accepts it) and the private key. Synchronous.
	 * @param request the node
	 * @return the node, not yet installed
	 * @throws PyappException {@code INVALID} for bad params, {@code CONFLICT} if the name
	 * is taken, {@code FORBIDDEN} for a host key that does not match (or an unknown one
	 * not accepted), {@code FAILED} if the host cannot be reached or refuses the key
	 */
	public NodeStatus add(NodeAddRequest request) {
		refuseOnAgent();
		request = withDefaultKey(request, Path.of(System.getProperty("user.home")));
		validate(request);
		if (this.mongo.findById(request.name(), NodeDocument.class) != null) {
			throw PyappException.conflict("a node named '" + request.name() + "' exists already");
		}
		String pin = (request.hostKey() != null) ? PinnedHostKey.normalize(request.hostKey()) : null;
		PinnedHostKey hostKey = (pin != null) ? PinnedHostKey.of(pin)
				: PinnedHostKey.firstContact(request.acceptHostKey());
		SshConnector.SshTarget target = new SshConnector.SshTarget(request.host(), request.port(), request.user(),
				request.privateKey(), request.keyPath());
		Session session = this.connections.connect(target, hostKey);
		session.disconnect();
		String fingerprint = (pin != null) ? pin : hostKey.presented();
		if (fingerprint == null) {
			throw PyappException.failed("node '" + request.name() + "' presented no host key", null);
		}
		String sealed = (request.privateKey() != null) ? this.secrets.encrypt(request.privateKey()) : null;
		NodeDocument node = new NodeDocument(request.name(), request.host(), request.port(), request.user(),
				fingerprint, sealed, request.keyPath(), "added", null, null, Instant.now());
		this.mongo.insert(node);
		this.states.reachable(node.name());
		logger.info("Added node '{}' ({}), host key {}", node.name(), target, fingerprint);
		return status(node);
	}

	/**
	 * Pins a node's new host key, after its host's key changed (a reinstalled host, new
	 * host keys): connects once with the new pin (or accepting the key presented now) and
	 * the node's stored credentials, then replaces the pin; the node's session is opened
	 * anew with it. Nothing on the node is touched: its agent, apps and web server keep
	 * running and are reached again.
	 * @param name the node
	 * @param hostKey the new host key's {@code SHA256:} fingerprint (or public key line),
	 * or {@code null} with {@code accept}
	 * @param accept pin the key the host presents now
	 * @return the node, with its new pin
	 * @throws PyappException {@code INVALID} unless exactly one of the two is given,
	 * {@code CONFLICT} while the node is installed or removed, {@code FORBIDDEN} for a
	 * host key that does not match the one given, {@code FAILED} if the host cannot be
	 * reached or refuses the node's private key
	 */
	public NodeStatus rekey(String name, @Nullable String hostKey, boolean accept) {
		refuseOnAgent();
		String pin = rekeyPin(hostKey, accept);
		NodeDocument node = document(name);
		if ("installing".equals(node.state()) || "removing".equals(node.state())) {
			throw PyappException.conflict(
					"node '" + name + "' is being " + ("installing".equals(node.state()) ? "installed" : "removed")
							+ ": re-pin its host key once that is done");
		}
		PinnedHostKey check = (pin != null) ? PinnedHostKey.of(pin) : PinnedHostKey.firstContact(true);
		Session session = this.connections.connect(node, check);
		session.disconnect();
		String fingerprint = (pin != null) ? pin : check.presented();
		if (fingerprint == null) {
			throw PyappException.failed("node '" + name + "' presented no host key", null);
		}
		if (fingerprint.equals(node.hostKey())) {
			return status(node);
		}
		NodeDocument rekeyed = document(name).withHostKey(fingerprint);
		this.mongo.save(rekeyed);
		// the session of the old pin (if it still stands) goes; the next use connects
		// with the new one
		this.connections.close(name);
		logger.info("Node '{}': host key {} pinned, replacing {}", name, fingerprint, node.hostKey());
		// the host just answered with the new key: calls need not wait for the next
		// health check (which records it again if the agent does not answer)
		this.states.reachable(name);
		if (rekeyed.agent() != null) {
			refreshApps(name);
		}
		return status(rekeyed);
	}

	/**
	 * The pin a re-key asks for.
	 * @return the fingerprint, or {@code null} to accept the key presented
	 */
	static @Nullable String rekeyPin(@Nullable String hostKey, boolean accept) {
		if ((hostKey != null) == accept) {
			throw PyappException.invalid("invalid host key", List.of(new Problem("host_key", accept
					? "give the new host key (host_key) or accept the one presented (accept_host_key), not both"
					: "give the new host key: its SHA256:… fingerprint (ssh-keygen -lf"
							+ " /etc/ssh/ssh_host_ed25519_key.pub on the node), or accept the one the host presents"
							+ " now (accept_host_key)")));
		}
		if (hostKey == null) {
			return null;
		}
		String pin = PinnedHostKey.normalize(hostKey);
		if (pin == null) {
			throw PyappException.invalid("invalid host key", List.of(new Problem("host_key", HOST_KEY_FORMAT)));
		}
		return pin;
	}

	/**
	 * Installs (or upgrades) the agent on a node; see {@link NodeInstaller}. Synchronous:
	 * while it runs, {@link #list()} shows its progress.
	 * @param request what to install
	 * @return the node, installed
	 * @throws PyappException {@code FAILED} with the failing step's output
	 */
	public NodeStatus install(NodeInstallRequest request) {
		refuseOnAgent();
		NodeDocument node = document(request.name());
		// "installing" without progress in memory: the server stopped in the middle of it
		if ("installing".equals(node.state()) && this.states.progress(node.name()) != null) {
			throw PyappException.conflict("node '" + node.name() + "' is being installed already");
		}
		this.states.progress(node.name(), "connect", "starting the install");
		this.mongo.save(node.withState("installing"));
		try {
			NodeDocument installed = this.installer.install(node, request, shellFor(node.name()));
			this.mongo.save(installed);
			this.states.done(node.name());
			this.states.reachable(node.name());
			return status(installed);
		}
		catch (RuntimeException ex) {
			this.states.done(node.name());
			this.mongo.save(document(node.name()).withState("failed"));
			throw ex;
		}
	}

	/**
	 * Removes a node: stops its apps (with {@code purge}: removes them, their users and
	 * cgroups too), its managed web server and its agent and uninstalls the agent
	 * (keeping the apps' data unless {@code purge}), then forgets the node. An
	 * unreachable node is forgotten all the same; what runs there is then left as it is.
	 * @param name the node
	 * @param purge whether the agent's whole home (the apps and their data) is deleted
	 * @return whether the agent was uninstalled
	 */
	public boolean remove(String name, boolean purge) {
		NodeDocument node = document(name);
		// the health check and the log puller leave a node alone while its agent stops
		this.mongo.save(node.withState("removing"));
		boolean uninstalled = false;
		if (node.agent() != null) {
			endApps(node, purge);
			stopWebServer(node);
			try {
				this.installer.uninstall(node, shellFor(name), purge);
				uninstalled = true;
			}
			catch (PyappException ex) {
				logger.warn("Node '{}' is removed without uninstalling its agent: {}", name, ex.getMessage());
			}
		}
		this.connections.close(name);
		this.mongo.remove(node);
		this.states.forget(name);
		logger.info("Removed node '{}'", name);
		return uninstalled;
	}

	/**
	 * Before the agent goes, after its apps: its managed web server outlives an agent
	 * that stops (a restarted agent adopts it), and nothing would stop it afterwards.
	 * {@code server.stop {all: true}} stops it and the agent; the agent's supervisor,
	 * stopped next, does not start the agent again.
	 */
	private void stopWebServer(NodeDocument node) {
		try {
			this.client.probe(node, "server.stop", JsonNodeFactory.instance.objectNode().put("all", true),
					APP_END_TIMEOUT);
		}
		catch (RuntimeException ex) {
			logger.warn("Node '{}': cannot stop its web server before removing the agent: {}", node.name(),
					ex.getMessage());
		}
	}

	/**
	 * Before the agent goes: its apps are stopped (their daemons outlive the agent), or,
	 * with {@code purge}, removed by the agent as {@code apps.remove} does (pre-delete
	 * hook, files, the apps' users and cgroups), which deleting the agent's home alone
	 * would leave on the host.
	 */
	private void endApps(NodeDocument node, boolean purge) {
		String verb = purge ? "remove" : "stop";
		JsonNode apps;
		try {
			apps = this.client.probe(node, "apps.list", null, Duration.ofSeconds(30));
		}
		catch (RuntimeException ex) {
			logger.warn("Node '{}': cannot list its apps to {} them before removing the agent: {}", node.name(), verb,
					ex.getMessage());
			return;
		}
		for (JsonNode app : apps) {
			String appName = app.path("name").asString(null);
			if (appName == null) {
				continue;
			}
			try {
				this.client.probe(node, "apps." + verb, JsonNodeFactory.instance.objectNode().put("name", appName),
						APP_END_TIMEOUT);
			}
			catch (RuntimeException ex) {
				logger.warn("Node '{}': cannot {} app '{}' before removing the agent: {}", node.name(), verb, appName,
						ex.getMessage());
			}
		}
	}

	/**
	 * A shell on a node, over SSH; it connects when first used and again after the
	 * connection broke.
	 * @param name the node
	 * @return the shell
	 */
	public SshNodeShell shell(String name) {
		document(name);
		return shellFor(name);
	}

	/**
	 * The apps each reachable or unreachable node reported last (each entry as its
	 * {@code apps.list} gives it).
	 * @return node name to its apps
	 */
	public Map<String, JsonNode> apps() {
		if (!this.states.anyApps()) {
			// no node has told its apps (a single host): nothing to ask the store for on
			// every apps.list
			return Map.of();
		}
		Map<String, JsonNode> apps = new TreeMap<>();
		for (NodeDocument node : this.mongo.findAll(NodeDocument.class)) {
			JsonNode list = this.states.apps(node.name());
			if (list != null) {
				apps.put(node.name(), list);
			}
		}
		return apps;
	}

	/**
	 * Asks a node for its apps now (after a change made through it), instead of waiting
	 * for the next health check.
	 * @param name the node
	 */
	public void refreshApps(String name) {
		try {
			this.states.apps(name, this.client.call(name, "apps.list", null));
		}
		catch (RuntimeException ex) {
			// the health check tries again and records why it failed
			logger.debug("Cannot list the apps of node '{}': {}", name, ex.getMessage());
		}
	}

	/**
	 * Whether this server runs as a node's agent.
	 * @return whether it is an agent
	 */
	public boolean isAgent() {
		return this.properties.agent();
	}

	private SshNodeShell shellFor(String name) {
		return new SshNodeShell(name, () -> this.connections.session(document(name)));
	}

	private NodeDocument document(String name) {
		NodeDocument node = this.mongo.findById(name, NodeDocument.class);
		if (node == null) {
			throw PyappException.notFound("no node named '" + name + "'");
		}
		return node;
	}

	private void refuseOnAgent() {
		if (this.properties.agent()) {
			throw new PyappException(ErrorKind.FORBIDDEN,
					"this server is the agent of a node: manage nodes on its manager");
		}
	}

	/**
	 * The request as it is when it names a private key, else with the key of this
	 * server's own user as its {@code key_path}: the first of {@code ~/.ssh/id_ed25519},
	 * {@code id_ecdsa} and {@code id_rsa} that is a readable file, the keys {@code ssh}
	 * tries. SPEC §6 names no key among the params of {@code nodes.add} ({@code name,
	 * host, port, user, host_key}), so a node added with only those logs in as
	 * {@code ssh user@host} from this server's user would.
	 * @param request the node to add
	 * @param home the home directory of the server's user
	 * @return the request to validate and connect with
	 */
	static NodeAddRequest withDefaultKey(NodeAddRequest request, Path home) {
		if (request.privateKey() != null || request.keyPath() != null) {
			return request;
		}
		for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
			Path key = home.resolve(".ssh").resolve(name);
			if (Files.isRegularFile(key) && Files.isReadable(key)) {
				return new NodeAddRequest(request.name(), request.host(), request.port(), request.user(),
						request.hostKey(), request.acceptHostKey(), null, key.toString());
			}
		}
		return request;
	}

	static void validate(NodeAddRequest request) {
		List<Problem> problems = new ArrayList<>();
		if (!AppId.PATTERN.matcher(request.name()).matches() || LOCAL.equals(request.name())) {
			problems.add(new Problem("name",
					"'" + request.name()
							+ "' is not a valid node name: use 1 to 40 lower-case letters, digits and hyphens, starting"
							+ " with a letter (not 'local')"));
		}
		if (!request.host().matches("^[A-Za-z0-9._:\\[\\]-]{1,253}$") || request.host().startsWith("-")) {
			problems.add(new Problem("host", "'" + request.host() + "' is not a host name or address"));
		}
		if (request.port() < 1 || request.port() > 65535) {
			problems.add(new Problem("port", "must be between 1 and 65535"));
		}
		if (!request.user().matches("^[a-z_][a-z0-9_.-]{0,31}$")) {
			problems.add(new Problem("user", "'" + request.user() + "' is not a user name"));
		}
		if ((request.privateKey() == null) == (request.keyPath() == null)) {
			problems.add(new Problem("private_key", (request.privateKey() == null)
					? "give the private key: a key file on this server (key_path) or the key's text (private_key);"
							+ " this server's user has no ~/.ssh/id_ed25519, id_ecdsa or id_rsa to use instead"
					: "give the private key once: a key file (key_path) or the key's text (private_key), not both"));
		}
		if (request.hostKey() != null && PinnedHostKey.normalize(request.hostKey()) == null) {
			problems.add(new Problem("host_key", HOST_KEY_FORMAT));
		}
		if (!problems.isEmpty()) {
			throw PyappException.invalid("invalid node", problems);
		}
	}

	private NodeStatus status(NodeDocument node) {
		NodeStates.Health health = this.states.health(node.name());
		NodeDocument.Agent agent = node.agent();
		return new NodeStatus(node.name(), node.host(), node.port(), node.user(), node.hostKey(),
				(node.sealedKey() != null) ? "private_key" : "key_path", node.state(),
				(health != null) ? health.reachable() : null, (health != null) ? health.error() : null,
				(health != null) ? health.checked() : null, this.states.progress(node.name()),
				(agent != null) ? agent.home() : null, (agent != null) ? agent.port() : null,
				(agent != null) ? agent.service() : null, (agent != null) ? agent.version() : null);
	}

}
