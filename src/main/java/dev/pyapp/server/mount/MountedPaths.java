package dev.pyapp.server.mount;

import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.runtime.MountPaths;

import org.springframework.stereotype.Component;

/**
 * Tells the runtime's health checks where an app is mounted, so they send the
 * {@code SCRIPT_NAME} the web server will send.
 */
@Component
class MountedPaths implements MountPaths {

	private final MountManager mounts;

	MountedPaths(MountManager mounts) {
		this.mounts = mounts;
	}

	@Override
	public Optional<String> mountPath(AppId app) {
		// a mount at the root has no prefix: SCRIPT_NAME stays empty
		return this.mounts.mounts(app).stream().map(Mount::path).filter((path) -> !"/".equals(path)).findFirst();
	}

}
