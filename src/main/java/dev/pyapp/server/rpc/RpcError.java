package dev.pyapp.server.rpc;

import org.jspecify.annotations.Nullable;

/**
 * A JSON-RPC error object ({@code code}, {@code message}, optional {@code data}), thrown
 * inside the dispatcher and turned into the response's {@code error} member.
 */
class RpcError extends RuntimeException {

	static final int PARSE_ERROR = -32700;

	static final int INVALID_REQUEST = -32600;

	static final int METHOD_NOT_FOUND = -32601;

	static final int INVALID_PARAMS = -32602;

	static final int INTERNAL_ERROR = -32603;

	private final int code;

	private final @Nullable Object data;

	RpcError(int code, String message, @Nullable Object data) {
		super(message, null, false, false);
		this.code = code;
		this.data = data;
	}

	static RpcError invalidParams(String detail) {
		return new RpcError(INVALID_PARAMS, "Invalid params",
				java.util.Map.of("type", "invalid-params", "detail", detail));
	}

	int code() {
		return this.code;
	}

	@Nullable Object data() {
		return this.data;
	}

}
