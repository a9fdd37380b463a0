package dev.pyapp.server.install;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * What to install: a validated package's source (an archive file or a checkout directory)
 * and where it came from.
 *
 * @param source the archive file or the directory with the archive layout
 * @param origin what to record as the release's source (a file name or a git URL)
 * @param appSource the app's source kind; an app of another kind with the same name is a
 * conflict
 * @param commit the git commit id, or {@code null}
 */
public record InstallRequest(Path source, String origin, AppSource appSource, @Nullable String commit) {

	public static InstallRequest archive(Path file, String origin) {
		return new InstallRequest(file, origin, AppSource.archive(), null);
	}

}
