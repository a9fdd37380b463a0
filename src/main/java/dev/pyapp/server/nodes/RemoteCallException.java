package dev.pyapp.server.nodes;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A node's agent answered a call with a JSON-RPC error; the caller passes it on
 * unchanged.
 */
public class RemoteCallException extends RuntimeException {

	private final int code;

	private final @Nullable JsonNode data;

	RemoteCallException(int code, String message, @Nullable JsonNode data) {
		super(message, null, false, false);
		this.code = code;
		this.data = data;
	}

	/**
	 * The agent's error code.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * The agent's error data.
	 * @return the data, or {@code null}
	 */
	public @Nullable JsonNode data() {
		return this.data;
	}

}
