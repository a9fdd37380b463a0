package dev.pyapp.server.deploy.internal;

import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppLifecycle;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.LifecycleState;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.runtime.AppSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The process manager of a deploy: advances an app's {@link AppLifecycle} step by step
 * ({@link ReleaseSteps}) and settles it when a step fails, so that the lifecycle always
 * says where the deploy is. A deploy cut short by a stop of the server is settled at the
 * next start ({@link InterruptedDeploys}). Callers hold the app's deploy lock.
 */
@Component
public class DeployProcess {

	private static final Logger logger = LoggerFactory.getLogger(DeployProcess.class);

	private final AppInstaller installer;

	private final AppRegistry registry;

	private final AppLifecycles lifecycles;

	private final ReleaseSteps steps;

	private final ConfigurationGate configuration;

	private final AppSupervisor supervisor;

	private final PyappHome home;

	private final KeptEnvironment keptEnvironment;

	DeployProcess(AppInstaller installer, AppRegistry registry, AppLifecycles lifecycles, ReleaseSteps steps,
			ConfigurationGate configuration, AppSupervisor supervisor, PyappHome home,
			KeptEnvironment keptEnvironment) {
		this.keptEnvironment = keptEnvironment;
		this.installer = installer;
		this.registry = registry;
		this.lifecycles = lifecycles;
		this.steps = steps;
		this.configuration = configuration;
		this.supervisor = supervisor;
		this.home = home;
	}

	/**
	 * Deploys a prepared release: a first install, or an upgrade beside the live one.
	 * @return the live release, or the prepared one when it waits for its settings
	 */
	public Release deploy(PreparedRelease prepared, DeployReporter report) {
		AppId app = prepared.app();
		String releaseId = prepared.release().releaseId();
		boolean upgrade = prepared.isUpgrade();
		try {
			if (upgrade) {
				String superseded = lifecycle(app).waiting();
				this.lifecycles.apply(app, (lifecycle) -> lifecycle.upgrading(releaseId));
				if (superseded != null) {
					supersede(app, superseded);
				}
			}
			else {
				this.lifecycles.apply(app, (lifecycle) -> lifecycle.installing(releaseId));
				// before the hooks and the first start, which see them
				List<String> restored = this.keptEnvironment.restore(app);
				if (!restored.isEmpty()) {
					report.info("environment variables kept by its removal with keep_data are set again: "
							+ String.join(", ", restored));
				}
			}
			this.steps.environment(prepared, report);
			boolean configured = this.steps.configure(app, prepared.directory(), report).complete();
			if (upgrade && !configured) {
				this.lifecycles.apply(app, AppLifecycle::upgradeAwaitingConfiguration);
				report.info("release " + releaseId
						+ " waits for its configuration (its new required settings need values); " + app
						+ " keeps running " + prepared.previous().releaseId());
				return prepared.release();
			}
			if (!configured) {
				this.lifecycles.apply(app, AppLifecycle::awaitingConfiguration);
				this.steps.switchUnstarted(app, releaseId, report);
			}
			else {
				this.steps.hook(app, releaseId, upgrade ? "pre-update" : "post-install", report);
				this.steps.statics(app, releaseId, prepared.directory(), report);
				goLive(app, releaseId, report, upgrade);
			}
			this.installer.prune(app);
			report.info("release " + releaseId + " of " + app + " is live");
			return this.registry.currentRelease(app).orElseThrow();
		}
		catch (RuntimeException ex) {
			logger.warn("Deploying {} {} failed: {}", app, releaseId, ex.getMessage());
			this.supervisor.discard(app, releaseId);
			if (!releaseId
				.equals(this.registry.find(app).map((installed) -> installed.currentRelease()).orElse(null))) {
				if (prepared.overKeptData()) {
					// its variables were set again from the kept file (then deleted)
					this.keptEnvironment.keepAgain(app);
				}
				if (this.installer.abandon(prepared, String.valueOf(ex.getMessage()))) {
					// a first install that never went live is forgotten, its user too
					// unless a removal with keep_data kept it with the data
					this.steps.forget(app, prepared.overKeptData());
				}
			}
			// else it went live before it failed (post-update): it stays, reported
			settle(app);
			throw ex;
		}
	}

	/**
	 * Continues after the app's settings changed: a release waiting for them goes live, a
	 * first release waiting for them runs its post-install hook and starts. Both, in this
	 * order, when an upgrade came while the first install still waited: the app has never
	 * run its post-install hook.
	 * @return whether anything continued
	 */
	public boolean continueAfterConfiguration(AppId app, DeployReporterFactory reports) {
		AppLifecycle lifecycle = lifecycle(app);
		if (lifecycle.state() == LifecycleState.UPGRADE_AWAITING_CONFIGURATION) {
			continueUpgrade(app, lifecycle.waiting(), reports);
			lifecycle = lifecycle(app);
			if (lifecycle.state() != LifecycleState.AWAITING_CONFIGURATION) {
				return true;
			}
		}
		Release live = this.registry.currentRelease(app).orElse(null);
		if (lifecycle.state() != LifecycleState.AWAITING_CONFIGURATION || live == null) {
			return false;
		}
		if (!this.configuration.complete(app)) {
			return true;
		}
		String releaseId = live.releaseId();
		// the first install continues: its hook's output is logged and shown in the
		// progress like that of an install that needed no settings
		DeployReporter report = reports.open("installing", releaseId, "install");
		this.lifecycles.apply(app, (known) -> known.continuingInstall(releaseId));
		try {
			this.steps.hook(app, releaseId, "post-install", report);
			this.steps.statics(app, releaseId, this.home.app(app).release(releaseId), report);
			this.lifecycles.apply(app, AppLifecycle::postInstalled);
			this.steps.start(app, releaseId, report);
			this.lifecycles.apply(app, AppLifecycle::deployed);
			report.info("release " + releaseId + " of " + app + " is live");
			return true;
		}
		catch (RuntimeException ex) {
			settle(app);
			throw ex;
		}
	}

	private void continueUpgrade(AppId app, String releaseId, DeployReporterFactory reports) {
		Path directory = this.home.app(app).release(releaseId);
		if (!this.configuration.prepare(app, directory).complete()) {
			return;
		}
		this.lifecycles.apply(app, AppLifecycle::continuingUpgrade);
		DeployReporter report = reports.open("upgrading", releaseId, "upgrade");
		try {
			this.steps.hook(app, releaseId, "pre-update", report);
			this.steps.statics(app, releaseId, directory, report);
			this.steps.goLive(app, releaseId, report, true);
			this.lifecycles.apply(app, AppLifecycle::deployed);
			this.installer.prune(app);
		}
		catch (RuntimeException ex) {
			this.supervisor.discard(app, releaseId);
			if (!releaseId.equals(this.registry.get(app).currentRelease())) {
				this.installer.failed(app, releaseId, String.valueOf(ex.getMessage()));
				AtomicFiles.deleteTree(directory);
			}
			settle(app);
			throw ex;
		}
	}

	/**
	 * Returns to a kept release; no update hooks run. An app that has never run its
	 * post-install hook runs it once the release is live, as an upgrade does; it is
	 * refused ({@code CONFLICT}) when the release's required settings lack values, which
	 * that hook and the release's start need.
	 */
	public void rollback(AppId app, String releaseId, DeployReporter report) {
		AppLifecycle lifecycle = lifecycle(app);
		// refuses an unsettled app before anything is asked of its configuration
		lifecycle.rollingBack(releaseId);
		if (lifecycle.postInstallPending()) {
			List<String> missing = this.configuration.missing(app, this.home.app(app).release(releaseId));
			if (!missing.isEmpty()) {
				throw PyappException.conflict("app '" + app + "' has not run its post-install hook yet and release '"
						+ releaseId + "' lacks values for its required settings (" + String.join(", ", missing)
						+ "): it cannot be rolled back to before they have values");
			}
		}
		this.lifecycles.apply(app, (known) -> known.rollingBack(releaseId));
		try {
			goLive(app, releaseId, report, false);
		}
		catch (RuntimeException ex) {
			settle(app);
			throw ex;
		}
	}

	/**
	 * Takes a release live and settles the deploy. An app that has never run its
	 * post-install hook (its first release's failed after its settings came, or never got
	 * them) runs it once, in the release that went live, as a continued install would:
	 * else the app ran in state needs-configuration, without it.
	 */
	private void goLive(AppId app, String releaseId, DeployReporter report, boolean updateHooks) {
		this.steps.goLive(app, releaseId, report, updateHooks);
		if (this.lifecycles.get(app).postInstallPending()) {
			this.steps.hook(app, releaseId, "post-install", report);
			this.lifecycles.apply(app, AppLifecycle::postInstalled);
		}
		this.lifecycles.apply(app, AppLifecycle::deployed);
	}

	/**
	 * The app's lifecycle; an app stored without one (by a server older than the
	 * lifecycle) is adopted as it is: deployed when it has a live release.
	 */
	public AppLifecycle lifecycle(AppId app) {
		AppLifecycle lifecycle = this.lifecycles.get(app);
		if (lifecycle.state() == LifecycleState.ABSENT && this.registry.find(app).isPresent()) {
			lifecycle = InterruptedDeploys.adopted(app, null, false);
			this.lifecycles.adopt(lifecycle);
		}
		return lifecycle;
	}

	private void supersede(AppId app, String pending) {
		this.configuration.cancel(app);
		this.installer.failed(app, pending, "superseded by a newer release before it was configured");
		AtomicFiles.deleteTree(this.home.app(app).release(pending));
	}

	/** After a failed step: the lifecycle returns to where it was before the deploy. */
	private void settle(AppId app) {
		if (this.lifecycles.get(app).state().deploying()) {
			this.lifecycles.apply(app, AppLifecycle::failed);
		}
	}

	/** Opens the reporter of a deploy continued by a change of the settings. */
	public interface DeployReporterFactory {

		DeployReporter open(String phase, String release, String operation);

	}

}
