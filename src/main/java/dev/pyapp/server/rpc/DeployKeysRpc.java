package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.scm.DeployKeys;
import dev.pyapp.server.security.Role;

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
	Map<String, Object> create(AppParams params) {
		return view(this.keys.create(AppId.of(params.name())));
	}

	@RpcMethod(value = "git.keys.list", role = Role.VIEWER, readOnly = true)
	List<Map<String, Object>> list() {
		return this.keys.list().stream().map(DeployKeysRpc::view).toList();
	}

	@RpcMethod(value = "git.keys.remove", role = Role.DEPLOYER)
	Map<String, Object> remove(AppParams params) {
		AppId app = AppId.of(params.name());
		if (!this.keys.remove(app)) {
			throw PyappException.notFound("app '" + app + "' has no deploy key");
		}
		return Map.of("name", app.value(), "removed", true);
	}

	private static Map<String, Object> view(DeployKeys.DeployKey key) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("name", key.app());
		if (key.publicKey() != null) {
			view.put("public_key", key.publicKey());
		}
		view.put("fingerprint", key.fingerprint());
		view.put("created", key.created().toString());
		return view;
	}

}
