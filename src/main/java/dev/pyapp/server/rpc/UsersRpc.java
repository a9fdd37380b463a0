package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.security.UserAccounts;
import dev.pyapp.server.security.UserAccounts.UserInfo;
import org.jspecify.annotations.Nullable;

/**
 * {@code users.*}: the users of the web UI and their roles (admins only). A password is
 * returned once, when the server made it up.
 */
@RpcEndpoint
class UsersRpc {

	private final UserAccounts users;

	UsersRpc(UserAccounts users) {
		this.users = users;
	}

	@RpcMethod(value = "users.list", role = Role.ADMIN, readOnly = true)
	List<Map<String, Object>> list() {
		return this.users.list().stream().map(UsersRpc::describe).toList();
	}

	/**
	 * Creates a user; without {@code password} a random one is made and returned once.
	 */
	@RpcMethod(value = "users.create", role = Role.ADMIN)
	Map<String, Object> create(CreateParams params) {
		UserAccounts.Created created = this.users.create(params.username(), params.password(), role(params.role()));
		Map<String, Object> result = describe(created.user());
		if (created.password() != null) {
			result.put("password", created.password());
		}
		return result;
	}

	@RpcMethod(value = "users.update", role = Role.ADMIN)
	Map<String, Object> update(UpdateParams params) {
		return describe(this.users.setRole(params.username(), role(params.role())));
	}

	@RpcMethod(value = "users.remove", role = Role.ADMIN)
	Map<String, Object> remove(RemoveParams params) {
		this.users.remove(params.username());
		return Map.of("username", params.username(), "removed", true);
	}

	private static Role role(String value) {
		Role role = Role.parse(value);
		if (role == null) {
			throw PyappException.invalid("invalid role",
					List.of(new Problem("role", "expected one of admin, deployer, viewer")));
		}
		return role;
	}

	private static Map<String, Object> describe(UserInfo user) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("username", user.username());
		result.put("role", user.role().value());
		result.put("created", user.created().toString());
		result.put("password_changed", user.passwordChanged().toString());
		return result;
	}

	/**
	 * @param username the new user's name
	 * @param role {@code admin}, {@code deployer} or {@code viewer}
	 * @param password the password (at least 12 characters), or none for a random one
	 */
	record CreateParams(String username, String role, @Nullable String password) {

		@Override
		public String toString() {
			// never the password
			return "CreateParams[" + this.username + " " + this.role + "]";
		}

	}

	/**
	 * @param username the user
	 * @param role the new role
	 */
	record UpdateParams(String username, String role) {
	}

	/**
	 * @param username the user
	 */
	record RemoveParams(String username) {
	}

}
