package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Role;
import org.jspecify.annotations.Nullable;

/**
 * The role check of every call: the caller's role must include the least role the method
 * declares ({@link RpcMethod#role()}). A refusal is -32004 naming both roles.
 */
final class RpcAccess {

	private RpcAccess() {
	}

	/**
	 * Checks a call.
	 * @param method the method's name
	 * @param rule its declaration
	 * @param caller the caller, or {@code null} when unknown
	 * @throws RpcError -32004 when the caller may not call it
	 */
	static void check(String method, RpcMethod rule, @Nullable Caller caller) {
		Role required = rule.role();
		if (caller != null && caller.role().includes(required)) {
			return;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("type", ErrorKind.FORBIDDEN.type());
		data.put("method", method);
		data.put("required_role", required.value());
		data.put("role", (caller != null) ? caller.role().value() : null);
		String who = (caller != null) ? caller.principal() + " has the role " + caller.role().value()
				: "the caller is not known";
		throw new RpcError(ErrorKind.FORBIDDEN.code(),
				"forbidden: " + method + " needs the role " + required.value() + "; " + who, data);
	}

}
