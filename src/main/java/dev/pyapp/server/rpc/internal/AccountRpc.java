package dev.pyapp.server.rpc.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.security.UserAccounts;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;

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
	AccountView get() {
		String user = TokensRpc.currentUser();
		return new AccountView(user, this.users.exists(user), this.users.usesInitialPassword(user));
	}

	/**
	 * Changes the caller's password; -32002 with {@code current} or {@code password} in
	 * {@code data.errors} when refused.
	 */
	@RpcMethod(value = "account.password.set", role = Role.VIEWER)
	PasswordChanged setPassword(PasswordParams params) {
		this.users.changePassword(TokensRpc.currentUser(), params.current(), params.password());
		return new PasswordChanged(true);
	}

	/**
	 * {@code account.get}.
	 *
	 * @param user the caller's user name
	 * @param hasPassword whether the user signs in with a password
	 * @param initialPassword whether it is still the initial password the server made up
	 */
	record AccountView(String user, @JsonProperty("has_password") boolean hasPassword,
			@JsonProperty("initial_password") boolean initialPassword) {
	}

	/**
	 * @param changed always {@code true}
	 */
	record PasswordChanged(boolean changed) {
	}

	/**
	 * @param current the current password
	 * @param password the new password
	 */
	record PasswordParams(String current, String password) {
	}

}
