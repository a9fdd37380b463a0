package dev.pyapp.server.rpc;

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
		RpcError.Forbidden data = new RpcError.Forbidden(ErrorKind.FORBIDDEN.type(), method, required.value(),
				(caller != null) ? caller.role().value() : null);
		String who = (caller != null) ? caller.principal() + " has the role " + caller.role().value()
				: "the caller is not known";
		throw new RpcError(ErrorKind.FORBIDDEN.code(),
				"forbidden: " + method + " needs the role " + required.value() + "; " + who, data);
	}

}
