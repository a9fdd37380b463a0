package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.security.ApiToken;
import dev.pyapp.server.security.ApiTokens;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * {@code tokens.*}: API tokens created per user, for the CLI and scripts. A token's value
 * is returned once, by {@code tokens.create}; afterwards only its hash exists. Every user
 * may see and revoke every token (v1 has no roles).
 */
@RpcEndpoint
class TokensRpc {

	private final ApiTokens tokens;

	TokensRpc(ApiTokens tokens) {
		this.tokens = tokens;
	}

	@RpcMethod("tokens.list")
	List<Map<String, Object>> list() {
		return this.tokens.list().stream().map(TokensRpc::describe).toList();
	}

	@RpcMethod("tokens.create")
	Map<String, Object> create(CreateParams params) {
		ApiTokens.Created created = this.tokens.create(currentUser(), params.name());
		Map<String, Object> result = describe(created.token());
		result.put("token", created.value());
		return result;
	}

	@RpcMethod("tokens.revoke")
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
		return result;
	}

	/**
	 * @param name what the token is for
	 */
	record CreateParams(String name) {
	}

	/**
	 * @param id the token's id
	 */
	record RevokeParams(String id) {
	}

}
