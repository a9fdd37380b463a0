package dev.pyapp.server.mount.internal;

import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.mount.MountManager;
import dev.pyapp.server.mount.VirtualServer;
import dev.pyapp.server.runtime.MountPaths;

import org.springframework.stereotype.Component;

/**
 * Tells the runtime's health checks where an app is mounted, so they send the
 * {@code SCRIPT_NAME}, {@code Host} and scheme the web server will send.
 */
@Component
public class MountedPaths implements MountPaths {

	private final MountManager mounts;

	public MountedPaths(MountManager mounts) {
		this.mounts = mounts;
	}

	@Override
	public Optional<MountPoint> mountPoint(AppId app) {
		return this.mounts.mounts(app).stream().findFirst().map((mount) -> {
			VirtualServer server = this.mounts.servers()
				.stream()
				.filter((candidate) -> candidate.name().equals(mount.server()))
				.findFirst()
				.orElse(null);
			// a mount at the root has no prefix: SCRIPT_NAME stays empty
			String path = "/".equals(mount.path()) ? "" : mount.path();
			return new MountPoint(path,
					(server != null && !server.hostnames().isEmpty()) ? server.hostnames().get(0) : null,
					server != null && server.tls() != null);
		});
	}

}
