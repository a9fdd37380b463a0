package dev.pyapp.server.deploy;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.pyapp.server.appconfig.ConfigChanged;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.deploy.internal.AppRemoval;
import dev.pyapp.server.deploy.internal.ConfigurationGate;
import dev.pyapp.server.deploy.internal.ContinuedReports;
import dev.pyapp.server.deploy.internal.DeployLocks;
import dev.pyapp.server.deploy.internal.DeployProcess;
import dev.pyapp.server.deploy.internal.DeployReporter;
import dev.pyapp.server.deploy.internal.RollbackTarget;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.DeployProgress;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.runtime.AppSupervisor;
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

	private final AppInstaller installer;

	private final AppRegistry registry;

	private final AppLifecycles lifecycles;

	private final DeployProcess process;

	private final AppRemoval removal;

	private final DeployLocks locks;

	private final AppSupervisor supervisor;

	private final ConfigurationGate configuration;

	private final PyappHome home;

	private final ApplicationEventPublisher events;

	AppDeployer(AppInstaller installer, AppRegistry registry, AppLifecycles lifecycles, DeployProcess process,
			AppRemoval removal, DeployLocks locks, AppSupervisor supervisor, ConfigurationGate configuration,
			PyappHome home, ApplicationEventPublisher events) {
		this.installer = installer;
		this.registry = registry;
		this.lifecycles = lifecycles;
		this.process = process;
		this.removal = removal;
		this.locks = locks;
		this.supervisor = supervisor;
		this.configuration = configuration;
		this.home = home;
		this.events = events;
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
				lock = this.locks.lock(prepared.app());
			}
			catch (PyappException ex) {
				// the deploy under way owns the app: a first install's files stay
				this.installer.refused(prepared, String.valueOf(ex.getMessage()));
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
	 * An app that has never run its post-install hook runs it once the release is live.
	 * @param app the app
	 * @param releaseId the release, or {@code null} for the one live before the current
	 * @return the release live before, the one live now, and what that means for the data
	 * @throws dev.pyapp.server.core.PyappException {@code NOT_FOUND} for an unknown app
	 * or release, {@code CONFLICT} if there is nothing to return to (or, while
	 * post-install is pending, the release's required settings lack values),
	 * {@code FAILED} when the release does not start or is unhealthy (the live release
	 * stays)
	 */
	public RollbackResult rollback(AppId app, @Nullable String releaseId) {
		ReentrantLock lock = this.locks.lock(app);
		try (DeployProgress progress = this.lifecycles.open(app, "upgrading")) {
			Release current = this.registry.currentRelease(app)
				.orElseThrow(() -> PyappException.conflict("app '" + app + "' has no live release"));
			Release target = RollbackTarget.of(this.registry, this.home, app, current, releaseId);
			DeployReporter report = new DeployReporter(progress, this.events, target.releaseId(), "rollback");
			report.info("rolling back " + app + " from " + current.releaseId() + " to " + target.releaseId());
			this.process.lifecycle(app);
			this.process.rollback(app, target.releaseId(), report);
			RollbackResult result = new RollbackResult(current, this.registry.currentRelease(app).orElse(target));
			report.warn(result.note());
			return result;
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
		ReentrantLock lock = this.locks.lock(app);
		try (DeployProgress progress = this.lifecycles.open(app, "removing")) {
			this.removal.remove(app, keepData, progress);
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
		ReentrantLock lock = this.locks.tryLock(app);
		if (lock == null) {
			// a deploy is running: it reads the configuration itself
			return;
		}
		try (ContinuedReports reports = new ContinuedReports(this.lifecycles, this.events, app)) {
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

}
