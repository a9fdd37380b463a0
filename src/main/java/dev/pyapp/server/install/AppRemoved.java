package dev.pyapp.server.install;

import dev.pyapp.server.core.AppId;

/**
 * An app was removed.
 *
 * @param app the app
 * @param keepData whether its data was kept ({@code apps.remove {keep_data: true}})
 */
public record AppRemoved(AppId app, boolean keepData) {

	public AppRemoved(AppId app) {
		this(app, false);
	}

}
