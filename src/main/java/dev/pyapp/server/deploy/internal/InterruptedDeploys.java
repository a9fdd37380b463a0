package dev.pyapp.server.deploy.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.deploy.DeployProgressed;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppLifecycle;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.LifecycleState;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.isolation.AppIsolation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * When the server starts, the deploys its last run left unfinished are settled. First the
 * marker files of older servers become each app's lifecycle ({@link LegacyMarkers}). Then
 * a release left half-deployed by a crash (still {@code prepared}, not live, and not an
 * upgrade waiting for its configuration) is marked {@code failed} ("interrupted: …") and
 * its files (its unpacked package and venv) are deleted. An app whose first install was
 * interrupted stays, {@code failed} ({@link AppLifecycle#interruptedFirstInstall()}):
 * listed with its failed release, its user, its data and its logs, with nothing live or
 * running, until it is installed again or removed. Unlike a failed first install, which
 * is removed and whose error goes back to its caller, an interrupted one has no caller
 * left to tell, so the record stays to say what happened. Any other app whose deploy was
 * interrupted settles where a failed deploy leaves it
 * ({@link AppLifecycle#interrupted()}): never installing or upgrading. Each is logged
 * under its app (logger {@code pyapp.deploy}). What still runs of it (its candidate
 * daemon, its hook) is stopped: for a first install here, else when the runtime adopts
 * the app. The records are settled in the lifecycle phase before the web server starts,
 * so that no call sees an interrupted deploy as still running (SPEC §10); the files are
 * deleted, the records under the app written and what runs stopped once the server is up.
 */
@Component
class InterruptedDeploys implements SmartLifecycle {

	static final String REASON = "interrupted: the server stopped while it was being deployed";

	private static final Logger logger = LoggerFactory.getLogger(InterruptedDeploys.class);

	private final AppRegistry registry;

	private final AppInstaller installer;

	private final AppLifecycles lifecycles;

	private final PyappHome home;

	private final ApplicationEventPublisher events;

	private final AppIsolation isolation;

	/** What the settling at the start left to clear once the server is up. */
	private volatile @Nullable List<Leftover> leftovers;

	private volatile boolean running;

	InterruptedDeploys(AppRegistry registry, AppInstaller installer, AppLifecycles lifecycles, PyappHome home,
			ApplicationEventPublisher events, AppIsolation isolation) {
		this.registry = registry;
		this.installer = installer;
		this.lifecycles = lifecycles;
		this.home = home;
		this.events = events;
		this.isolation = isolation;
	}

	/**
	 * Settles every app's state before the web server takes its first call, so that
	 * {@code apps.get} never shows an interrupted deploy as still running; the files and
	 * processes it left go once the server is up ({@link #onReady}).
	 */
	@Override
	public void start() {
		this.running = true;
		settleAll();
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// before the first look at the daemons (SupervisorStartup) and the web server
		return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 2;
	}

	/**
	 * Deletes the files of the releases settled at the start, says so under each app, and
	 * stops what still runs of an interrupted first install.
	 */
	@EventListener(ApplicationReadyEvent.class)
	@Order(0)
	void onReady() {
		if (this.leftovers == null) {
			settleAll();
		}
		for (Leftover leftover : this.leftovers) {
			try {
				leftover.clear();
			}
			catch (RuntimeException ex) {
				logger.error("Cannot clean up the interrupted deploys of {}: {}", leftover.app, ex.getMessage());
			}
		}
		this.leftovers = List.of();
	}

	private void settleAll() {
		List<Leftover> found = new ArrayList<>();
		LegacyMarkers markers = new LegacyMarkers(this.home, this.lifecycles);
		for (InstalledApp installed : this.registry.list()) {
			AppId app = AppId.of(installed.name());
			try {
				markers.migrate(app, installed);
				found.add(settle(app, installed));
			}
			catch (RuntimeException ex) {
				logger.error("Cannot clean up the interrupted deploys of {}: {}", installed.name(), ex.getMessage());
			}
		}
		for (AppLifecycle orphan : this.lifecycles.list()) {
			if (this.registry.find(AppId.of(orphan.name())).isEmpty()) {
				// its app was deleted by a run stopped in the middle of a removal
				this.registry.delete(AppId.of(orphan.name()));
			}
		}
		this.leftovers = found;
	}

	/**
	 * Settles one app's interrupted deploy and clears what it left at once.
	 * @param app the app
	 * @param installed its record
	 */
	void clean(AppId app, InstalledApp installed) {
		settle(app, installed).clear();
	}

	/**
	 * Marks an app's interrupted releases failed and its lifecycle settled: records only.
	 * @return what is left to clear of it
	 */
	private Leftover settle(AppId app, InstalledApp installed) {
		AppLifecycle lifecycle = this.lifecycles.get(app);
		String waiting = lifecycle.waiting();
		boolean interrupted = lifecycle.state().deploying();
		List<String> failed = new ArrayList<>();
		for (Release release : this.registry.releases(app)) {
			if (release.state() != ReleaseState.PREPARED || release.releaseId().equals(installed.currentRelease())
					|| release.releaseId().equals(waiting)) {
				continue;
			}
			interrupted = true;
			this.installer.failed(app, release.releaseId(), REASON);
			failed.add(release.releaseId());
			logger.warn("Release {} of {} was {}", release.releaseId(), app, REASON);
		}
		if (interrupted && installed.currentRelease() == null) {
			if (lifecycle.state() == LifecycleState.INSTALLING) {
				this.lifecycles.apply(app, AppLifecycle::interruptedFirstInstall);
			}
			else {
				// no lifecycle yet (a server older than it): the record says it failed
				this.lifecycles
					.adopt(new AppLifecycle(app.value(), LifecycleState.FAILED, null, null, false, Instant.now()));
			}
			logger.warn("The first install of {} was interrupted; it stays failed until removed or installed", app);
			return new Leftover(app, failed, true, null, null);
		}
		String notTaken = null;
		if (lifecycle.state().deploying()) {
			LifecycleState settled = this.lifecycles.apply(app, AppLifecycle::interrupted).state();
			logger.warn("The deploy of {} was interrupted; it is {} again{}", app, settled.value(),
					(settled == LifecycleState.AWAITING_CONFIGURATION)
							? " (set its configuration again to run its post-install hook and start it)" : "");
			String deploying = lifecycle.deploying();
			if (failed.isEmpty() && deploying != null && !deploying.equals(installed.currentRelease())) {
				// a rollback to a kept release, which stays kept: nothing else says it
				notTaken = deploying;
			}
		}
		return new Leftover(app, failed, false, notTaken, installed.currentRelease());
	}

	/** What an interrupted deploy left of an app once its records are settled. */
	private final class Leftover {

		private final AppId app;

		private final List<String> releases;

		private final boolean firstInstall;

		/** A kept release an interrupted rollback was taking live, or {@code null}. */
		private final @Nullable String notTaken;

		private final @Nullable String live;

		Leftover(AppId app, List<String> releases, boolean firstInstall, @Nullable String notTaken,
				@Nullable String live) {
			this.app = app;
			this.releases = releases;
			this.firstInstall = firstInstall;
			this.notTaken = notTaken;
			this.live = live;
		}

		void clear() {
			if (this.notTaken != null) {
				InterruptedDeploys.this.events.publishEvent(new DeployProgressed(this.app, this.notTaken, "start",
						"WARNING", "rollback to " + this.notTaken + " " + REASON + "; " + this.live + " stays live"));
			}
			for (String release : this.releases) {
				AtomicFiles.deleteTree(InterruptedDeploys.this.home.app(this.app).release(release));
				InterruptedDeploys.this.events
					.publishEvent(new DeployProgressed(this.app, release, "start", "ERROR", "release " + REASON));
			}
			// what is left in its cgroups (its hook, its candidate daemon) is killed,
			// unless
			// a new install of it began since the records were settled; its user stays
			// with the record until the app is removed or installed
			if (this.firstInstall
					&& InterruptedDeploys.this.lifecycles.get(this.app).state() == LifecycleState.FAILED) {
				InterruptedDeploys.this.isolation.remove(this.app, true);
			}
		}

	}

	/**
	 * The lifecycle of an app stored without one.
	 * @param app the app
	 * @param waiting a release waiting for its settings, if any
	 * @param postInstallPending whether its first release waits for its settings
	 * @return the lifecycle, settled
	 */
	static AppLifecycle adopted(AppId app, @Nullable String waiting, boolean postInstallPending) {
		LifecycleState state = (waiting != null) ? LifecycleState.UPGRADE_AWAITING_CONFIGURATION
				: postInstallPending ? LifecycleState.AWAITING_CONFIGURATION : LifecycleState.DEPLOYED;
		return new AppLifecycle(app.value(), state, null, waiting, postInstallPending, Instant.now());
	}

}
