package dev.pyapp.server.install;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * Where an app's releases come from. Credentials are never part of it.
 *
 * @param kind {@code archive} (upload, drop folder, CLI) or {@code git}
 * @param url the git URL, or {@code null} for an archive
 * @param strategy the git update strategy ({@code always-latest}, {@code one-branch},
 * {@code latest-tag}), or {@code null}
 * @param branch the branch for {@code one-branch}, or {@code null}
 * @param tagPattern the tag glob for {@code latest-tag}, or {@code null}; in API results
 * {@code tag_pattern}, the name {@code apps.install} takes it by
 */
public record AppSource(String kind, @Nullable String url, @Nullable String strategy, @Nullable String branch,
		@JsonProperty("tag_pattern") @Nullable String tagPattern) {

	public static final String ARCHIVE = "archive";

	public static final String GIT = "git";

	public static AppSource archive() {
		return new AppSource(ARCHIVE, null, null, null, null);
	}

	public boolean isGit() {
		return GIT.equals(this.kind);
	}

}
