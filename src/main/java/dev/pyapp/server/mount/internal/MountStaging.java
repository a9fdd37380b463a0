package dev.pyapp.server.mount.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.mount.Mount;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.VirtualServer;

/**
 * The rules of the staged model: validates and stages the additions and removals of
 * virtual servers and mounts (allow-lists, conflicts, overlaps, unknown servers and apps,
 * forbidden and unreadable folders), and drops a removed app's mounts. It writes through
 * the {@link MountStore}; {@link MountManager} calls it under its lock only.
 */
public class MountStaging {

	private final MountStore store;

	private final MountTargets targets;

	private final ForbiddenFolders forbidden;

	private final WebUserAccess webAccess;

	public MountStaging(MountStore store, MountTargets targets, ForbiddenFolders forbidden, WebUserAccess webAccess) {
		this.store = store;
		this.targets = targets;
		this.forbidden = forbidden;
		this.webAccess = webAccess;
	}

	/** See {@link MountManager#addServer}. */
	public VirtualServer addServer(VirtualServer server) {
		VirtualServer normalized = new VirtualServer(server.name(),
				server.hostnames()
					.stream()
					.map((host) -> (host != null) ? host.toLowerCase(Locale.ROOT) : null)
					.toList(),
				server.listen(), server.tls(), server.defaultServer());
		MountValidator.check(normalized);
		MountState staged = this.store.staged();
		for (VirtualServer other : staged.servers()) {
			if (other.name().equals(normalized.name())) {
				throw PyappException.conflict("a virtual server named '" + other.name() + "' exists");
			}
			if (!other.listen().equals(normalized.listen())) {
				continue;
			}
			if ((other.tls() == null) != (normalized.tls() == null)) {
				throw PyappException.conflict("virtual server '" + other.name() + "' serves " + normalized.listen()
						+ ((other.tls() == null) ? " without" : " with") + " TLS");
			}
			if (other.defaultServer() && normalized.defaultServer()) {
				throw PyappException
					.conflict("virtual server '" + other.name() + "' is already the default of " + other.listen());
			}
			for (String host : normalized.hostnames()) {
				if (other.hostnames().contains(host)) {
					throw PyappException.conflict("virtual server '" + other.name() + "' already answers to '" + host
							+ "' on " + other.listen());
				}
			}
		}
		List<VirtualServer> servers = new ArrayList<>(staged.servers());
		servers.add(normalized);
		this.store.save(staged.withServers(servers));
		return normalized;
	}

	/** See {@link MountManager#removeServer}. */
	public void removeServer(String name) {
		MountState staged = this.store.staged();
		VirtualServer server = staged.servers()
			.stream()
			.filter((s) -> s.name().equals(name))
			.findFirst()
			.orElseThrow(() -> PyappException.notFound("no virtual server named '" + name + "'"));
		List<String> used = staged.mounts().stream().filter((m) -> m.server().equals(name)).map(Mount::path).toList();
		if (!used.isEmpty()) {
			throw PyappException.conflict("virtual server '" + name + "' still has mounts at " + String.join(", ", used)
					+ ": remove them first");
		}
		this.store.save(staged.withServers(staged.servers().stream().filter((s) -> s != server).toList()));
	}

	/** See {@link MountManager#addMount}. */
	public Mount addMount(Mount mount) {
		MountValidator.check(mount);
		if (mount.folder() != null) {
			this.forbidden.check("folder", mount.folder());
			this.webAccess.requireReadable(Path.of(mount.folder()));
		}
		Mount normalized = new Mount(mount.server(), MountValidator.normalizePath(mount.path()), mount.app(),
				mount.folder());
		MountState staged = this.store.staged();
		if (staged.servers().stream().noneMatch((s) -> s.name().equals(normalized.server()))) {
			throw PyappException.notFound("no virtual server named '" + normalized.server() + "'");
		}
		if (normalized.app() != null && this.targets.target(AppId.of(normalized.app())).isEmpty()) {
			throw PyappException.notFound("no app named '" + normalized.app() + "' is installed");
		}
		for (Mount other : staged.mounts()) {
			if (other.server().equals(normalized.server()) && other.overlaps(normalized.path())) {
				throw PyappException.conflict("'" + normalized.path() + "' overlaps the mount at '" + other.path()
						+ "' of virtual server '" + other.server() + "'");
			}
		}
		List<Mount> mounts = new ArrayList<>(staged.mounts());
		mounts.add(normalized);
		this.store.save(staged.withMounts(mounts));
		return normalized;
	}

	/** See {@link MountManager#removeMount}. */
	public void removeMount(String server, String path) {
		MountState staged = this.store.staged();
		String normalized = MountValidator.normalizePath(path);
		List<Mount> kept = staged.mounts()
			.stream()
			.filter((m) -> !(m.server().equals(server) && m.path().equals(normalized)))
			.toList();
		if (kept.size() == staged.mounts().size()) {
			throw PyappException.notFound("no mount at '" + path + "' of virtual server '" + server + "'");
		}
		this.store.save(staged.withMounts(kept));
	}

	/**
	 * Drops the mounts of a removed app from both the staged and the applied documents.
	 * @param app the app
	 */
	public void dropApp(AppId app) {
		for (String id : List.of(MountState.STAGED, MountState.APPLIED)) {
			MountState state = this.store.state(id);
			List<Mount> kept = state.mounts().stream().filter((m) -> !app.value().equals(m.app())).toList();
			if (kept.size() != state.mounts().size()) {
				this.store.save(state.withMounts(kept));
			}
		}
	}

}
