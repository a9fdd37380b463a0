package dev.pyapp.server.install;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One release of an app: an extracted package in
 * {@code apps/<name>/releases/<releaseId>/}.
 *
 * @param id {@code <app>/<releaseId>}
 * @param app the app's name
 * @param releaseId {@code <version>-<utc timestamp>}, the directory name
 * @param version the PEP 440 version from {@code metadata.yaml}
 * @param source what it was installed from (the archive's file name, or the git URL)
 * @param checksum the SHA-256 of the package
 * @param commit the git commit id, or {@code null} for an archive
 * @param created when it was extracted
 * @param state where it is in its life
 * @param message why it failed, or {@code null}
 */
@Document("releases")
public record Release(@Id String id, String app, String releaseId, String version, String source, String checksum,
		@Nullable String commit, Instant created, ReleaseState state, @Nullable String message) {

	public static String id(String app, String releaseId) {
		return app + "/" + releaseId;
	}

	public Release withState(ReleaseState state, @Nullable String message) {
		return new Release(this.id, this.app, this.releaseId, this.version, this.source, this.checksum, this.commit,
				this.created, state, message);
	}

}
