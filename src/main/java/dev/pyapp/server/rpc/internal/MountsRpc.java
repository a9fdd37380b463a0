package dev.pyapp.server.rpc.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.PendingChanges;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

/**
 * {@code servers.*}, {@code mounts.*} and {@code webserver.*}: virtual servers, mounts
 * and the web server configuration rendered from them.
 */
@RpcEndpoint
public class MountsRpc {

	private final MountManager mounts;

	MountsRpc(MountManager mounts) {
		this.mounts = mounts;
	}

	@RpcMethod(value = "servers.list", role = Role.VIEWER, readOnly = true)
	List<ServerView> servers() {
		return this.mounts.servers().stream().map(ServerView::of).toList();
	}

	@RpcMethod(value = "servers.add", role = Role.DEPLOYER)
	ServerView addServer(ServerParams params) {
		VirtualServer.Tls tls = (params.tls() != null) ? new VirtualServer.Tls(params.tls().cert(), params.tls().key())
				: null;
		return ServerView.of(this.mounts.addServer(new VirtualServer(params.name(), params.hostnames(), params.listen(),
				tls, Boolean.TRUE.equals(params.defaultServer()))));
	}

	@RpcMethod(value = "servers.remove", role = Role.DEPLOYER)
	ServerRemoved removeServer(ServerKeyParams params) {
		this.mounts.removeServer(params.name());
		return new ServerRemoved(params.name(), true);
	}

	@RpcMethod(value = "mounts.list", role = Role.VIEWER, readOnly = true)
	List<MountView> mounts() {
		return this.mounts.mounts().stream().map(MountView::of).toList();
	}

	@RpcMethod(value = "mounts.add", role = Role.DEPLOYER)
	MountView addMount(MountParams params) {
		return MountView
			.of(this.mounts.addMount(new Mount(params.server(), params.path(), params.app(), params.folder())));
	}

	@RpcMethod(value = "mounts.remove", role = Role.DEPLOYER)
	MountRemoved removeMount(MountKeyParams params) {
		if (params.app() != null && this.mounts.mounts()
			.stream()
			.noneMatch((mount) -> mount.server().equals(params.server()) && mount.path().equals(params.path())
					&& params.app().equals(mount.app()))) {
			throw PyappException
				.notFound("app '" + params.app() + "' is not mounted at " + params.server() + params.path());
		}
		this.mounts.removeMount(params.server(), params.path());
		return new MountRemoved(params.server(), params.path(), true);
	}

	@RpcMethod(value = "webserver.render", role = Role.VIEWER, readOnly = true)
	String render(RenderParams params) {
		WebServerKind kind = null;
		if (params.kind() != null) {
			kind = WebServerKind.of(params.kind());
			if (kind == null) {
				throw PyappException.invalid("unknown web server",
						List.of(new Problem("kind", "expected nginx, apache or lighttpd")));
			}
		}
		return this.mounts.render(kind);
	}

	/**
	 * The web server's state (as {@code server.info} shows it) and what an apply would
	 * change: {@code pending}, {@code changes} (in words) and {@code diff} (a unified
	 * diff of the live configuration file against the staged one).
	 */
	@RpcMethod(value = "webserver.status", role = Role.VIEWER, readOnly = true)
	WebServerPending webserverStatus() {
		PendingChanges pending = this.mounts.pending();
		return new WebServerPending(WebServerView.of(this.mounts.status()), pending.pending(), pending.changes(),
				pending.diff());
	}

	@RpcMethod(value = "webserver.apply", role = Role.DEPLOYER)
	WebServerView apply() {
		return WebServerView.of(this.mounts.apply());
	}

	/**
	 * A virtual server as {@code servers.*} show it (SPEC §9 "Servers and mounts").
	 *
	 * @param name its name
	 * @param hostnames the host names it answers to
	 * @param listen {@code HOST:PORT}
	 * @param tls certificate and key paths, or {@code null} for plain HTTP
	 * @param defaultServer whether it answers for unknown host names
	 */
	record ServerView(String name, List<String> hostnames, String listen, @Nullable TlsView tls,
			@JsonProperty("default") boolean defaultServer) {

		static ServerView of(VirtualServer server) {
			return new ServerView(server.name(), server.hostnames(), server.listen(),
					(server.tls() != null) ? new TlsView(server.tls().cert(), server.tls().key()) : null,
					server.defaultServer());
		}

	}

	/**
	 * @param cert the certificate file
	 * @param key the private key file
	 */
	record TlsView(String cert, String key) {
	}

	/**
	 * @param name the removed virtual server
	 * @param removed always {@code true}
	 */
	record ServerRemoved(String name, boolean removed) {
	}

	/**
	 * A mount as {@code mounts.*} show it.
	 *
	 * @param server the virtual server
	 * @param path the path prefix
	 * @param app the app, or {@code null} for a static folder
	 * @param folder the static folder, or {@code null} for an app
	 */
	record MountView(String server, String path, @Nullable String app, @Nullable String folder) {

		static MountView of(Mount mount) {
			return new MountView(mount.server(), mount.path(), mount.app(), mount.folder());
		}

	}

	/**
	 * @param server the virtual server
	 * @param path the removed path prefix
	 * @param removed always {@code true}
	 */
	record MountRemoved(String server, String path, boolean removed) {
	}

	/**
	 * The web server as {@code server.info} and {@code webserver.apply} show it.
	 *
	 * @param kind {@code nginx}, {@code apache} or {@code lighttpd}
	 * @param managed whether the server runs its own instance
	 * @param state where it is in its life
	 * @param pid the managed instance's main process, or {@code null}
	 * @param config the live configuration file
	 * @param applied when a configuration was last applied (ISO-8601), or {@code null}
	 * @param message why the instance failed, or {@code null}
	 */
	record WebServerView(String kind, boolean managed, String state, @Nullable Long pid, String config,
			@Nullable String applied, @Nullable String message) {

		static WebServerView of(WebServerStatus status) {
			return new WebServerView(status.kind().value(), status.managed(), status.state().value(), status.pid(),
					status.config().toString(), (status.applied() != null) ? status.applied().toString() : null,
					status.message());
		}

	}

	/**
	 * {@code webserver.status}: the web server's state and what an apply would change.
	 *
	 * @param webserver the state, as {@code server.info} shows it (its members inline)
	 * @param pending whether the staged configuration differs from the live one
	 * @param changes what an apply would change, in words
	 * @param diff a unified diff of the live configuration file against the staged one
	 */
	record WebServerPending(@JsonUnwrapped WebServerView webserver, boolean pending, List<String> changes,
			String diff) {
	}

	/**
	 * @param name the virtual server's name
	 * @param hostnames the host names it answers to
	 * @param listen {@code HOST:PORT}
	 * @param tls certificate and key paths, or none for plain HTTP
	 * @param defaultServer whether it answers for unknown host names
	 */
	record ServerParams(@Nullable String name, @Nullable List<String> hostnames, @Nullable String listen,
			@Nullable TlsParams tls, @JsonProperty("default") @Nullable Boolean defaultServer) {
	}

	/**
	 * @param cert the certificate file
	 * @param key the private key file
	 */
	record TlsParams(@Nullable String cert, @Nullable String key) {
	}

	/**
	 * @param name a virtual server's name
	 */
	record NameParams(String name) {
	}

	/**
	 * @param server the virtual server
	 * @param path the path prefix
	 * @param app the app, or none for a static folder
	 * @param folder the static folder, or none for an app
	 */
	record MountParams(@Nullable String server, @Nullable String path, @Nullable String app, @Nullable String folder) {
	}

	/**
	 * @param server the virtual server
	 * @param path the path prefix
	 * @param app the app mounted there (SPEC §6 names it): when given, it must match
	 */
	record MountKeyParams(String server, String path, @Nullable String app) {
	}

	/**
	 * {@code servers.remove}: the server is named by {@code name}; the other members of
	 * SPEC §6's server object are accepted, so a client may send the object it listed.
	 *
	 * @param name the virtual server's name
	 * @param hostnames ignored
	 * @param listen ignored
	 * @param tls ignored
	 * @param defaultServer ignored
	 */
	record ServerKeyParams(String name, @Nullable List<String> hostnames, @Nullable String listen,
			@Nullable TlsParams tls, @JsonProperty("default") @Nullable Boolean defaultServer) {
	}

	/**
	 * @param kind nginx, apache or lighttpd; none for the configured kind
	 */
	record RenderParams(@Nullable String kind) {
	}

}
