package dev.pyapp.server.nodes;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A node as {@code nodes.list} shows it. Holds nothing secret: neither the private key
 * nor the agent's token.
 *
 * @param name the node's name
 * @param host the SSH host
 * @param port the SSH port
 * @param user the SSH user
 * @param hostKey the pinned host key fingerprint
 * @param key how the manager authenticates: {@code private_key} (uploaded) or
 * {@code key_path}
 * @param state {@code added}, {@code installing}, {@code installed} or {@code failed}
 * @param reachable whether the node answered the last contact ({@code null} before the
 * first)
 * @param lastError what went wrong on the last failed contact
 * @param checked when it was last contacted
 * @param progress the step of the install running now, or {@code null}
 * @param agentHome the agent's {@code PYAPP_HOME} on the node
 * @param agentPort the agent's API port on the node's loopback
 * @param service how the agent runs: {@code systemd} or {@code process}
 * @param version the agent's version
 */
public record NodeStatus(String name, String host, int port, String user, String hostKey, String key, String state,
		@Nullable Boolean reachable, @Nullable String lastError, @Nullable Instant checked, @Nullable Progress progress,
		@Nullable String agentHome, @Nullable Integer agentPort, @Nullable String service, @Nullable String version) {

	/**
	 * The step an install is at.
	 *
	 * @param step its short name ({@code connect}, {@code check}, {@code packages},
	 * {@code upload}, {@code service}, {@code start})
	 * @param message what it is doing, for a person
	 */
	public record Progress(String step, String message) {
	}

}
