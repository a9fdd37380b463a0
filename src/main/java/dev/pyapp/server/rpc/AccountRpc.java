package dev.pyapp.server.rpc;

import java.util.Map;

import dev.pyapp.server.security.Role;
import dev.pyapp.server.security.UserAccounts;

/**
 * {@code account.*}: the calling user's own account.
 */
@RpcEndpoint
class AccountRpc {

	private final UserAccounts users;

	AccountRpc(UserAccounts users) {
		this.users = users;
	}

	@RpcMethod(value = "account.get", role = Role.VIEWER, readOnly = true)
	Map<String, Object> get() {
		String user = TokensRpc.currentUser();
		return Map.of("user", user, "has_password", this.users.exists(user), "initial_password",
				this.users.usesInitialPassword(user));
	}

	/**
	 * Changes the caller's password; -32002 with {@code current} or {@code password} in
	 * {@code data.errors} when refused.
	 */
	@RpcMethod(value = "account.password.set", role = Role.VIEWER)
	Map<String, Object> setPassword(PasswordParams params) {
		this.users.changePassword(TokensRpc.currentUser(), params.current(), params.password());
		return Map.of("changed", true);
	}

	/**
	 * @param current the current password
	 * @param password the new password
	 */
	record PasswordParams(String current, String password) {
	}

}
