package dev.pyapp.server.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.pyapp.server.appconfig.ConfigChanged;
import dev.pyapp.server.appconfig.ConfigMigration;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.HookRunner;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppServers;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.venv.VenvBuilder;
import dev.pyapp.server.venv.VenvRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The one pipeline every install route ends in. Calls are synchronous: they return when
 * the release is live (or has failed, leaving the live release untouched), and report
 * their steps through the app registry's progress and {@link DeployProgressed} events
 * meanwhile. One call per app at a time.
 * <p>
 * An install or upgrade: extract beside the live release, build its environment, run
 * {@code post-install} (first install) or {@code pre-update} (upgrade) in the new
 * release, start it on its own socket, check its health, switch {@code run/app.sock} and
 * {@code current}, run {@code post-update}, stop the old daemon once drained, and delete
 * releases beyond {@code pyapp.releases.keep}.
 */
@Component
public class AppDeployer {

	private static final Logger logger = LoggerFactory.getLogger(AppDeployer.class);

	/** What every rollback says: it returns to the code, not to the data. */
	public static final String ROLLBACK_NOTE = "a rollback returns to the earlier code, not to earlier data: "
			+ "data/ and the databases stay as the newer release left them (migrations it ran are not reversed)";

	/** In {@code config/}: the id of a release that waits for settings to go live. */
	static final String UPGRADE_PENDING = ".upgrade-pending";

	private final AppInstaller installer;

	private final AppRegistry registry;

	private final VenvBuilder venvs;

	private final HookRunner hooks;

	private final ScheduledTasks tasks;

	private final AppSupervisor supervisor;

	private final AppContexts contexts;

	private final ConfigurationGate configuration;

	private final PyappHome home;

	private final ApplicationEventPublisher events;

	private final AppServers servers;

	private final AppIsolation isolation;

	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	AppDeployer(AppInstaller installer, AppRegistry registry, VenvBuilder venvs, HookRunner hooks, ScheduledTasks tasks,
			AppSupervisor supervisor, AppContexts contexts, ConfigurationGate configuration, PyappHome home,
			ApplicationEventPublisher events, AppServers servers, AppIsolation isolation) {
		this.installer = installer;
		this.isolation = isolation;
		this.registry = registry;
		this.venvs = venvs;
		this.hooks = hooks;
		this.tasks = tasks;
		this.supervisor = supervisor;
		this.contexts = contexts;
		this.configuration = configuration;
		this.home = home;
		this.events = events;
		this.servers = servers;
	}

	/**
	 * Installs a package as a new app, or upgrades the app it names.
	 * @param request the package and its origin
	 * @return the release now live
	 * @throws dev.pyapp.server.core.PyappException {@code INVALID} for a bad package,
	 * {@code CONFLICT} for a name of another source kind (or a deploy of the app already
	 * running), {@code FAILED} (with the step's output) when a step fails; the live
	 * release is then untouched
	 */
	public Release install(InstallRequest request) {
		PreparedRelease prepared = this.installer.prepare(request);
		AppId app = prepared.app();
		ReentrantLock lock;
		try {
			lock = lock(app);
		}
		catch (PyappException ex) {
			this.installer.abandon(prepared, String.valueOf(ex.getMessage()));
			throw ex;
		}
		try {
			return deploy(prepared);
		}
		finally {
			this.registry.done(app);
			lock.unlock();
		}
	}

	/**
	 * Returns to a kept release (its environment is kept with it); no update hooks run.
	 * @param app the app
	 * @param releaseId the release, or {@code null} for the one live before the current
	 * @return the release now live
	 * @throws dev.pyapp.server.core.PyappException {@code NOT_FOUND} for an unknown app
	 * or release, {@code CONFLICT} if there is nothing to return to, {@code FAILED} when
	 * the release does not start or is unhealthy (the live release stays)
	 */
	public Release rollback(AppId app, @Nullable String releaseId) {
		ReentrantLock lock = lock(app);
		try {
			Release current = this.registry.currentRelease(app)
				.orElseThrow(() -> PyappException.conflict("app '" + app + "' has no live release"));
			Release target = (releaseId != null) ? this.registry.release(app, releaseId)
				.orElseThrow(() -> PyappException.notFound("app '" + app + "' has no release '" + releaseId + "'"))
					: previous(app, current);
			if (target.releaseId().equals(current.releaseId())) {
				throw PyappException.conflict("release '" + target.releaseId() + "' is live already");
			}
			Path directory = this.home.app(app).release(target.releaseId());
			if (target.state() == ReleaseState.FAILED || !Files.isDirectory(AppPaths.venv(directory))) {
				throw PyappException
					.conflict("release '" + target.releaseId() + "' of '" + app + "' cannot be rolled back to: it "
							+ ((target.state() == ReleaseState.FAILED) ? "never went live" : "is no longer on disk"));
			}
			DeployReporter report = new DeployReporter(this.registry, this.events, app, "upgrading", target.releaseId(),
					"rollback");
			report.info("rolling back " + app + " from " + current.releaseId() + " to " + target.releaseId());
			goLive(app, target.releaseId(), report, false);
			report.warn(ROLLBACK_NOTE);
			return this.registry.currentRelease(app).orElse(target);
		}
		finally {
			this.registry.done(app);
			lock.unlock();
		}
	}

	/**
	 * Removes an app: pre-delete hook (in the live release), stop, unmount, delete.
	 * @param app the app
	 * @param keepData whether {@code data/} and {@code config/} are kept
	 * @throws dev.pyapp.server.core.PyappException ({@code FAILED}) if the pre-delete
	 * hook fails; nothing is removed then
	 */
	public void remove(AppId app, boolean keepData) {
		ReentrantLock lock = lock(app);
		try {
			this.registry.get(app);
			Release live = this.registry.currentRelease(app).orElse(null);
			if (live != null) {
				String hook = hook(app, live.releaseId(), "pre-delete");
				if (hook != null) {
					DeployReporter report = new DeployReporter(this.registry, this.events, app, "removing",
							live.releaseId(), "removal");
					report.step("pre-delete", "running the pre-delete hook " + hook, () -> this.hooks
						.run(this.contexts.context(app, live.releaseId()), "pre-delete", hook, report.output()));
				}
			}
			this.supervisor.forget(app);
			this.tasks.forget(app);
			this.venvs.forget(app);
			this.contexts.forget(app);
			this.installer.remove(app, keepData);
			this.isolation.remove(app, keepData);
		}
		finally {
			this.registry.done(app);
			lock.unlock();
		}
	}

	/**
	 * Reacts to an app's configuration changing ({@code config.set}): a first release
	 * waiting for its settings runs its {@code post-install} and starts; an upgrade
	 * waiting for new settings continues; a running app reloads gracefully.
	 * @param app the app
	 */
	@EventListener
	void on(ConfigChanged event) {
		configured(event.app());
	}

	/**
	 * What {@link ConfigChanged} triggers, callable directly.
	 * @param app the app
	 * @throws dev.pyapp.server.core.PyappException ({@code FAILED}) if the continued
	 * install or upgrade fails
	 */
	public void configured(AppId app) {
		ReentrantLock lock = this.locks.computeIfAbsent(app.value(), (name) -> new ReentrantLock());
		if (!lock.tryLock()) {
			// a deploy is running: it reads the configuration itself
			return;
		}
		try {
			Release live = this.registry.currentRelease(app).orElse(null);
			String pendingUpgrade = readMarker(upgradePending(app));
			if (pendingUpgrade != null) {
				resumeUpgrade(app, pendingUpgrade);
				return;
			}
			if (live == null) {
				return;
			}
			if (Files.exists(postInstallPending(app))) {
				if (!this.configuration.complete(app)) {
					return;
				}
				// the first install continues: its hook's output is logged and shown in
				// the progress like that of an install that needed no settings
				DeployReporter report = new DeployReporter(this.registry, this.events, app, "installing",
						live.releaseId(), "install");
				String hook = hook(app, live.releaseId(), "post-install");
				if (hook != null) {
					report.step("post-install", "running the post-install hook " + hook, () -> this.hooks
						.run(this.contexts.context(app, live.releaseId()), "post-install", hook, report.output()));
				}
				report.step("static", "checking the generated static files", () -> checkStatics(app,
						this.contexts.manifest(app, live.releaseId()), this.home.app(app).release(live.releaseId())));
				deleteQuietly(postInstallPending(app));
				report.step("start", "starting " + live.releaseId(), () -> this.supervisor.start(app));
				report.info("release " + live.releaseId() + " of " + app + " is live");
				return;
			}
			this.supervisor.reload(app);
		}
		finally {
			this.registry.done(app);
			lock.unlock();
		}
	}

	/**
	 * Whether an installed app waits for its configuration before it can start at all.
	 * @param app the app
	 * @return whether it does
	 */
	public boolean awaitsFirstConfiguration(AppId app) {
		return Files.exists(postInstallPending(app));
	}

	/**
	 * Whether a release of the app waits for settings: its first release before it can
	 * start, or an upgrade before it can go live (the old release keeps running then).
	 * @param app the app
	 * @return whether it does
	 */
	public boolean needsConfiguration(AppId app) {
		return Files.exists(postInstallPending(app))
				|| (this.registry.find(app).isPresent() && !this.configuration.complete(app));
	}

	private Release deploy(PreparedRelease prepared) {
		AppId app = prepared.app();
		String releaseId = prepared.release().releaseId();
		boolean upgrade = prepared.isUpgrade();
		AppManifest manifest = prepared.pkg().manifest();
		DeployReporter report = new DeployReporter(this.registry, this.events, app,
				upgrade ? "upgrading" : "installing", releaseId, upgrade ? "upgrade" : "install");
		try {
			supersedePendingUpgrade(app);
			// the app's user and directories before anything of the release runs
			this.isolation.prepare(app);
			report.step("venv", "building the Python environment", () -> {
				this.venvs.build(new VenvRequest(app, prepared.directory(), manifest.python(), requirements(manifest),
						report.output(), this.servers.interpreterConstraint(manifest),
						(interpreter) -> this.isolation.build(app, prepared.directory(), interpreter)));
				this.isolation.seal(app, prepared.directory());
			});
			this.isolation.openGenerated(app, GeneratedStatics.prepare(manifest, prepared.directory()));
			ConfigMigration migration = report.step("config", "migrating the configuration",
					() -> this.configuration.prepare(app, prepared.directory()));
			boolean configured = migration.complete();
			if (!configured) {
				report.warn("required settings without a value: " + String.join(", ", migration.missing()));
			}
			if (upgrade && !configured) {
				writeMarker(upgradePending(app), releaseId);
				report.info("release " + releaseId
						+ " waits for its configuration (its new required settings need values); " + app
						+ " keeps running " + prepared.previous().releaseId());
				return prepared.release();
			}
			if (upgrade) {
				String hook = manifest.hooks().get("pre-update");
				if (hook != null) {
					report.step("pre-update", "running the pre-update hook " + hook, () -> this.hooks
						.run(this.contexts.context(app, releaseId), "pre-update", hook, report.output()));
				}
			}
			else if (configured) {
				String hook = manifest.hooks().get("post-install");
				if (hook != null) {
					report.step("post-install", "running the post-install hook " + hook, () -> this.hooks
						.run(this.contexts.context(app, releaseId), "post-install", hook, report.output()));
				}
			}
			if (upgrade || configured) {
				report.step("static", "checking the generated static files",
						() -> checkStatics(app, manifest, prepared.directory()));
			}
			if (!upgrade && !configured) {
				report.step("switch", "needs configuration: not starting", () -> {
					this.installer.activate(app, releaseId);
					writeMarker(postInstallPending(app), releaseId);
				});
			}
			else {
				goLive(app, releaseId, report, upgrade);
			}
			this.installer.prune(app);
			report.info("release " + releaseId + " of " + app + " is live");
			return this.registry.currentRelease(app).orElseThrow();
		}
		catch (RuntimeException ex) {
			logger.warn("Deploying {} {} failed: {}", app, releaseId, ex.getMessage());
			this.supervisor.discard(app, releaseId);
			if (this.registry.find(app)
				.map((installed) -> releaseId.equals(installed.currentRelease()))
				.orElse(false)) {
				// it went live before it failed (post-update): keep it, but report it
				throw ex;
			}
			this.installer.abandon(prepared, String.valueOf(ex.getMessage()));
			throw ex;
		}
	}

	/**
	 * Starts a release beside the live one, checks it, switches to it, runs post-update
	 * and stops the old daemon. A stopped app is switched without starting.
	 */
	private void goLive(AppId app, String releaseId, DeployReporter report, boolean updateHooks) {
		boolean run = this.supervisor.wanted(app) || this.registry.get(app).currentRelease() == null;
		if (!run) {
			report.step("switch", "switching to " + releaseId + " (the app stays stopped)",
					() -> this.installer.activate(app, releaseId));
			runPostUpdate(app, releaseId, report, updateHooks);
			return;
		}
		AppServers.Choice server = report.step("start", "starting " + releaseId + " beside the live release",
				() -> this.supervisor.startCandidate(app, releaseId));
		report.info("app server: " + server.server().displayName() + " (" + server.reason() + ")");
		try {
			report.step("health", "checking the health of " + releaseId,
					() -> this.supervisor.checkHealth(app, releaseId));
		}
		catch (RuntimeException ex) {
			this.supervisor.discard(app, releaseId);
			throw ex;
		}
		String previous = this.registry.get(app).currentRelease();
		report.step("switch", "switching to " + releaseId, () -> {
			this.supervisor.promote(app, releaseId);
			this.installer.activate(app, releaseId);
		});
		try {
			runPostUpdate(app, releaseId, report, updateHooks);
		}
		catch (RuntimeException ex) {
			if (previous != null && this.supervisor.revert(app)) {
				this.installer.activate(app, previous);
				this.installer.failed(app, releaseId, String.valueOf(ex.getMessage()));
				report.warn("switched back to " + previous);
			}
			throw ex;
		}
		report.step("stop-old", "stopping the old daemon once drained", () -> this.supervisor.retire(app));
	}

	private void runPostUpdate(AppId app, String releaseId, DeployReporter report, boolean updateHooks) {
		String hook = updateHooks ? hook(app, releaseId, "post-update") : null;
		if (hook != null) {
			report.step("post-update", "running the post-update hook " + hook,
					() -> this.hooks.run(this.contexts.context(app, releaseId), "post-update", hook, report.output()));
		}
	}

	private Release previous(AppId app, Release current) {
		List<Release> releases = this.registry.releases(app);
		return releases.stream()
			.filter((release) -> release.state() == ReleaseState.RETIRED
					&& release.created().isBefore(current.created()))
			.findFirst()
			.or(() -> releases.stream().filter((release) -> release.state() == ReleaseState.RETIRED).findFirst())
			.orElseThrow(() -> PyappException.conflict("app '" + app + "' has no earlier release to roll back to"));
	}

	private @Nullable String hook(AppId app, String releaseId, String name) {
		return this.contexts.manifest(app, releaseId).hooks().get(name);
	}

	private static List<VenvRequest.Requirement> requirements(AppManifest manifest) {
		return manifest.dependencies()
			.stream()
			.map((dependency) -> new VenvRequest.Requirement(dependency.requirement(),
					dependency.scope() == AppManifest.Scope.SHARED))
			.toList();
	}

	private ReentrantLock lock(AppId app) {
		ReentrantLock lock = this.locks.computeIfAbsent(app.value(), (name) -> new ReentrantLock());
		if (!lock.tryLock()) {
			throw PyappException.conflict("app '" + app + "' is being deployed already; try again when it is done");
		}
		return lock;
	}

	private void resumeUpgrade(AppId app, String releaseId) {
		Path directory = this.home.app(app).release(releaseId);
		if (!this.configuration.prepare(app, directory).complete()) {
			return;
		}
		deleteQuietly(upgradePending(app));
		DeployReporter report = new DeployReporter(this.registry, this.events, app, "upgrading", releaseId, "upgrade");
		try {
			String hook = hook(app, releaseId, "pre-update");
			if (hook != null) {
				report.step("pre-update", "running the pre-update hook " + hook, () -> this.hooks
					.run(this.contexts.context(app, releaseId), "pre-update", hook, report.output()));
			}
			report.step("static", "checking the generated static files",
					() -> checkStatics(app, this.contexts.manifest(app, releaseId), directory));
			goLive(app, releaseId, report, true);
			this.installer.prune(app);
		}
		catch (RuntimeException ex) {
			this.supervisor.discard(app, releaseId);
			if (!releaseId.equals(this.registry.get(app).currentRelease())) {
				this.installer.failed(app, releaseId, String.valueOf(ex.getMessage()));
				AtomicFiles.deleteTree(directory);
			}
			throw ex;
		}
	}

	private void supersedePendingUpgrade(AppId app) {
		String pending = readMarker(upgradePending(app));
		if (pending != null) {
			deleteQuietly(upgradePending(app));
			this.configuration.cancel(app);
			this.installer.failed(app, pending, "superseded by a newer release before it was configured");
			AtomicFiles.deleteTree(this.home.app(app).release(pending));
		}
	}

	private Path postInstallPending(AppId app) {
		return this.home.app(app).config().resolve(".post-install-pending");
	}

	private Path upgradePending(AppId app) {
		return this.home.app(app).config().resolve(UPGRADE_PENDING);
	}

	private static @Nullable String readMarker(Path file) {
		try {
			return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
		}
		catch (java.io.IOException ex) {
			return null;
		}
	}

	private static void writeMarker(Path file, String content) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, content);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException("Cannot write " + file, ex);
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (java.io.IOException ex) {
			// a stale marker only means post-install is offered again
			logger.debug("Cannot delete {}: {}", file, ex.getMessage());
		}
	}

	/**
	 * Checks what the hooks generated, then gives the release back to the server,
	 * read-only to the app: the generated static directories included.
	 */
	private void checkStatics(AppId app, AppManifest manifest, Path release) {
		GeneratedStatics.check(manifest, release);
		this.isolation.seal(app, release);
	}

}
