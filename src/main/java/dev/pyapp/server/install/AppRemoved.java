package dev.pyapp.server.install;

import dev.pyapp.server.core.AppId;

/**
 * An app was removed.
 *
 * @param app the app
 * @param keepData whether its data was kept ({@code apps.remove {keep_data: true}})
 * @param failedInstall whether it is forgotten because its first install failed before it
 * ever went live: what that install printed stays readable (its deploy log, the cause of
 * the failure)
 */
public record AppRemoved(AppId app, boolean keepData, boolean failedInstall) {

	public AppRemoved(AppId app, boolean keepData) {
		this(app, keepData, false);
	}

	public AppRemoved(AppId app) {
		this(app, false);
	}

}
