package dev.pyapp.server.deploy.internal;

import java.nio.file.Path;
import java.time.Duration;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.deploy.AppDeployer;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import dev.pyapp.server.venv.VenvBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Installs a dropped archive through {@link AppDeployer}, like an upload.
 */
@Component
class ArchiveDropHandler implements DropHandler {

	private static final Duration PROVISIONING_TIMEOUT = Duration.ofMinutes(10);

	private final AppDeployer deployer;

	private final AppRegistry registry;

	private final VenvBuilder venvs;

	ArchiveDropHandler(AppDeployer deployer, AppRegistry registry, VenvBuilder venvs) {
		this.deployer = deployer;
		this.registry = registry;
		this.venvs = venvs;
	}

	@Override
	public @Nullable String liveReleaseWithChecksum(String checksum) {
		for (InstalledApp app : this.registry.list()) {
			Release live = this.registry.currentRelease(AppId.of(app.name())).orElse(null);
			if (live != null && checksum.equalsIgnoreCase(live.checksum())) {
				return describe(live);
			}
		}
		return null;
	}

	@Override
	public Installed install(Path file, String origin) {
		// files dropped while the server was down are taken at once at start, before
		// gunicorn may be in server-packages/
		this.venvs.awaitProvisioning(PROVISIONING_TIMEOUT);
		Release release = this.deployer.install(InstallRequest.archive(file, origin));
		AppId app = AppId.of(release.app());
		Release previous = this.registry.releases(app)
			.stream()
			.filter((other) -> !other.releaseId().equals(release.releaseId())
					&& (other.state() == ReleaseState.LIVE || other.state() == ReleaseState.RETIRED)
					&& other.created().isBefore(release.created()))
			.findFirst()
			.orElse(null);
		if (previous == null) {
			return new Installed(false, "installed " + describe(release));
		}
		String upgraded = "upgraded " + app + " from " + previous.version() + " to " + release.version() + " (release "
				+ release.releaseId() + ")";
		if (release.state() == ReleaseState.PREPARED) {
			// a new required setting has no value yet: the old release keeps running
			return new Installed(true, upgraded + "; it waits for its configuration (config.set), " + app + " "
					+ previous.version() + " keeps running");
		}
		return new Installed(true, upgraded);
	}

	private static String describe(Release release) {
		return release.app() + " " + release.version() + " (release " + release.releaseId() + ")";
	}

}
