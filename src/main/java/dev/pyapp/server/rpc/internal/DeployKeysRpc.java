package dev.pyapp.server.rpc.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.scm.DeployKeys;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

/**
 * {@code git.keys.*}: the deploy keys that git apps reached over SSH authenticate with.
 * The public half is returned once, by {@code git.keys.create}.
 */
@RpcEndpoint
class DeployKeysRpc {

	private final DeployKeys keys;

	DeployKeysRpc(DeployKeys keys) {
		this.keys = keys;
	}

	@RpcMethod(value = "git.keys.create", role = Role.DEPLOYER)
	DeployKeyView create(AppParams params) {
		return DeployKeyView.of(this.keys.create(AppId.of(params.name())));
	}

	@RpcMethod(value = "git.keys.list", role = Role.VIEWER, readOnly = true)
	List<DeployKeyView> list() {
		return this.keys.list().stream().map(DeployKeyView::of).toList();
	}

	@RpcMethod(value = "git.keys.remove", role = Role.DEPLOYER)
	KeyRemoved remove(AppParams params) {
		AppId app = AppId.of(params.name());
		if (!this.keys.remove(app)) {
			throw PyappException.notFound("app '" + app + "' has no deploy key");
		}
		return new KeyRemoved(app.value(), true);
	}

	/**
	 * A deploy key as {@code git.keys.*} show it.
	 *
	 * @param name the app
	 * @param publicKey the public half in OpenSSH's format; absent when unknown
	 * @param fingerprint its {@code SHA256:} fingerprint
	 * @param created when it was made (ISO-8601)
	 */
	record DeployKeyView(String name,
			@JsonProperty("public_key") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String publicKey,
			String fingerprint, String created) {

		static DeployKeyView of(DeployKeys.DeployKey key) {
			return new DeployKeyView(key.app(), key.publicKey(), key.fingerprint(), key.created().toString());
		}

	}

	/**
	 * @param name the app whose key was removed
	 * @param removed always {@code true}
	 */
	record KeyRemoved(String name, boolean removed) {
	}

}
