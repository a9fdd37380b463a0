package dev.pyapp.server.mount.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.FileModes;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.packaging.AppManifest;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.runtime.AppEndpoint;
import dev.pyapp.server.runtime.AppSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The default {@link MountTargets}: an installed app is reached where the runtime says
 * ({@link AppSupervisor#endpoint}): its stable socket ({@code apps/<name>/run/app.sock},
 * which the runtime points at the live release's socket), or its live daemon's port when
 * it binds a port, in its daemon's protocol; its static entries are directories of its
 * live release by their real path, not through {@code apps/<name>/current} (lighttpd
 * refuses a symlink anywhere on the way to a static file), rendered again whenever
 * another release goes live. An entry reached through a symlink inside the release (one
 * its build made) is not served.
 */
@Component
class RegistryMountTargets implements MountTargets {

	private static final Logger logger = LoggerFactory.getLogger(RegistryMountTargets.class);

	private final AppRegistry registry;

	private final PyappHome home;

	private final PackageReader packages;

	private final AppSupervisor supervisor;

	RegistryMountTargets(AppRegistry registry, PyappHome home, PackageReader packages, AppSupervisor supervisor) {
		this.registry = registry;
		this.home = home;
		this.packages = packages;
		this.supervisor = supervisor;
	}

	@Override
	public Optional<MountTarget> target(AppId app) {
		Optional<InstalledApp> installed = this.registry.find(app);
		if (installed.isEmpty()) {
			return Optional.empty();
		}
		AppPaths paths = this.home.app(app);
		List<MountTarget.StaticDirectory> statics = statics(app, paths, installed.get());
		AppEndpoint endpoint = this.supervisor.endpoint(app);
		if (endpoint.port() != null) {
			// an app with `bind: port` is reached on the port of its live daemon
			return Optional.of(MountTarget.port(endpoint.port(), statics, endpoint.protocol()));
		}
		return Optional.of(MountTarget.socket(endpoint.socket(), statics, endpoint.protocol()));
	}

	private List<MountTarget.StaticDirectory> statics(AppId app, AppPaths paths, InstalledApp installed) {
		if (installed.currentRelease() == null) {
			return List.of();
		}
		Path release = paths.release(installed.currentRelease());
		AppManifest manifest;
		try {
			manifest = this.packages.readManifest(release);
		}
		catch (RuntimeException ex) {
			// the app is still served; only the web server's own static files are missing
			logger.warn("Cannot read the manifest of {} release {}: {}", app, installed.currentRelease(),
					ex.getMessage());
			return List.of();
		}
		Path real;
		try {
			real = release.toRealPath();
		}
		catch (IOException ex) {
			logger.warn("Cannot find release {} of {}: {}", installed.currentRelease(), app, ex.toString());
			return List.of();
		}
		List<MountTarget.StaticDirectory> statics = new ArrayList<>();
		for (AppManifest.StaticEntry entry : manifest.statics()) {
			Path directory = real.resolve(entry.path()).normalize();
			if (!FileModes.directoryWithoutLinks(real, directory)) {
				logger
					.warn("Static entry {} of {} is not a directory of the release (or is reached through a symlink); "
							+ "it is not served", entry.path(), app);
				continue;
			}
			statics.add(new MountTarget.StaticDirectory(entry.url(), directory, entry.exclude()));
		}
		return statics;
	}

}
