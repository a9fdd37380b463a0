package dev.pyapp.server.nodes.internal;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A node as stored in MongoDB. The private key and the agent's token are stored sealed by
 * {@link NodeSecrets}.
 *
 * @param name the node's name
 * @param host the SSH host
 * @param port the SSH port
 * @param user the SSH user
 * @param hostKey the pinned host key fingerprint ({@code SHA256:…})
 * @param sealedKey the sealed private key, or {@code null} when {@code keyPath} is used
 * @param keyPath a private key file on this server, or {@code null}
 * @param state {@code added}, {@code installing}, {@code installed} or {@code failed}
 * @param agent the installed agent, or {@code null}
 * @param logCursor the id of the newest log record pulled from the agent
 * @param created when the node was added
 */
@Document("nodes")
public record NodeDocument(@Id String name, String host, int port, String user, String hostKey,
		@Nullable String sealedKey, @Nullable String keyPath, String state, @Nullable Agent agent,
		@Nullable String logCursor, Instant created) {

	public NodeDocument withState(String state) {
		return new NodeDocument(this.name, this.host, this.port, this.user, this.hostKey, this.sealedKey, this.keyPath,
				state, this.agent, this.logCursor, this.created);
	}

	/**
	 * The node with another pinned host key (re-pinned by the operator).
	 * @param hostKey the new {@code SHA256:} fingerprint
	 * @return the node
	 */
	public NodeDocument withHostKey(String hostKey) {
		return new NodeDocument(this.name, this.host, this.port, this.user, hostKey, this.sealedKey, this.keyPath,
				this.state, this.agent, this.logCursor, this.created);
	}

	NodeDocument withAgent(@Nullable Agent agent, String state) {
		return new NodeDocument(this.name, this.host, this.port, this.user, this.hostKey, this.sealedKey, this.keyPath,
				state, agent, this.logCursor, this.created);
	}

	/**
	 * The agent on a node.
	 *
	 * @param home its {@code PYAPP_HOME} on the node
	 * @param port its API port on the node's 127.0.0.1
	 * @param service {@code systemd} or {@code process} (a supervised background process)
	 * @param webserver the web server kind it manages
	 * @param sealedToken its sealed API token
	 * @param version the server version it reported
	 * @param installed when it was installed
	 */
	public record Agent(String home, int port, String service, String webserver, String sealedToken,
			@Nullable String version, Instant installed) {
	}

}
