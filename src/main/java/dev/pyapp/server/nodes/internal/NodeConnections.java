package dev.pyapp.server.nodes.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * One SSH session per node, opened on demand and again after it broke, and the tunnel to
 * the node's agent: a local port forward from an ephemeral port of this host's 127.0.0.1
 * to the agent's port on the node's 127.0.0.1, so no port is opened on the node.
 */
@Component
public class NodeConnections implements DisposableBean {

	private final Map<String, Connection> connections = new ConcurrentHashMap<>();

	private final NodeSecrets secrets;

	private final NodesProperties properties;

	NodeConnections(NodeSecrets secrets, NodesProperties properties) {
		this.secrets = secrets;
		this.properties = properties;
	}

	/**
	 * The node's session, connected.
	 * @param node the node
	 * @return the session
	 * @throws PyappException when it cannot connect (see {@link SshConnector#connect})
	 */
	public Session session(NodeDocument node) {
		return connection(node).session;
	}

	/**
	 * The local end of the tunnel to the node's agent.
	 * @param node the node, with an agent
	 * @return a port on this host's 127.0.0.1
	 */
	public int tunnel(NodeDocument node) {
		NodeDocument.Agent agent = node.agent();
		if (agent == null) {
			throw new PyappException(ErrorKind.CONFLICT,
					"node '" + node.name() + "' has no agent installed: run nodes.install first");
		}
		Connection connection = connection(node);
		synchronized (connection) {
			if (connection.localPort == 0 || connection.agentPort != agent.port()) {
				try {
					if (connection.localPort != 0) {
						connection.session.delPortForwardingL("127.0.0.1", connection.localPort);
					}
					connection.localPort = connection.session.setPortForwardingL("127.0.0.1", 0, "127.0.0.1",
							agent.port());
					connection.agentPort = agent.port();
				}
				catch (JSchException ex) {
					throw new PyappException(ErrorKind.FAILED,
							"cannot open the tunnel to node '" + node.name() + "': " + ex.getMessage(), ex);
				}
			}
			return connection.localPort;
		}
	}

	/**
	 * Connects to a node that is not stored yet (first contact), with its own pin.
	 * @param target where
	 * @param hostKey the pin
	 * @return the session; the caller disconnects it
	 */
	public Session connect(SshConnector.SshTarget target, PinnedHostKey hostKey) {
		return SshConnector.connect(target, hostKey, this.properties.connectTimeout());
	}

	/**
	 * Connects to a stored node with another pin than its own (to re-pin its host key),
	 * with its stored credentials; the node's own session is not touched.
	 * @param node the node
	 * @param hostKey the pin to check the host key against
	 * @return the session; the caller disconnects it
	 */
	public Session connect(NodeDocument node, PinnedHostKey hostKey) {
		return connect(target(node), hostKey);
	}

	/**
	 * Closes a node's session and its tunnel.
	 * @param name the node
	 */
	public void close(String name) {
		Connection connection = this.connections.remove(name);
		if (connection != null) {
			connection.session.disconnect();
		}
	}

	/**
	 * Closes a node's session if it no longer works, so that the next use connects anew.
	 * @param name the node
	 * @return whether it was broken (or there was none)
	 */
	public boolean closeIfBroken(String name) {
		Connection connection = this.connections.get(name);
		if (connection == null) {
			return true;
		}
		if (!connection.session.isConnected()) {
			close(name);
			return true;
		}
		return false;
	}

	private Connection connection(NodeDocument node) {
		Connection connection = this.connections.get(node.name());
		if (connection != null && connection.session.isConnected() && connection.hostKey.equals(node.hostKey())) {
			return connection;
		}
		synchronized (this) {
			connection = this.connections.get(node.name());
			if (connection != null && connection.session.isConnected() && connection.hostKey.equals(node.hostKey())) {
				return connection;
			}
			if (connection != null) {
				// broken: its tunnel went with it
				connection.session.disconnect();
			}
			Session session = connect(target(node), PinnedHostKey.of(node.hostKey()));
			Connection fresh = new Connection(session, node.hostKey());
			this.connections.put(node.name(), fresh);
			return fresh;
		}
	}

	SshConnector.SshTarget target(NodeDocument node) {
		String key = (node.sealedKey() != null) ? this.secrets.decrypt(node.sealedKey()) : null;
		return new SshConnector.SshTarget(node.host(), node.port(), node.user(), key, node.keyPath());
	}

	@Override
	public void destroy() {
		this.connections.values().forEach((connection) -> connection.session.disconnect());
		this.connections.clear();
	}

	private static final class Connection {

		private final Session session;

		private final String hostKey;

		private int localPort;

		private int agentPort;

		Connection(Session session, String hostKey) {
			this.session = session;
			this.hostKey = hostKey;
		}

	}

}
