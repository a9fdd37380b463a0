package dev.pyapp.server.runtime;

import java.util.Optional;

import dev.pyapp.server.core.AppId;

/**
 * Where an app is mounted, for health checks that send {@code SCRIPT_NAME} as the web
 * server will. The mount module provides a bean; without one, health checks use
 * {@code /}.
 */
public interface MountPaths {

	/**
	 * The path prefix an app is mounted at.
	 * @param app the app
	 * @return the prefix, such as {@code /guestbook}, or empty when it is not mounted
	 */
	Optional<String> mountPath(AppId app);

}
