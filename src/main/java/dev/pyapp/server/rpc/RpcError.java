package dev.pyapp.server.rpc;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
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
		return invalidParams(detail, null);
	}

	/**
	 * Invalid params with the params at fault, in the {@code {path, message}} form of
	 * {@code -32002}'s {@code data.errors} (SPEC §6), so that a client reads both alike.
	 * @param detail what went wrong, in one line
	 * @param errors every param at fault, or {@code null} when none can be named
	 * @return the error
	 */
	static RpcError invalidParams(String detail, @Nullable List<ProblemView> errors) {
		return new RpcError(INVALID_PARAMS, "Invalid params",
				new Detail("invalid-params", detail, (errors == null || errors.isEmpty()) ? null : errors));
	}

	/**
	 * The {@code data.log} of an error: what the failing step printed, {@code ""} for a
	 * {@code failed} one that printed nothing (SPEC §6: a client reads {@code data.log}
	 * of every -32005), {@code null} (absent) for the other kinds.
	 * @param ex the error
	 * @return its log
	 */
	static @Nullable String log(PyappException ex) {
		return (ex.getKind() == ErrorKind.FAILED && ex.getLog() == null) ? "" : ex.getLog();
	}

	int code() {
		return this.code;
	}

	@Nullable Object data() {
		return this.data;
	}

	/**
	 * The {@code data} of an application error (SPEC §6): {@code errors} only for
	 * {@code invalid}, {@code log} only for {@code failed} (always, {@code ""} when the
	 * failing step printed nothing).
	 *
	 * @param type the error's stable type, such as {@code not-found}
	 * @param errors every problem, by path; absent when there are none
	 * @param log what the failing step printed; absent when not {@code failed}
	 * @param hint what to do about a {@code failed} one, when the server knows
	 * ({@link ReleaseWrites}); absent otherwise
	 */
	record ErrorData(String type, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<ProblemView> errors,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String log,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String hint) {
	}

	/**
	 * The {@code data} of an invalid-params or internal error.
	 *
	 * @param type {@code invalid-params} or {@code internal}
	 * @param detail what went wrong
	 * @param errors for invalid params, each param at fault; absent when none is named
	 */
	record Detail(String type, @Nullable String detail,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<ProblemView> errors) {

		Detail(String type, @Nullable String detail) {
			this(type, detail, null);
		}

	}

	/**
	 * @param method the method that does not exist
	 */
	record MethodNotFound(String method) {
	}

	/**
	 * The {@code data} of a refused call (SPEC §10).
	 *
	 * @param type {@code forbidden}
	 * @param method the method
	 * @param requiredRole the least role that may call it
	 * @param role the caller's role, or {@code null} when the caller is not known
	 */
	record Forbidden(String type, String method, @JsonProperty("required_role") String requiredRole,
			@Nullable String role) {
	}

}
