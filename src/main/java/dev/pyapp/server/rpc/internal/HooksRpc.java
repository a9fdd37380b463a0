package dev.pyapp.server.rpc.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
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
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
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
	HookCreated create(CreateParams params) {
		AppId app = AppId.of(params.name());
		if (!this.registry.get(app).source().isGit()) {
			// a push could never update it: the hook would accept deliveries and do
			// nothing
			throw PyappException.conflict("the app '" + app
					+ "' is installed from an archive, not from git: a post-commit hook cannot update it");
		}
		HookProvider provider = provider(
				(params.provider() != null) ? params.provider() : HookProvider.GENERIC.value());
		CreatedHook hook = this.hooks.create(app, provider, requestBaseUrl());
		return new HookCreated(hook.id(), hook.url(), hook.secret(), app.value(), provider.value(),
				signature(provider.value()), loopback(hook.url()));
	}

	@RpcMethod(value = "hooks.list", role = Role.VIEWER, readOnly = true)
	List<HookView> list(AppParams params) {
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		return this.hooks.list(app)
			.stream()
			.map((hook) -> new HookView(hook.id(), hook.app(), hook.provider(), hook.url(), hook.created().toString(),
					signature(hook.provider()), loopback(hook.url()),
					this.deliveries.last(hook.id()).map(DeliveryView::of).orElse(null)))
			.toList();
	}

	@RpcMethod(value = "hooks.remove", role = Role.DEPLOYER)
	Removal remove(RemoveParams params) {
		if (params.id() == null) {
			return removeByApp(params);
		}
		HookInfo removed = this.hooks.remove(params.id());
		return new HookRemoved(removed.id(), removed.app(), removed.provider(), removed.url(),
				removed.created().toString(), true);
	}

	/** SPEC §6 names hooks by app and provider: remove those. */
	private HooksRemoved removeByApp(RemoveParams params) {
		if (params.name() == null) {
			throw PyappException.invalid("nothing to remove",
					List.of(new Problem("id", "give a hook's id, or the app's name (and a provider)")));
		}
		AppId app = AppId.of(params.name());
		this.registry.get(app);
		// a misspelt provider matched no hook and removed nothing, silently
		String provider = (params.provider() != null) ? provider(params.provider()).value() : null;
		List<HookInfo> matching = this.hooks.list(app)
			.stream()
			.filter((hook) -> provider == null || provider.equals(hook.provider()))
			.toList();
		matching.forEach((hook) -> this.hooks.remove(hook.id()));
		return new HooksRemoved(app.value(), matching.size());
	}

	private static HookProvider provider(String name) {
		HookProvider provider = HookProvider.of(name);
		if (provider == null) {
			throw PyappException.invalid("unknown provider", List.of(new Problem("provider",
					"'" + name + "' is not a provider: expected github, gitlab, gitea or generic")));
		}
		return provider;
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
	 * {@code hooks.create}: the only result that shows the secret (SPEC §9 "Post-commit
	 * hooks").
	 *
	 * @param id the hook's id
	 * @param url the absolute URL a git host posts to
	 * @param secret the secret deliveries are signed with
	 * @param name the app
	 * @param provider {@code github}, {@code gitlab}, {@code gitea} or {@code generic}
	 * @param signature how the sender signs a delivery, in words
	 * @param loopback whether the URL names this host only
	 */
	record HookCreated(String id, String url, String secret, String name, String provider, String signature,
			boolean loopback) {

		@Override
		public String toString() {
			// never the secret
			return "HookCreated[" + this.id + " " + this.name + "]";
		}

	}

	/**
	 * A hook as {@code hooks.list} shows it.
	 *
	 * @param id the hook's id
	 * @param name the app
	 * @param provider the provider
	 * @param url the URL a git host posts to
	 * @param created when it was created (ISO-8601)
	 * @param signature how the sender signs a delivery, in words
	 * @param loopback whether the URL names this host only
	 * @param lastDelivery the last delivery, or {@code null} before the first
	 */
	record HookView(String id, String name, String provider, String url, String created, String signature,
			boolean loopback, @JsonProperty("last_delivery") @Nullable DeliveryView lastDelivery) {
	}

	/**
	 * @param time when it arrived (ISO-8601)
	 * @param status the HTTP status it was answered with
	 * @param outcome what became of it
	 * @param message more about it, or {@code null}
	 */
	record DeliveryView(String time, int status, String outcome, @Nullable String message) {

		static DeliveryView of(HookDeliveries.LastDelivery delivery) {
			return new DeliveryView(delivery.time().toString(), delivery.status(), delivery.outcome(),
					delivery.message());
		}

	}

	/** What {@code hooks.remove} removed: one hook by id, or an app's hooks. */
	sealed interface Removal permits HookRemoved, HooksRemoved {

	}

	/**
	 * @param id the removed hook
	 * @param name its app
	 * @param provider its provider
	 * @param url its URL
	 * @param created when it was created (ISO-8601)
	 * @param removed always {@code true}
	 */
	record HookRemoved(String id, String name, String provider, String url, String created,
			boolean removed) implements Removal {
	}

	/**
	 * @param name the app
	 * @param removed how many hooks were removed
	 */
	record HooksRemoved(String name, int removed) implements Removal {
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
