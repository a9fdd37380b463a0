package dev.pyapp.server.deploy;

import java.nio.file.Path;
import java.time.Duration;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
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
	public String install(Path file, String origin) {
		// files dropped while the server was down are taken at once at start, before
		// gunicorn may be in server-packages/
		this.venvs.awaitProvisioning(PROVISIONING_TIMEOUT);
		return describe(this.deployer.install(InstallRequest.archive(file, origin)));
	}

	private static String describe(Release release) {
		return release.app() + " " + release.version() + " (release " + release.releaseId() + ")";
	}

}
