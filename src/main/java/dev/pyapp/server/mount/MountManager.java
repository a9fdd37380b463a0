package dev.pyapp.server.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.ReleaseActivated;
import dev.pyapp.server.runtime.AppStarted;
import dev.pyapp.server.runtime.AppSwitching;
import dev.pyapp.server.runtime.RestartScheduler;
import dev.pyapp.server.install.AppRemoved;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import jakarta.annotation.PreDestroy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Virtual servers and mounts, and the web server that serves them (SPEC §5). Changes
 * through {@code add*}/{@code remove*} are staged: they reach the web server with
 * {@link #apply()}. The removal of an app and the switch to another release of it apply
 * by themselves when the rendered configuration changes. All methods are synchronous.
 */
@Component
public class MountManager {

	private static final Logger logger = LoggerFactory.getLogger(MountManager.class);

	private final MountStateRepository states;

	private final MountTargets targets;

	private final List<ConfigRenderer> renderers;

	private final WebServerProperties properties;

	private final RenderSettings settings;

	private final ManagedInstance instance;

	private final ConfigApplier applier;

	private final WebUserAccess webAccess;

	private final ForbiddenFolders forbidden;

	// the staged and applied documents as last read or written: this manager is their
	// only writer, so the listings (apps.list asks for both on every call) read no
	// document and wait for no apply in progress
	private final Map<String, MountState> kept = new ConcurrentHashMap<>();

	/** The threads of the managed web server's restarts after crashes. */
	private final RestartScheduler restarts;

	/** Whether {@link #restarts} is this manager's own, to end with it. */
	private boolean ownsRestarts;

	MountManager(MountStateRepository states, MountTargets targets, List<ConfigRenderer> renderers,
			WebServerProperties properties, PyappHome home, NodeShell shell, HostIsolation host) {
		this(states, targets, renderers, properties, home, shell, host, (event) -> {
		}, new RestartScheduler());
		this.ownsRestarts = true;
	}

	@Autowired
	MountManager(MountStateRepository states, MountTargets targets, List<ConfigRenderer> renderers,
			WebServerProperties properties, PyappHome home, NodeShell shell, HostIsolation host,
			ApplicationEventPublisher events, RestartScheduler restarts) {
		this.restarts = restarts;
		this.states = states;
		this.targets = targets;
		this.renderers = List.copyOf(renderers);
		this.properties = properties;
		// the workers never run as root: the web server's user, whose group alone may
		// reach app sockets and static files
		String user = (properties.workerUser() != null) ? properties.workerUser() : host.webUserName();
		this.settings = new RenderSettings(home.webserver(), runsAsRoot(), user, properties.workers(),
				properties.accessLog(), properties.staticMaxAge(), properties.keepalive(), properties.apacheModules());
		this.webAccess = new WebUserAccess(host, runsAsRoot());
		this.instance = new ManagedInstance(properties.kind(), this.settings, shell, properties,
				runsAsRoot() ? workerAccount(host, user) : null, restarts);
		this.instance.onGaveUp(events::publishEvent);
		this.applier = new ConfigApplier(renderer(properties.kind()), this.settings, this.instance, shell, properties);
		this.forbidden = new ForbiddenFolders(home.root());
	}

	private static Isolation.@Nullable Account workerAccount(HostIsolation host, String user) {
		return user.equals(host.webUserName()) ? host.webUser().orElse(null) : null;
	}

	/** The staged virtual servers, in the order they were added. */
	public synchronized List<VirtualServer> servers() {
		return staged().servers();
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
		VirtualServer normalized = new VirtualServer(server.name(),
				server.hostnames()
					.stream()
					.map((host) -> (host != null) ? host.toLowerCase(Locale.ROOT) : null)
					.toList(),
				server.listen(), server.tls(), server.defaultServer());
		MountValidator.check(normalized);
		MountState staged = staged();
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
		save(staged.withServers(servers));
		return normalized;
	}

	/**
	 * Stages the removal of a virtual server.
	 * @param name its name
	 * @throws PyappException {@code NOT_FOUND}, or {@code CONFLICT} while mounts use it
	 */
	public synchronized void removeServer(String name) {
		MountState staged = staged();
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
		save(staged.withServers(staged.servers().stream().filter((s) -> s != server).toList()));
	}

	/** The staged mounts, in the order they were added. */
	public List<Mount> mounts() {
		return staged().mounts();
	}

	/**
	 * The staged mounts of one app.
	 * @param app the app
	 * @return its mounts
	 */
	public List<Mount> mounts(AppId app) {
		return staged().mounts().stream().filter((m) -> app.value().equals(m.app())).toList();
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
		MountValidator.check(mount);
		if (mount.folder() != null) {
			this.forbidden.check("folder", mount.folder());
			this.webAccess.requireReadable(java.nio.file.Path.of(mount.folder()));
		}
		Mount normalized = new Mount(mount.server(), MountValidator.normalizePath(mount.path()), mount.app(),
				mount.folder());
		MountState staged = staged();
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
		save(staged.withMounts(mounts));
		return normalized;
	}

	/**
	 * Stages the removal of a mount.
	 * @param server the virtual server's name
	 * @param path the mount's path prefix
	 * @throws PyappException {@code NOT_FOUND} if no such mount exists
	 */
	public synchronized void removeMount(String server, String path) {
		MountState staged = staged();
		String normalized = MountValidator.normalizePath(path);
		List<Mount> kept = staged.mounts()
			.stream()
			.filter((m) -> !(m.server().equals(server) && m.path().equals(normalized)))
			.toList();
		if (kept.size() == staged.mounts().size()) {
			throw PyappException.notFound("no mount at '" + path + "' of virtual server '" + server + "'");
		}
		save(staged.withMounts(kept));
	}

	/**
	 * Renders the staged servers and mounts, writing nothing.
	 * @param kind the web server, or {@code null} for {@code pyapp.webserver.kind}
	 * @return the configuration {@link #apply()} would install: the complete file of the
	 * managed instance, or the include file of a system web server
	 */
	public synchronized String render(@Nullable WebServerKind kind) {
		RenderModel model = RenderModel.of(staged().servers(), staged().mounts(), this.targets);
		ConfigRenderer renderer = renderer((kind != null) ? kind : this.properties.kind());
		return this.properties.managed() ? renderer.main(model, this.settings) : renderer.sites(model, this.settings);
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
		MountState staged = staged();
		// a folder mount staged before folders were checked is refused here
		staged.mounts()
			.stream()
			.filter((mount) -> mount.folder() != null)
			.forEach((mount) -> this.forbidden.check("mounts[" + mount.server() + mount.path() + "].folder",
					mount.folder()));
		this.applier.apply(RenderModel.of(staged.servers(), staged.mounts(), this.targets));
		save(staged.as(MountState.APPLIED));
		return status();
	}

	/**
	 * What {@link #apply()} would change.
	 * @return the staged changes and the diff of the configuration file
	 */
	public synchronized PendingChanges pending() {
		MountState staged = staged();
		MountState applied = state(MountState.APPLIED);
		List<String> changes = StagedChanges.describe(applied, staged);
		String live = this.applier.readLive().orElse(null);
		if (live == null && staged.servers().isEmpty()) {
			// never applied and nothing to serve: nothing is pending
			return new PendingChanges(false, changes, "");
		}
		String rendered = this.applier.render(RenderModel.of(staged.servers(), staged.mounts(), this.targets));
		String diff = ConfigDiff.unified((live != null) ? live : "", rendered,
				"live " + this.applier.liveFile().getFileName(), "staged");
		return new PendingChanges(!diff.isEmpty() || !changes.isEmpty(), changes, diff);
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
		MountState applied = state(MountState.APPLIED);
		Map<String, List<String>> urls = new HashMap<>();
		for (Mount mount : applied.mounts()) {
			if (mount.app() == null) {
				continue;
			}
			applied.servers()
				.stream()
				.filter((server) -> server.name().equals(mount.server()))
				.findFirst()
				.ifPresent((server) -> urls.computeIfAbsent(mount.app(), (app) -> new ArrayList<>())
					.add(server.url(mount.path().equals("/") ? "/" : mount.path() + "/")));
		}
		return urls;
	}

	/** The web server's kind and state, for {@code server.info}. */
	public WebServerStatus status() {
		return this.applier.status();
	}

	/**
	 * Stops the managed instance (it otherwise keeps serving while this server restarts,
	 * and is adopted again).
	 */
	public synchronized void stop() {
		this.instance.stop();
	}

	@EventListener
	void on(AppRemoved event) {
		synchronized (this) {
			for (String id : List.of(MountState.STAGED, MountState.APPLIED)) {
				MountState state = state(id);
				List<Mount> kept = state.mounts().stream().filter((m) -> !event.app().value().equals(m.app())).toList();
				if (kept.size() != state.mounts().size()) {
					save(state.withMounts(kept));
				}
			}
		}
		reapply("removal of " + event.app());
	}

	@EventListener
	void on(ReleaseActivated event) {
		reapply("release " + event.releaseId() + " of " + event.app());
	}

	/**
	 * A daemon bound to a port gets a new port with every release, and a daemon of
	 * another app server speaks another protocol: the web server must follow before the
	 * old daemon stops, so this runs synchronously in the switch. A socket-bound app of
	 * the same protocol switches at its stable socket path: the configuration rendered is
	 * the same, and nothing is reloaded.
	 */
	@EventListener
	void on(AppStarted event) {
		reapply("start of the daemon of " + event.app() + " (" + event.release() + ")");
	}

	/**
	 * A switch to a daemon of another protocol: the web server speaks it to that daemon's
	 * own socket before {@code run/app.sock} leads there (synchronously, in the switch).
	 */
	@EventListener
	void on(AppSwitching event) {
		reapply("switch of " + event.app() + " to " + event.release() + " (" + event.protocol().value() + ")");
	}

	@EventListener(ApplicationReadyEvent.class)
	void started() {
		if (this.properties.managed() && this.applier.everApplied()) {
			try {
				this.instance.adoptOrStart(List.copyOf(appliedModel().listens().keySet()));
			}
			catch (PyappException ex) {
				logger.error("Cannot start the managed {}: {}\n{}", this.properties.kind().value(), ex.getMessage(),
						ex.getLog());
			}
		}
	}

	@PreDestroy
	void close() {
		this.instance.close();
		if (this.ownsRestarts) {
			this.restarts.destroy();
		}
	}

	private synchronized void reapply(String cause) {
		if (!this.applier.everApplied()) {
			return;
		}
		RenderModel model = appliedModel();
		if (!this.applier.differs(model)) {
			return;
		}
		try {
			this.applier.apply(model);
			logger.info("Applied the {} configuration after the {}", this.properties.kind().value(), cause);
		}
		catch (PyappException ex) {
			// nobody waits for this answer: the running configuration stays, and the log
			// says why
			logger.error("Cannot apply the {} configuration after the {}: {}\n{}", this.properties.kind().value(),
					cause, ex.getMessage(), ex.getLog());
		}
	}

	private RenderModel appliedModel() {
		MountState applied = state(MountState.APPLIED);
		return RenderModel.of(applied.servers(), applied.mounts(), this.targets);
	}

	private MountState staged() {
		return state(MountState.STAGED);
	}

	private MountState state(String id) {
		MountState known = this.kept.get(id);
		if (known != null) {
			return known;
		}
		MountState read = this.states.findById(id).orElseGet(() -> MountState.empty(id));
		// a write meanwhile wins: it is newer than what was read
		MountState raced = this.kept.putIfAbsent(id, read);
		return (raced != null) ? raced : read;
	}

	// only under this manager's lock
	private void save(MountState state) {
		this.kept.remove(state.id());
		this.kept.put(state.id(), this.states.save(state));
	}

	private ConfigRenderer renderer(WebServerKind kind) {
		return this.renderers.stream()
			.filter((r) -> r.kind() == kind)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No renderer for " + kind));
	}

	private static boolean runsAsRoot() {
		try {
			return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | UnsupportedOperationException ex) {
			return false;
		}
	}

}
