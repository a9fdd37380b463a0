package dev.pyapp.server.scm.internal;

import java.time.Duration;

import dev.pyapp.server.scm.GitSource;
import dev.pyapp.server.scm.GitStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The {@code tag_pattern} glob of latest-tag: matched without backtracking blow-up
 * (GH-13, item 8).
 */
class TagGlobTests {

	private static GitSource latestTag(String pattern) {
		return new GitSource("file:///repo", GitStrategy.LATEST_TAG, null, pattern, false);
	}

	@Test // GH-13 (8)
	void aPathologicalPatternOnALongTagIsAnsweredAtOnce() {
		String tag = "a".repeat(80);
		assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
			for (int i = 0; i < 100; i++) {
				assertThat(RevisionSelector.tagVersion(tag, latestTag("*a*a*a*a*a*a*b"))).isNull();
				assertThat(RevisionSelector.tagVersion(tag + "b", latestTag("*a*a*a*a*a*a*a*a*a*a*a*c"))).isNull();
			}
		});
	}

	@Test
	void matchesLikeAShellGlob() {
		assertThat(RevisionSelector.globMatches("v*", "v1.2.0")).isTrue();
		assertThat(RevisionSelector.globMatches("v*", "release-1")).isFalse();
		assertThat(RevisionSelector.globMatches("*", "")).isTrue();
		assertThat(RevisionSelector.globMatches("", "")).isTrue();
		assertThat(RevisionSelector.globMatches("", "x")).isFalse();
		assertThat(RevisionSelector.globMatches("v?.*", "v1.2")).isTrue();
		assertThat(RevisionSelector.globMatches("v?.*", "v12.2")).isFalse();
		assertThat(RevisionSelector.globMatches("*-rc*", "1.0-rc2")).isTrue();
		assertThat(RevisionSelector.globMatches("a*b*c", "abxbc")).isTrue();
		assertThat(RevisionSelector.globMatches("a*b*c", "abxbd")).isFalse();
		assertThat(RevisionSelector.globMatches("*.*", "1.2")).isTrue();
		assertThat(RevisionSelector.globMatches("[v]*", "v1")).isFalse();
		assertThat(RevisionSelector.tagVersion("v1.4.0", latestTag("v*")).toString()).isEqualTo("1.4.0");
	}

}
