package dev.pyapp.server.rpc.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.security.UserAccounts;
import dev.pyapp.server.security.UserAccounts.UserInfo;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
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
	List<UserView> list() {
		return this.users.list().stream().map(UserView::of).toList();
	}

	/**
	 * Creates a user; without {@code password} a random one is made and returned once.
	 */
	@RpcMethod(value = "users.create", role = Role.ADMIN)
	UserCreated create(CreateParams params) {
		UserAccounts.Created created = this.users.create(params.username(), params.password(), role(params.role()));
		return new UserCreated(UserView.of(created.user()), created.password());
	}

	@RpcMethod(value = "users.update", role = Role.ADMIN)
	UserView update(UpdateParams params) {
		return UserView.of(this.users.setRole(params.username(), role(params.role())));
	}

	@RpcMethod(value = "users.remove", role = Role.ADMIN)
	UserRemoved remove(RemoveParams params) {
		this.users.remove(params.username());
		return new UserRemoved(params.username(), true);
	}

	private static Role role(String value) {
		Role role = Role.parse(value);
		if (role == null) {
			throw PyappException.invalid("invalid role",
					List.of(new Problem("role", "expected one of admin, deployer, viewer")));
		}
		return role;
	}

	/**
	 * A user as {@code users.*} show it: never a password hash.
	 *
	 * @param username the user
	 * @param role {@code admin}, {@code deployer} or {@code viewer}
	 * @param created when the user was created (ISO-8601)
	 * @param passwordChanged when the password last changed (ISO-8601)
	 */
	record UserView(String username, String role, String created,
			@JsonProperty("password_changed") String passwordChanged) {

		static UserView of(UserInfo user) {
			return new UserView(user.username(), user.role().value(), user.created().toString(),
					user.passwordChanged().toString());
		}

	}

	/**
	 * {@code users.create}.
	 *
	 * @param described the user (its members inline)
	 * @param password the password the server made up, shown this once; absent when the
	 * caller chose it
	 */
	record UserCreated(@JsonUnwrapped UserView described,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String password) {

		@Override
		public String toString() {
			// never the password
			return "UserCreated[" + this.described.username() + "]";
		}

	}

	/**
	 * @param username the removed user
	 * @param removed always {@code true}
	 */
	record UserRemoved(String username, boolean removed) {
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
