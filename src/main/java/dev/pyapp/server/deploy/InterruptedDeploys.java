package dev.pyapp.server.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AtomicFiles;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * When the server starts, a release left half-deployed by a crash of its last run (still
 * {@code prepared}, not live, and not an upgrade waiting for its configuration) is marked
 * {@code failed} ("interrupted") and its files are deleted; an app whose first install
 * was interrupted is removed, as a failed first install is. Each is logged under its app
 * (logger {@code pyapp.deploy}). Its candidate daemon, if one still runs, is stopped when
 * the runtime adopts the app.
 */
@Component
class InterruptedDeploys {

	static final String REASON = "interrupted: the server stopped while it was being deployed";

	private static final Logger logger = LoggerFactory.getLogger(InterruptedDeploys.class);

	private final AppRegistry registry;

	private final AppInstaller installer;

	private final PyappHome home;

	private final ApplicationEventPublisher events;

	InterruptedDeploys(AppRegistry registry, AppInstaller installer, PyappHome home, ApplicationEventPublisher events) {
		this.registry = registry;
		this.installer = installer;
		this.home = home;
		this.events = events;
	}

	@EventListener(ApplicationReadyEvent.class)
	@Order(0)
	void onReady() {
		for (InstalledApp installed : this.registry.list()) {
			try {
				clean(AppId.of(installed.name()), installed);
			}
			catch (RuntimeException ex) {
				logger.error("Cannot clean up the interrupted deploys of {}: {}", installed.name(), ex.getMessage());
			}
		}
	}

	void clean(AppId app, InstalledApp installed) {
		String waiting = pendingUpgrade(app);
		boolean interrupted = false;
		for (Release release : this.registry.releases(app)) {
			if (release.state() != ReleaseState.PREPARED || release.releaseId().equals(installed.currentRelease())
					|| release.releaseId().equals(waiting)) {
				continue;
			}
			interrupted = true;
			this.installer.failed(app, release.releaseId(), REASON);
			AtomicFiles.deleteTree(this.home.app(app).release(release.releaseId()));
			logger.warn("Release {} of {} was {}", release.releaseId(), app, REASON);
			this.events
				.publishEvent(new DeployProgressed(app, release.releaseId(), "start", "ERROR", "release " + REASON));
		}
		if (interrupted && installed.currentRelease() == null) {
			logger.warn("The first install of {} was interrupted; it is removed", app);
			this.installer.remove(app, false);
		}
	}

	private String pendingUpgrade(AppId app) {
		Path marker = this.home.app(app).config().resolve(AppDeployer.UPGRADE_PENDING);
		try {
			return Files.isRegularFile(marker) ? Files.readString(marker).trim() : "";
		}
		catch (java.io.IOException ex) {
			return "";
		}
	}

}
