package dev.pyapp.server.cli;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An error answered by the server: a JSON-RPC error object ({@code code},
 * {@code message}, {@code data}), or an HTTP refusal (401, 400 with {@code {"errors":
 * [...]}}), which carries code {@code 0} and the HTTP status.
 */
public class CliApiException extends CliException {

	private final int code;

	private final int httpStatus;

	private final @Nullable JsonNode data;

	/**
	 * Creates an exception.
	 * @param code the JSON-RPC error code, or {@code 0} for an HTTP refusal
	 * @param httpStatus the HTTP status of the response
	 * @param message the server's message
	 * @param data the error's {@code data} ({@code errors}, {@code log}, ...), if any
	 */
	public CliApiException(int code, int httpStatus, String message, @Nullable JsonNode data) {
		super(message);
		this.code = code;
		this.httpStatus = httpStatus;
		this.data = data;
	}

	/**
	 * The JSON-RPC error code ({@code -32001} not found, {@code -32002} invalid, ...).
	 * @return the code, or {@code 0} when the HTTP layer refused the request
	 */
	public int code() {
		return this.code;
	}

	public int httpStatus() {
		return this.httpStatus;
	}

	public @Nullable JsonNode data() {
		return this.data;
	}

}
