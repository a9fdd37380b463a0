package dev.pyapp.server.rpc.internal;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.install.InstalledApp;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.packaging.AppPackage;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.packaging.Pep440Version;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

/**
 * {@code archives.inspect}: what installing an uploaded archive would do, asked before
 * {@code apps.install} so that an operator sees "1.1.0 → 1.2.0" or "identical to the live
 * release" and decides.
 */
@RpcEndpoint
class ArchivesRpc {

	private final ArchiveStore archives;

	private final PackageReader reader;

	private final AppRegistry registry;

	ArchivesRpc(ArchiveStore archives, PackageReader reader, AppRegistry registry) {
		this.archives = archives;
		this.reader = reader;
		this.registry = registry;
	}

	/**
	 * The archive's app and version against the live release of an app of that name:
	 * {@code action} is {@code install} (no such app), {@code upgrade},
	 * {@code downgrade}, {@code redeploy} (the same version, other content),
	 * {@code identical} (the same content as the live release) or {@code conflict} (an
	 * app of that name comes from git); {@code message} says it in words.
	 */
	@RpcMethod(value = "archives.inspect", role = Role.DEPLOYER, readOnly = true)
	Inspection inspect(ArchiveParams params) {
		AppPackage pkg = this.reader.read(this.archives.path(params.archive()));
		String name = pkg.manifest().name();
		String version = pkg.manifest().version();
		InstalledApp app = this.registry.find(AppId.of(name)).orElse(null);
		Release live = (app != null) ? this.registry.currentRelease(AppId.of(name)).orElse(null) : null;
		String action;
		String message;
		if (app == null) {
			action = "install";
			message = "installs " + name + " " + version + " as a new app";
		}
		else if (this.registry.firstInstallFailed(AppId.of(name))) {
			// from any source: nothing of it is live
			action = "install";
			message = "installs " + name + " " + version + " again (its first install was interrupted)";
		}
		else if (app.source().isGit()) {
			action = "conflict";
			message = "an app named " + name + " is installed from git; an archive cannot replace it";
		}
		else if (live == null) {
			action = "install";
			message = "installs " + name + " " + version + " (no release of it is live)";
		}
		else if (live.checksum().equals(pkg.checksum())) {
			action = "identical";
			message = name + " " + version + " is identical to the live release: installing it deploys the same "
					+ "content again";
		}
		else {
			int order = compare(version, live.version());
			action = (order > 0) ? "upgrade" : (order < 0) ? "downgrade" : "redeploy";
			message = switch (action) {
				case "upgrade" -> "upgrades " + name + " " + live.version() + " → " + version;
				case "downgrade" -> "downgrades " + name + " " + live.version() + " → " + version
						+ " (an older version than the live one)";
				default -> "replaces the live " + name + " " + version + " with other content of the same version";
			};
		}
		LiveRelease current = (live != null) ? new LiveRelease(live.releaseId(), live.version(), live.checksum())
				: null;
		return new Inspection(params.archive(), name, version, pkg.manifest().summary(), pkg.checksum(), action,
				message, current);
	}

	private static int compare(String a, String b) {
		try {
			return Pep440Version.parse(a).compareTo(Pep440Version.parse(b));
		}
		catch (RuntimeException ex) {
			return a.compareTo(b);
		}
	}

	/**
	 * {@code archives.inspect}.
	 *
	 * @param archive the archive's id
	 * @param name the app it holds
	 * @param version its version
	 * @param summary its summary, or {@code null}
	 * @param checksum the archive's checksum
	 * @param action {@code install}, {@code upgrade}, {@code downgrade},
	 * {@code redeploy}, {@code identical} or {@code conflict}
	 * @param message the action in words
	 * @param live the live release of an app of that name, or {@code null}
	 */
	record Inspection(String archive, String name, String version, @Nullable String summary, String checksum,
			String action, String message, @Nullable LiveRelease live) {
	}

	/**
	 * @param release the release's id
	 * @param version its version
	 * @param checksum the checksum of the archive it came from
	 */
	record LiveRelease(String release, String version, String checksum) {
	}

	/**
	 * @param archive an id from {@code POST /api/archives}
	 */
	record ArchiveParams(String archive) {
	}

}
