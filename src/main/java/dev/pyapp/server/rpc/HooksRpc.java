package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.scm.CreatedHook;
import dev.pyapp.server.scm.HookDeliveries;
import dev.pyapp.server.scm.HookInfo;
import dev.pyapp.server.scm.HookProvider;
import dev.pyapp.server.scm.PostCommitHooks;
import org.jspecify.annotations.Nullable;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code hooks.*}: post-commit hooks that make a git app update itself. The secret is
 * returned by {@code hooks.create} only.
 */
@RpcEndpoint
class HooksRpc {

	private final PostCommitHooks hooks;

	private final AppRegistry registry;

	private final HookDeliveries deliveries;

	HooksRpc(PostCommitHooks hooks, AppRegistry registry, HookDeliveries deliveries) {
		this.hooks = hooks;
		this.registry = registry;
		this.deliveries = deliveries;
	}

	@RpcMethod(value = "hooks.create", role = Role.DEPLOYER)
	Map<String, Object> create(CreateParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		String providerName = (params.provider() != null) ? params.provider() : HookProvider.GENERIC.value();
		HookProvider provider = HookProvider.of(providerName);
		if (provider == null) {
			throw PyappException.invalid("unknown provider", List.of(new Problem("provider",
					"'" + providerName + "' is not a provider: expected github, gitlab, gitea or generic")));
		}
		CreatedHook hook = this.hooks.create(app, provider, requestBaseUrl());
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", hook.id());
		result.put("url", hook.url());
		result.put("secret", hook.secret());
		result.put("name", app.value());
		result.put("provider", provider.value());
		result.put("signature", signature(provider.value()));
		result.put("loopback", loopback(hook.url()));
		return result;
	}

	@RpcMethod(value = "hooks.list", role = Role.VIEWER, readOnly = true)
	List<Map<String, Object>> list(AppParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		return this.hooks.list(app).stream().map((hook) -> {
			Map<String, Object> result = hook(hook);
			result.put("signature", signature(hook.provider()));
			result.put("loopback", loopback(hook.url()));
			result.put("last_delivery", this.deliveries.last(hook.id()).map((delivery) -> {
				Map<String, Object> value = new LinkedHashMap<>();
				value.put("time", delivery.time().toString());
				value.put("status", delivery.status());
				value.put("outcome", delivery.outcome());
				value.put("message", delivery.message());
				return value;
			}).orElse(null));
			return result;
		}).toList();
	}

	@RpcMethod(value = "hooks.remove", role = Role.DEPLOYER)
	Map<String, Object> remove(RemoveParams params) {
		if (params.id() == null) {
			return removeByApp(params);
		}
		HookInfo removed = this.hooks.remove(params.id());
		Map<String, Object> result = hook(removed);
		result.put("removed", true);
		return result;
	}

	/** SPEC §6 names hooks by app and provider: remove those. */
	private Map<String, Object> removeByApp(RemoveParams params) {
		if (params.name() == null) {
			throw PyappException.invalid("nothing to remove",
					List.of(new Problem("id", "give a hook's id, or the app's name (and a provider)")));
		}
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		List<HookInfo> matching = this.hooks.list(app)
			.stream()
			.filter((hook) -> params.provider() == null || params.provider().equals(hook.provider()))
			.toList();
		matching.forEach((hook) -> this.hooks.remove(hook.id()));
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("name", app.value());
		result.put("removed", matching.size());
		return result;
	}

	private static Map<String, Object> hook(HookInfo hook) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", hook.id());
		result.put("name", hook.app());
		result.put("provider", hook.provider());
		result.put("url", hook.url());
		result.put("created", hook.created().toString());
		return result;
	}

	/**
	 * How a sender signs a delivery, for the operator who sets it up.
	 */
	static String signature(String provider) {
		return switch (provider) {
			case "github" -> "GitHub signs each delivery with the secret: X-Hub-Signature-256: sha256=<HMAC-SHA256 of"
					+ " the body> (choose content type application/json and the push event)";
			case "gitlab" -> "GitLab sends the secret as it is: X-Gitlab-Token: <secret> (push events)";
			case "gitea" -> "Gitea signs each delivery with the secret: X-Gitea-Signature: <HMAC-SHA256 of the body,"
					+ " hex> (push events)";
			default -> "POST the push as JSON with X-Pyapp-Signature: sha256=<hex of HMAC-SHA256(secret, raw body)>"
					+ " and a unique X-Pyapp-Delivery id; pyapp hooks install-git writes such a post-receive hook";
		};
	}

	/**
	 * Whether a hook URL names this host only (a git host elsewhere cannot call it).
	 */
	static boolean loopback(String url) {
		try {
			String host = java.net.URI.create(url).getHost();
			return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
					|| host.equals("::1"));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static @Nullable String requestBaseUrl() {
		try {
			return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
		}
		catch (IllegalStateException ex) {
			// not called within an HTTP request: only pyapp.scm.public-url can tell
			return null;
		}
	}

	/**
	 * @param name the app
	 * @param provider {@code github}, {@code gitlab}, {@code gitea} or {@code generic}
	 * (the default)
	 */
	record CreateParams(String name, @Nullable String provider) {
	}

	/**
	 * @param id the hook's id
	 * @param name or the app whose hooks are removed
	 * @param provider with {@code name}: only that provider's hooks
	 */
	record RemoveParams(@Nullable String id, @Nullable String name, @Nullable String provider) {
	}

}
