package dev.pyapp.server.runtime;

import java.util.Optional;

import dev.pyapp.server.core.AppId;
import org.jspecify.annotations.Nullable;

/**
 * Where an app is mounted, for health checks that send the request the web server will
 * send: {@code SCRIPT_NAME}, the {@code Host} of the virtual server and
 * {@code X-Forwarded-Proto} when it serves TLS. The mount module provides a bean; without
 * one, health checks use {@code /} and {@code localhost}.
 */
public interface MountPaths {

	/**
	 * Where an app is mounted first (the first mount added for it).
	 * @param app the app
	 * @return the mount point, or empty when it is not mounted
	 */
	Optional<MountPoint> mountPoint(AppId app);

	/**
	 * The path prefix an app is mounted at.
	 * @param app the app
	 * @return the prefix, such as {@code /guestbook}, or empty when it is not mounted or
	 * mounted at the root
	 */
	default Optional<String> mountPath(AppId app) {
		return mountPoint(app).map(MountPoint::path).filter((path) -> !path.isEmpty());
	}

	/**
	 * One mount of an app, as a health check needs it.
	 *
	 * @param path the prefix without a trailing slash ({@code ""} for the root)
	 * @param host the first host name of the virtual server, or {@code null}
	 * @param tls whether the virtual server serves TLS
	 */
	record MountPoint(String path, @Nullable String host, boolean tls) {
	}

}
