package dev.pyapp.server.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.pyapp.server.appconfig.ConfigChanged;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.hooks.ScheduledTasks;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.DeployProgress;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.isolation.AppIsolation;
import dev.pyapp.server.runtime.AppContexts;
import dev.pyapp.server.runtime.AppSupervisor;
import dev.pyapp.server.venv.VenvBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The one pipeline every install route ends in. Calls are synchronous: they return when
 * the release is live (or has failed, leaving the live release untouched), and report
 * their steps through the deploy's progress and {@link DeployProgressed} events
 * meanwhile. One call per app at a time.
 * <p>
 * An install or upgrade: extract beside the live release, build its environment, run
 * {@code post-install} (first install) or {@code pre-update} (upgrade) in the new
 * release, start it on its own socket, check its health, switch {@code run/app.sock} and
 * {@code current}, run {@code post-update}, stop the old daemon once drained, and delete
 * releases beyond {@code pyapp.releases.keep}. {@link DeployProcess} advances the app's
 * lifecycle through these steps.
 */
@Component
public class AppDeployer {

	/** What every rollback says: it returns to the code, not to the data. */
	public static final String ROLLBACK_NOTE = "a rollback returns to the earlier code, not to earlier data: "
			+ "data/ and the databases stay as the newer release left them (migrations it ran are not reversed)";

	private final AppInstaller installer;

	private final AppRegistry registry;

	private final AppLifecycles lifecycles;

	private final DeployProcess process;

	private final ReleaseSteps steps;

	private final ScheduledTasks tasks;

	private final AppSupervisor supervisor;

	private final VenvBuilder venvs;

	private final AppContexts contexts;

	private final ConfigurationGate configuration;

	private final PyappHome home;

	private final ApplicationEventPublisher events;

	private final AppIsolation isolation;

	private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

	AppDeployer(AppInstaller installer, AppRegistry registry, AppLifecycles lifecycles, DeployProcess process,
			ReleaseSteps steps, ScheduledTasks tasks, AppSupervisor supervisor, VenvBuilder venvs, AppContexts contexts,
			ConfigurationGate configuration, PyappHome home, ApplicationEventPublisher events, AppIsolation isolation) {
		this.installer = installer;
		this.registry = registry;
		this.lifecycles = lifecycles;
		this.process = process;
		this.steps = steps;
		this.tasks = tasks;
		this.supervisor = supervisor;
		this.venvs = venvs;
		this.contexts = contexts;
		this.configuration = configuration;
		this.home = home;
		this.events = events;
		this.isolation = isolation;
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
		try (DeployProgress progress = prepared.progress()) {
			ReentrantLock lock;
			try {
				lock = lock(prepared.app());
			}
			catch (PyappException ex) {
				this.installer.abandon(prepared, String.valueOf(ex.getMessage()));
				throw ex;
			}
			try {
				boolean upgrade = prepared.isUpgrade();
				return this.process.deploy(prepared, new DeployReporter(progress, this.events,
						prepared.release().releaseId(), upgrade ? "upgrade" : "install"));
			}
			finally {
				lock.unlock();
			}
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
		try (DeployProgress progress = this.lifecycles.open(app, "upgrading")) {
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
			DeployReporter report = new DeployReporter(progress, this.events, target.releaseId(), "rollback");
			report.info("rolling back " + app + " from " + current.releaseId() + " to " + target.releaseId());
			this.process.lifecycle(app);
			this.process.rollback(app, target.releaseId(), report);
			report.warn(ROLLBACK_NOTE);
			return this.registry.currentRelease(app).orElse(target);
		}
		finally {
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
		try (DeployProgress progress = this.lifecycles.open(app, "removing")) {
			this.registry.get(app);
			// refused while a deploy of the app is unsettled
			this.process.lifecycle(app).removed();
			Release live = this.registry.currentRelease(app).orElse(null);
			if (live != null) {
				this.steps.hook(app, live.releaseId(), "pre-delete",
						new DeployReporter(progress, this.events, live.releaseId(), "removal"));
			}
			this.supervisor.forget(app);
			this.tasks.forget(app);
			this.venvs.forget(app);
			this.contexts.forget(app);
			this.installer.remove(app, keepData);
			this.isolation.remove(app, keepData);
		}
		finally {
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
		try (Reports reports = new Reports(app)) {
			if (this.registry.find(app).isEmpty()) {
				return;
			}
			if (!this.process.continueAfterConfiguration(app, reports)
					&& this.registry.currentRelease(app).isPresent()) {
				this.supervisor.reload(app);
			}
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Whether an installed app waits for its configuration before it can start at all.
	 * @param app the app
	 * @return whether it does
	 */
	public boolean awaitsFirstConfiguration(AppId app) {
		return this.lifecycles.get(app).postInstallPending();
	}

	/**
	 * Whether a release of the app waits for settings: its first release before it can
	 * start, or an upgrade before it can go live (the old release keeps running then).
	 * @param app the app
	 * @return whether it does
	 */
	public boolean needsConfiguration(AppId app) {
		return awaitsFirstConfiguration(app)
				|| (this.registry.find(app).isPresent() && !this.configuration.complete(app));
	}

	/**
	 * SPEC §9's state of a stored app, as its lifecycle tells
	 * ({@link AppLifecycles#state}).
	 * @param app the app
	 * @param configIncomplete whether a release of the app waits for settings
	 * @param process the process's state
	 * @return {@code installing}, {@code upgrading}, {@code needs-configuration}, or the
	 * process's state
	 */
	public String state(AppId app, BooleanSupplier configIncomplete, Supplier<String> process) {
		return this.lifecycles.state(app, configIncomplete, process);
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

	private ReentrantLock lock(AppId app) {
		ReentrantLock lock = this.locks.computeIfAbsent(app.value(), (name) -> new ReentrantLock());
		if (!lock.tryLock()) {
			throw PyappException.conflict("app '" + app + "' is being deployed already; try again when it is done");
		}
		return lock;
	}

	/** The progress of a deploy continued by a change of the settings, closed with it. */
	private final class Reports implements DeployProcess.DeployReporterFactory, AutoCloseable {

		private final AppId app;

		private final List<DeployProgress> opened = new ArrayList<>();

		Reports(AppId app) {
			this.app = app;
		}

		@Override
		public DeployReporter open(String phase, String release, String operation) {
			DeployProgress progress = AppDeployer.this.lifecycles.open(this.app, phase);
			this.opened.add(progress);
			return new DeployReporter(progress, AppDeployer.this.events, release, operation);
		}

		@Override
		public void close() {
			this.opened.forEach(DeployProgress::close);
		}

	}

}
