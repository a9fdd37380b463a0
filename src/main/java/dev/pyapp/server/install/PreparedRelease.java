package dev.pyapp.server.install;

import java.nio.file.Path;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.packaging.AppPackage;
import org.jspecify.annotations.Nullable;

/**
 * A release extracted beside the live one, not yet live.
 *
 * @param app the app
 * @param release the release record (state {@link ReleaseState#PREPARED})
 * @param directory the release's directory
 * @param pkg the validated package
 * @param previous the release that was live before, or {@code null} on a first install
 * @param progress the deploy's progress, opened when the package was first read; the
 * caller closes it (try-with-resources) when the deploy ends
 * @param overKeptData whether this first install found the app's directory left by a
 * removal with {@code keep_data}: giving it up must keep that data, its configuration and
 * the app's user
 */
public record PreparedRelease(AppId app, Release release, Path directory, AppPackage pkg, @Nullable Release previous,
		DeployProgress progress, boolean overKeptData) {

	public boolean isUpgrade() {
		return this.previous != null;
	}

}
