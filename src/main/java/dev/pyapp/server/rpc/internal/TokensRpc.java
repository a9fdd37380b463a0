package dev.pyapp.server.rpc.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.ApiToken;
import dev.pyapp.server.security.ApiTokens;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * {@code tokens.*}: API tokens created per user, for the CLI and scripts, each with a
 * role (at most its user's). A token's value is returned once, by {@code tokens.create};
 * afterwards only its hash exists. Admins only (SPEC §10).
 */
@RpcEndpoint
public class TokensRpc {

	private final ApiTokens tokens;

	private final Callers callers;

	TokensRpc(ApiTokens tokens, Callers callers) {
		this.tokens = tokens;
		this.callers = callers;
	}

	@RpcMethod(value = "tokens.list", role = Role.ADMIN, readOnly = true)
	List<TokenView> list() {
		return this.tokens.list().stream().map(TokenView::of).toList();
	}

	@RpcMethod(value = "tokens.create", role = Role.ADMIN)
	TokenCreated create(CreateParams params) {
		Caller caller = this.callers.current();
		Role role = (caller != null) ? caller.role() : Role.VIEWER;
		if (params.role() != null) {
			Role asked = Role.parse(params.role());
			if (asked == null) {
				throw PyappException.invalid("invalid token",
						List.of(new Problem("role", "expected one of admin, deployer, viewer")));
			}
			if (!role.includes(asked)) {
				throw new PyappException(ErrorKind.FORBIDDEN,
						"a token may not do more than its user: you have the role " + role.value());
			}
			role = asked;
		}
		ApiTokens.Created created = this.tokens.create(currentUser(), params.name(), role);
		return new TokenCreated(TokenView.of(created.token()), created.value());
	}

	@RpcMethod(value = "tokens.revoke", role = Role.ADMIN)
	TokenRevoked revoke(RevokeParams params) {
		return new TokenRevoked(TokenView.of(this.tokens.revoke(params.id())), true);
	}

	public static String currentUser() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()) {
			throw new PyappException(ErrorKind.FORBIDDEN, "not authenticated");
		}
		return authentication.getName();
	}

	/**
	 * A token as {@code tokens.*} show it: never its value (but once) nor its hash.
	 *
	 * @param id the token's id
	 * @param name what it is for
	 * @param user whose it is
	 * @param created when it was created (ISO-8601)
	 * @param lastUsed when it was last used (ISO-8601), or {@code null}
	 * @param role what it may do
	 */
	record TokenView(String id, String name, String user, String created,
			@JsonProperty("last_used") @Nullable String lastUsed, String role) {

		static TokenView of(ApiToken token) {
			return new TokenView(token.id(), token.name(), token.user(), token.created().toString(),
					(token.lastUsed() != null) ? token.lastUsed().toString() : null, token.effectiveRole().value());
		}

	}

	/**
	 * {@code tokens.create}: the only result that shows the token's value.
	 *
	 * @param described the token (its members inline)
	 * @param token its value
	 */
	record TokenCreated(@JsonUnwrapped TokenView described, String token) {

		@Override
		public String toString() {
			// never the value
			return "TokenCreated[" + this.described.id() + "]";
		}

	}

	/**
	 * @param described the token (its members inline)
	 * @param revoked always {@code true}
	 */
	record TokenRevoked(@JsonUnwrapped TokenView described, boolean revoked) {
	}

	/**
	 * @param name what the token is for
	 * @param role what it may do: {@code admin}, {@code deployer} or {@code viewer}
	 * (default: the caller's role; never more)
	 */
	record CreateParams(String name, @Nullable String role) {
	}

	/**
	 * @param id the token's id
	 */
	record RevokeParams(String id) {
	}

}
