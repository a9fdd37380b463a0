package dev.pyapp.server.scm;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TagVersionTests {

	@Test
	void ordersByPep440() {
		List<String> ordered = List.of("1.0.dev1", "1.0a1", "1.0a2.dev1", "1.0a2", "1.0b1", "1.0rc1", "1.0",
				"1.0.post1", "1.0.1", "1.2", "1.10", "1!0.1");
		for (int i = 0; i + 1 < ordered.size(); i++) {
			TagVersion lower = TagVersion.parse(ordered.get(i));
			TagVersion higher = TagVersion.parse(ordered.get(i + 1));
			assertThat(lower).as(ordered.get(i)).isNotNull();
			assertThat(lower.compareTo(higher)).as(ordered.get(i) + " < " + ordered.get(i + 1)).isNegative();
		}
	}

	@Test
	void ignoresTrailingZerosAndLeadingV() {
		assertThat(TagVersion.parse("v1.2.0")).isEqualTo(TagVersion.parse("1.2"));
	}

	@Test
	void knowsPrereleases() {
		assertThat(TagVersion.parse("2.0rc1").isPrerelease()).isTrue();
		assertThat(TagVersion.parse("2.0.dev3").isPrerelease()).isTrue();
		assertThat(TagVersion.parse("2.0.post1").isPrerelease()).isFalse();
		assertThat(TagVersion.parse("2.0").isPrerelease()).isFalse();
	}

	@Test
	void rejectsNonVersions() {
		assertThat(TagVersion.parse("latest")).isNull();
		assertThat(TagVersion.parse("1.0-final-final")).isNull();
	}

}
