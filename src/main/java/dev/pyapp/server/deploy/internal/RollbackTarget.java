package dev.pyapp.server.deploy.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.AppPaths;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.install.Release;
import dev.pyapp.server.install.ReleaseState;
import org.jspecify.annotations.Nullable;

/**
 * Which kept release a rollback returns to, and whether it can.
 */
public final class RollbackTarget {

	private RollbackTarget() {
	}

	/**
	 * @param registry the app registry
	 * @param home the server's home
	 * @param app the app
	 * @param current its live release
	 * @param releaseId the release asked for, or {@code null} for the one live before
	 * @return the release to return to
	 * @throws PyappException {@code NOT_FOUND} for an unknown release, {@code CONFLICT}
	 * if it is live, never went live, is no longer on disk, or there is none
	 */
	public static Release of(AppRegistry registry, PyappHome home, AppId app, Release current,
			@Nullable String releaseId) {
		Release target = (releaseId != null)
				? registry.release(app, releaseId)
					.orElseThrow(() -> PyappException.notFound("app '" + app + "' has no release '" + releaseId + "'"))
				: previous(registry, app, current);
		if (target.releaseId().equals(current.releaseId())) {
			throw PyappException.conflict("release '" + target.releaseId() + "' is live already");
		}
		Path directory = home.app(app).release(target.releaseId());
		if (target.state() == ReleaseState.FAILED || !Files.isDirectory(AppPaths.venv(directory))) {
			throw PyappException
				.conflict("release '" + target.releaseId() + "' of '" + app + "' cannot be rolled back to: it "
						+ ((target.state() == ReleaseState.FAILED) ? "never went live" : "is no longer on disk"));
		}
		return target;
	}

	private static Release previous(AppRegistry registry, AppId app, Release current) {
		List<Release> releases = registry.releases(app);
		return releases.stream()
			.filter((release) -> release.state() == ReleaseState.RETIRED
					&& release.created().isBefore(current.created()))
			.findFirst()
			.or(() -> releases.stream().filter((release) -> release.state() == ReleaseState.RETIRED).findFirst())
			.orElseThrow(() -> PyappException.conflict("app '" + app + "' has no earlier release to roll back to"));
	}

}
