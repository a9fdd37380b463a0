package dev.pyapp.server.deploy;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppInstaller;
import dev.pyapp.server.install.InstallRequest;
import dev.pyapp.server.install.PreparedRelease;
import dev.pyapp.server.install.Release;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The one pipeline every install route ends in. Calls are synchronous: they return when
 * the release is live (or has failed and been rolled back), and report their steps
 * through the app registry's progress meanwhile.
 */
@Component
public class AppDeployer {

	private final AppInstaller installer;

	AppDeployer(AppInstaller installer) {
		this.installer = installer;
	}

	/**
	 * Installs a package as a new app, or upgrades the app it names.
	 * @param request the package and its origin
	 * @return the release now live
	 * @throws dev.pyapp.server.core.PyappException {@code INVALID} for a bad package,
	 * {@code CONFLICT} for a name of another source kind, {@code FAILED} (with the step's
	 * output) when a step fails; the live release is then untouched
	 */
	public Release install(InstallRequest request) {
		PreparedRelease prepared = this.installer.prepare(request);
		return this.installer.activate(prepared.app(), prepared.release().releaseId());
	}

	/**
	 * Returns to a kept release.
	 * @param app the app
	 * @param releaseId the release, or {@code null} for the one live before the current
	 * @return the release now live
	 */
	public Release rollback(AppId app, @Nullable String releaseId) {
		throw new UnsupportedOperationException("rollback comes with the runtime");
	}

	/**
	 * Removes an app: pre-delete hook, stop, unmount, delete.
	 * @param app the app
	 * @param keepData whether {@code data/} and {@code config/} are kept
	 */
	public void remove(AppId app, boolean keepData) {
		this.installer.remove(app, keepData);
	}

}
