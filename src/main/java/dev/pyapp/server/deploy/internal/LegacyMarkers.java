package dev.pyapp.server.deploy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppLifecycle;
import dev.pyapp.server.install.AppLifecycles;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.LifecycleState;
import dev.pyapp.server.core.PyappHome;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The marker files older servers kept in an app's {@code config/}
 * ({@code .post-install-pending}, {@code .upgrade-pending} with the waiting release's
 * id), moved into the app's lifecycle once, then deleted. An app stored without a
 * lifecycle and without a live release was in its first install when such a server
 * stopped.
 */
final class LegacyMarkers {

	static final String POST_INSTALL_PENDING = ".post-install-pending";

	static final String UPGRADE_PENDING = ".upgrade-pending";

	private static final Logger logger = LoggerFactory.getLogger(LegacyMarkers.class);

	private final PyappHome home;

	private final AppLifecycles lifecycles;

	LegacyMarkers(PyappHome home, AppLifecycles lifecycles) {
		this.home = home;
		this.lifecycles = lifecycles;
	}

	void migrate(AppId app, InstalledApp installed) {
		Path postInstall = this.home.app(app).config().resolve(POST_INSTALL_PENDING);
		Path upgrade = this.home.app(app).config().resolve(UPGRADE_PENDING);
		if (this.lifecycles.get(app).state() == LifecycleState.ABSENT) {
			String waiting = read(upgrade);
			// an app without a live release but a release left prepared is marked
			// failed next (InterruptedDeploys)
			AppLifecycle lifecycle = InterruptedDeploys.adopted(app, waiting, Files.exists(postInstall));
			this.lifecycles.adopt(lifecycle);
			logger.info("The lifecycle of {} is {}", app, lifecycle.state().value());
		}
		delete(postInstall);
		delete(upgrade);
	}

	private static @Nullable String read(Path file) {
		try {
			String id = Files.isRegularFile(file) ? Files.readString(file).trim() : "";
			return id.isEmpty() ? null : id;
		}
		catch (IOException ex) {
			logger.warn("Cannot read {}: {}", file, ex.getMessage());
			return null;
		}
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// read again at the next start, where the lifecycle, stored now, wins
			logger.warn("Cannot delete {}: {}", file, ex.getMessage());
		}
	}

}
