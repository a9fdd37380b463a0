package dev.pyapp.server.scm;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A git repository and the strategy that selects the revision to deploy from it. Never
 * carries credentials.
 *
 * @param url the repository URL ({@code https://}, {@code http://} or {@code file://}),
 * without user info
 * @param strategy which revision is deployed
 * @param branch the branch for {@link GitStrategy#ONE_BRANCH}, else {@code null}
 * @param tagPattern the tag glob for {@link GitStrategy#LATEST_TAG} ({@code *} matches
 * anything, {@code ?} one character), else {@code null}
 * @param prereleases whether {@link GitStrategy#LATEST_TAG} may select a pre-release or
 * development version
 */
public record GitSource(String url, GitStrategy strategy, @Nullable String branch, @Nullable String tagPattern,
		boolean prereleases) {

	public GitSource {
		Assert.hasText(url, "'url' must have text");
		Assert.notNull(strategy, "'strategy' must not be null");
		Assert.isTrue(strategy != GitStrategy.ONE_BRANCH || branch != null, "one-branch needs a branch");
		Assert.isTrue(strategy != GitStrategy.LATEST_TAG || tagPattern != null, "latest-tag needs a tag pattern");
	}

}
