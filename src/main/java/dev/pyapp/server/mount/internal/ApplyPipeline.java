package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.PendingChanges;
import dev.pyapp.server.mount.WebServerFailed;
import dev.pyapp.server.mount.WebServerKind;
import dev.pyapp.server.mount.WebServerStatus;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.Isolation;
import dev.pyapp.server.nodes.NodeShell;
import dev.pyapp.server.runtime.RestartScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web server and the way to it: renders the documents of the {@link MountStore}, runs
 * the web server's configuration test, swaps the file in and reloads (through
 * {@link ConfigApplier}), reapplies the applied state when what it renders to changed,
 * and starts, adopts and stops the {@link ManagedInstance} and its restarts after
 * crashes. {@link MountManager} calls it under its lock, so applies are serialized;
 * {@link #status()} and {@link #adoptOrStart()} take no lock of the manager's.
 */
public class ApplyPipeline {

	// under the facade's name, as before the split: the messages are the same
	private static final Logger logger = LoggerFactory.getLogger(MountManager.class);

	private final MountStore store;

	private final MountTargets targets;

	private final List<ConfigRenderer> renderers;

	private final WebServerProperties properties;

	private final ForbiddenFolders forbidden;

	private final RenderSettings settings;

	private final ManagedInstance instance;

	private final ConfigApplier applier;

	/** The threads of the managed web server's restarts after crashes. */
	private final RestartScheduler restarts;

	/** Whether {@link #restarts} is this pipeline's own, to end with it. */
	private final boolean ownsRestarts;

	public ApplyPipeline(MountStore store, MountTargets targets, List<ConfigRenderer> renderers,
			WebServerProperties properties, ForbiddenFolders forbidden, boolean root, PyappHome home, NodeShell shell,
			HostIsolation host, Consumer<WebServerFailed> gaveUp, RestartScheduler restarts, boolean ownsRestarts) {
		this.store = store;
		this.targets = targets;
		this.renderers = List.copyOf(renderers);
		this.properties = properties;
		this.forbidden = forbidden;
		this.restarts = restarts;
		this.ownsRestarts = ownsRestarts;
		// the workers never run as root: the web server's user, whose group alone may
		// reach app sockets and static files
		String user = (properties.workerUser() != null) ? properties.workerUser() : host.webUserName();
		this.settings = new RenderSettings(home.webserver(), root, user, properties.workers(), properties.accessLog(),
				properties.staticMaxAge(), properties.keepalive(), properties.apacheModules(), properties.appTimeout());
		this.instance = new ManagedInstance(properties.kind(), this.settings, shell, properties,
				root ? workerAccount(host, user) : null, restarts);
		this.instance.onGaveUp(gaveUp);
		this.applier = new ConfigApplier(renderer(properties.kind()), this.settings, this.instance, shell, properties);
	}

	private static Isolation.@Nullable Account workerAccount(HostIsolation host, String user) {
		return user.equals(host.webUserName()) ? host.webUser().orElse(null) : null;
	}

	/** See {@link MountManager#render}. */
	public String render(@Nullable WebServerKind kind) {
		MountState staged = this.store.staged();
		RenderModel model = RenderModel.of(staged.servers(), staged.mounts(), this.targets);
		ConfigRenderer renderer = renderer((kind != null) ? kind : this.properties.kind());
		return this.properties.managed() ? renderer.main(model, this.settings) : renderer.sites(model, this.settings);
	}

	/** See {@link MountManager#apply}. */
	public WebServerStatus apply() {
		MountState staged = this.store.staged();
		// a folder mount staged before folders were checked is refused here
		staged.mounts()
			.stream()
			.filter((mount) -> mount.folder() != null)
			.forEach((mount) -> this.forbidden.check("mounts[" + mount.server() + mount.path() + "].folder",
					mount.folder()));
		this.applier.apply(RenderModel.of(staged.servers(), staged.mounts(), this.targets));
		this.store.save(staged.as(MountState.APPLIED));
		return status();
	}

	/** See {@link MountManager#pending}. */
	public PendingChanges pending() {
		MountState staged = this.store.staged();
		MountState applied = this.store.applied();
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

	/** The web server's kind and state. */
	public WebServerStatus status() {
		return this.applier.status();
	}

	/** Stops the managed instance. */
	public void stop() {
		this.instance.stop();
	}

	/**
	 * Applies the applied state again if what it renders to changed (an app removed,
	 * switched or started elsewhere), once anything was ever applied. A failure is
	 * logged: nobody waits for it.
	 * @param cause what changed, for the log
	 */
	public void reapply(String cause) {
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

	/**
	 * Adopts the managed instance left running by an earlier server, or starts it, once
	 * anything was ever applied; with the applied state: when the live file is not what
	 * the applied state renders to now, the applied state is applied (tested, swapped in,
	 * reloaded or started). That file may be what this kind served when it last ran,
	 * before {@code pyapp.webserver.kind} named another kind whose applies changed the
	 * servers and mounts (an nginx brought back from then served removed mounts and
	 * listened on their ports). A failure is logged.
	 */
	public void adoptOrStart() {
		if (this.properties.managed() && this.applier.everApplied()) {
			try {
				RenderModel model = appliedModel();
				boolean adopted = this.instance.adoptRunning(List.copyOf(model.listens().keySet()));
				if (this.applier.differs(model)) {
					this.applier.apply(model);
					logger.info("Applied the {} configuration at the start: {}", this.properties.kind().value(),
							adopted ? "the running one was not the applied state" : "nothing was running");
				}
			}
			catch (PyappException ex) {
				logger.error("Cannot start the managed {}: {}\n{}", this.properties.kind().value(), ex.getMessage(),
						ex.getLog());
			}
		}
	}

	/** Ends the managed instance's supervision, and the restarts if they are its own. */
	public void close() {
		this.instance.close();
		if (this.ownsRestarts) {
			this.restarts.destroy();
		}
	}

	private RenderModel appliedModel() {
		MountState applied = this.store.applied();
		return RenderModel.of(applied.servers(), applied.mounts(), this.targets);
	}

	private ConfigRenderer renderer(WebServerKind kind) {
		return this.renderers.stream()
			.filter((r) -> r.kind() == kind)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No renderer for " + kind));
	}

	/** Whether this server runs as root: the web server is then started as root too. */
	public static boolean runsAsRoot() {
		try {
			return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | UnsupportedOperationException ex) {
			return false;
		}
	}

}
