package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.PendingChanges;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.mount.WebServerStatus;
import org.jspecify.annotations.Nullable;

/**
 * {@code servers.*}, {@code mounts.*} and {@code webserver.*}: virtual servers, mounts
 * and the web server configuration rendered from them.
 */
@RpcEndpoint
class MountsRpc {

	private final MountManager mounts;

	MountsRpc(MountManager mounts) {
		this.mounts = mounts;
	}

	@RpcMethod(value = "servers.list", role = Role.VIEWER, readOnly = true)
	List<Map<String, Object>> servers() {
		return this.mounts.servers().stream().map(MountsRpc::server).toList();
	}

	@RpcMethod(value = "servers.add", role = Role.DEPLOYER)
	Map<String, Object> addServer(ServerParams params) {
		VirtualServer.Tls tls = (params.tls() != null) ? new VirtualServer.Tls(params.tls().cert(), params.tls().key())
				: null;
		return server(this.mounts.addServer(new VirtualServer(params.name(), params.hostnames(), params.listen(), tls,
				Boolean.TRUE.equals(params.defaultServer()))));
	}

	@RpcMethod(value = "servers.remove", role = Role.DEPLOYER)
	Map<String, Object> removeServer(ServerKeyParams params) {
		this.mounts.removeServer(params.name());
		return Map.of("name", params.name(), "removed", true);
	}

	@RpcMethod(value = "mounts.list", role = Role.VIEWER, readOnly = true)
	List<Map<String, Object>> mounts() {
		return this.mounts.mounts().stream().map(MountsRpc::mount).toList();
	}

	@RpcMethod(value = "mounts.add", role = Role.DEPLOYER)
	Map<String, Object> addMount(MountParams params) {
		return mount(this.mounts.addMount(new Mount(params.server(), params.path(), params.app(), params.folder())));
	}

	@RpcMethod(value = "mounts.remove", role = Role.DEPLOYER)
	Map<String, Object> removeMount(MountKeyParams params) {
		if (params.app() != null && this.mounts.mounts()
			.stream()
			.noneMatch((mount) -> mount.server().equals(params.server()) && mount.path().equals(params.path())
					&& params.app().equals(mount.app()))) {
			throw PyappException
				.notFound("app '" + params.app() + "' is not mounted at " + params.server() + params.path());
		}
		this.mounts.removeMount(params.server(), params.path());
		return Map.of("server", params.server(), "path", params.path(), "removed", true);
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
	Map<String, Object> webserverStatus() {
		Map<String, Object> result = status(this.mounts.status());
		PendingChanges pending = this.mounts.pending();
		result.put("pending", pending.pending());
		result.put("changes", pending.changes());
		result.put("diff", pending.diff());
		return result;
	}

	@RpcMethod(value = "webserver.apply", role = Role.DEPLOYER)
	Map<String, Object> apply() {
		return status(this.mounts.apply());
	}

	/**
	 * The web server as {@code server.info} and {@code webserver.apply} show it.
	 * @param status the status
	 * @return {@code {kind, managed, state, pid, config, applied, message}}
	 */
	static Map<String, Object> status(WebServerStatus status) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("kind", status.kind().value());
		result.put("managed", status.managed());
		result.put("state", status.state().value());
		result.put("pid", status.pid());
		result.put("config", status.config().toString());
		result.put("applied", (status.applied() != null) ? status.applied().toString() : null);
		result.put("message", status.message());
		return result;
	}

	private static Map<String, Object> server(VirtualServer server) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("name", server.name());
		result.put("hostnames", server.hostnames());
		result.put("listen", server.listen());
		result.put("tls",
				(server.tls() != null) ? Map.of("cert", server.tls().cert(), "key", server.tls().key()) : null);
		result.put("default", server.defaultServer());
		return result;
	}

	private static Map<String, Object> mount(Mount mount) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("server", mount.server());
		result.put("path", mount.path());
		result.put("app", mount.app());
		result.put("folder", mount.folder());
		return result;
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
