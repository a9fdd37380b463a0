package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.ApiToken;
import dev.pyapp.server.security.ApiTokens;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * {@code tokens.*}: API tokens created per user, for the CLI and scripts, each with a
 * role (at most its user's). A token's value is returned once, by {@code tokens.create};
 * afterwards only its hash exists. Admins only (SPEC §10).
 */
@RpcEndpoint
class TokensRpc {

	private final ApiTokens tokens;

	private final Callers callers;

	TokensRpc(ApiTokens tokens, Callers callers) {
		this.tokens = tokens;
		this.callers = callers;
	}

	@RpcMethod(value = "tokens.list", role = Role.ADMIN, readOnly = true)
	List<Map<String, Object>> list() {
		return this.tokens.list().stream().map(TokensRpc::describe).toList();
	}

	@RpcMethod(value = "tokens.create", role = Role.ADMIN)
	Map<String, Object> create(CreateParams params) {
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
		Map<String, Object> result = describe(created.token());
		result.put("token", created.value());
		return result;
	}

	@RpcMethod(value = "tokens.revoke", role = Role.ADMIN)
	Map<String, Object> revoke(RevokeParams params) {
		Map<String, Object> result = describe(this.tokens.revoke(params.id()));
		result.put("revoked", true);
		return result;
	}

	static String currentUser() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()) {
			throw new PyappException(ErrorKind.FORBIDDEN, "not authenticated");
		}
		return authentication.getName();
	}

	private static Map<String, Object> describe(ApiToken token) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", token.id());
		result.put("name", token.name());
		result.put("user", token.user());
		result.put("created", token.created().toString());
		result.put("last_used", (token.lastUsed() != null) ? token.lastUsed().toString() : null);
		result.put("role", token.effectiveRole().value());
		return result;
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
