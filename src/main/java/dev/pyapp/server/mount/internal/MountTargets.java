package dev.pyapp.server.mount.internal;

import java.util.Optional;

import dev.pyapp.server.core.AppId;

/**
 * Tells the renderers where a mounted app is. The default implementation asks the app
 * registry and reads the live release's manifest; tests provide their own.
 */
public interface MountTargets {

	/**
	 * Where an app can be reached.
	 * @param app the app
	 * @return its socket or port and its static directories, or empty if no such app is
	 * installed (its mounts are then left out of the configuration)
	 */
	Optional<MountTarget> target(AppId app);

}
