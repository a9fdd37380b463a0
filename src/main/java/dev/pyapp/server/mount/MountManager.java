package dev.pyapp.server.mount;

import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.mount.internal.ApplyPipeline;
import dev.pyapp.server.mount.internal.ConfigRenderer;
import dev.pyapp.server.mount.internal.ForbiddenFolders;
import dev.pyapp.server.mount.internal.MountStaging;
import dev.pyapp.server.mount.internal.MountStateRepository;
import dev.pyapp.server.mount.internal.MountStore;
import dev.pyapp.server.mount.internal.MountTargets;
import dev.pyapp.server.mount.internal.WebServerProperties;
import dev.pyapp.server.mount.internal.WebUserAccess;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.runtime.RestartScheduler;
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Virtual servers and mounts, and the web server that serves them (SPEC §5). Changes
 * through {@code add*}/{@code remove*} are staged: they reach the web server with
 * {@link #apply()}. The removal of an app and the switch to another release of it apply
 * by themselves when the rendered configuration changes. All methods are synchronous.
 * <p>
 * A facade: the documents are the {@link MountStore}'s, the rules of staging
 * {@link MountStaging}'s, the web server {@link ApplyPipeline}'s, and the reactions to
 * events {@link MountReactions}'. Its own is the lock: every change and every apply runs
 * under this manager's monitor, so applies are serialized; {@link #mounts()},
 * {@link #urls()} and {@link #status()} read without it and never wait for an apply.
 */
@Component
public class MountManager {

	private final MountStore store;

	private final MountStaging staging;

	private final ApplyPipeline pipeline;

	MountManager(MountStateRepository states, MountTargets targets, List<ConfigRenderer> renderers,
			WebServerProperties properties, PyappHome home, NodeShell shell, HostIsolation host) {
		this(states, targets, renderers, properties, home, shell, host, (event) -> {
		}, new RestartScheduler(), true);
	}

	@Autowired
	MountManager(MountStateRepository states, MountTargets targets, List<ConfigRenderer> renderers,
			WebServerProperties properties, PyappHome home, NodeShell shell, HostIsolation host,
			ApplicationEventPublisher events, RestartScheduler restarts) {
		this(states, targets, renderers, properties, home, shell, host, events, restarts, false);
	}

	private MountManager(MountStateRepository states, MountTargets targets, List<ConfigRenderer> renderers,
			WebServerProperties properties, PyappHome home, NodeShell shell, HostIsolation host,
			ApplicationEventPublisher events, RestartScheduler restarts, boolean ownsRestarts) {
		boolean root = ApplyPipeline.runsAsRoot();
		ForbiddenFolders forbidden = new ForbiddenFolders(home.root());
		this.store = new MountStore(states);
		this.pipeline = new ApplyPipeline(this.store, targets, renderers, properties, forbidden, root, home, shell,
				host, events::publishEvent, restarts, ownsRestarts);
		this.staging = new MountStaging(this.store, targets, forbidden, new WebUserAccess(host, root));
	}

	/** The staged virtual servers, in the order they were added. */
	public synchronized List<VirtualServer> servers() {
		return this.store.staged().servers();
	}

	/**
	 * Stages a new virtual server.
	 * @param server the server; host names are kept in lower case
	 * @return the server as kept
	 * @throws PyappException {@code INVALID} (every field that fails its allow-list, by
	 * path: {@code name}, {@code hostnames[i]}, {@code listen}, {@code tls.cert},
	 * {@code tls.key}), {@code CONFLICT} for a name in use, or a host name or default
	 * already served on the same listen address
	 */
	public synchronized VirtualServer addServer(VirtualServer server) {
		return this.staging.addServer(server);
	}

	/**
	 * Stages the removal of a virtual server.
	 * @param name its name
	 * @throws PyappException {@code NOT_FOUND}, or {@code CONFLICT} while mounts use it
	 */
	public synchronized void removeServer(String name) {
		this.staging.removeServer(name);
	}

	/** The staged mounts, in the order they were added. */
	public List<Mount> mounts() {
		return this.store.staged().mounts();
	}

	/**
	 * The staged mounts of one app.
	 * @param app the app
	 * @return its mounts
	 */
	public List<Mount> mounts(AppId app) {
		return this.store.staged().mounts().stream().filter((m) -> app.value().equals(m.app())).toList();
	}

	/**
	 * Stages a new mount.
	 * @param mount the mount; a trailing slash of its path is dropped
	 * @return the mount as kept
	 * @throws PyappException {@code INVALID} (by path: {@code server}, {@code path},
	 * {@code app}, {@code folder}), {@code NOT_FOUND} for an unknown server or app,
	 * {@code CONFLICT} for a path that equals or overlaps another mount of the server
	 */
	public synchronized Mount addMount(Mount mount) {
		return this.staging.addMount(mount);
	}

	/**
	 * Stages the removal of a mount.
	 * @param server the virtual server's name
	 * @param path the mount's path prefix
	 * @throws PyappException {@code NOT_FOUND} if no such mount exists
	 */
	public synchronized void removeMount(String server, String path) {
		this.staging.removeMount(server, path);
	}

	/**
	 * Renders the staged servers and mounts, writing nothing.
	 * @param kind the web server, or {@code null} for {@code pyapp.webserver.kind}
	 * @return the configuration {@link #apply()} would install: the complete file of the
	 * managed instance, or the include file of a system web server
	 */
	public synchronized String render(@Nullable WebServerKind kind) {
		return this.pipeline.render(kind);
	}

	/**
	 * Applies the staged servers and mounts: renders, runs the web server's own
	 * configuration test, swaps the file in and reloads gracefully (starting the managed
	 * instance if it does not run).
	 * @return the web server's status
	 * @throws PyappException {@code FAILED} with the web server's own output as log; the
	 * running configuration is then untouched
	 */
	public synchronized WebServerStatus apply() {
		return this.pipeline.apply();
	}

	/**
	 * What {@link #apply()} would change.
	 * @return the staged changes and the diff of the configuration file
	 */
	public synchronized PendingChanges pending() {
		return this.pipeline.pending();
	}

	/**
	 * The URLs at which an app is served now: one per applied mount of it.
	 * @param app the app
	 * @return absolute URLs such as {@code http://localhost:8080/guestbook/}
	 */
	public List<String> urls(AppId app) {
		return urls().getOrDefault(app.value(), List.of());
	}

	/**
	 * The URLs at which each app is served now, from one read of the applied state
	 * ({@code apps.list}).
	 * @return by app name, its URLs as {@link #urls(AppId)} gives them; apps without an
	 * applied mount are left out
	 */
	public Map<String, List<String>> urls() {
		return this.store.urls();
	}

	/** The web server's kind and state, for {@code server.info}. */
	public WebServerStatus status() {
		return this.pipeline.status();
	}

	/**
	 * Stops the managed instance (it otherwise keeps serving while this server restarts,
	 * and is adopted again).
	 */
	public synchronized void stop() {
		this.pipeline.stop();
	}

	/**
	 * Drops a removed app's mounts from the staged and the applied state.
	 * @param app the app
	 */
	synchronized void dropApp(AppId app) {
		this.staging.dropApp(app);
	}

	/**
	 * Applies the applied state again if what it renders to changed; a failure is logged.
	 * @param cause what changed, for the log
	 */
	synchronized void reapply(String cause) {
		this.pipeline.reapply(cause);
	}

	/** Adopts the managed web server left running, or starts it (once ready). */
	void started() {
		this.pipeline.adoptOrStart();
	}

	@PreDestroy
	void close() {
		this.pipeline.close();
	}

}
