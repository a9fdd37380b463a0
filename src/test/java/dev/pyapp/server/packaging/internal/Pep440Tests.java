package dev.pyapp.server.packaging.internal;

import java.util.List;
import java.util.stream.Stream;

import dev.pyapp.server.packaging.Pep440Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link Pep440Version} and {@link Pep440Specifier} against the examples of PEP 440 and
 * the behaviour of the {@code packaging} library.
 */
class Pep440Tests {

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "1.0, 1.0", "v1.4.0, 1.4.0", "1.0-alpha.1, 1.0a1", "1.0beta2, 1.0b2", "1.0c3, 1.0rc3",
			"1.0.preview4, 1.0rc4", "1.0-1, 1.0.post1", "1.0.rev2, 1.0.post2", "1.0-r, 1.0.post0", "1.0dev, 1.0.dev0",
			"1!2.0RC1.POST3.DEV4+Ubuntu-1_a, 1!2.0rc1.post3.dev4+ubuntu.1.a", "2012.10, 2012.10" })
	void normalisesEverySpellingPep440Allows(String text, String normalised) {
		assertThat(Pep440Version.parse(text)).hasToString(normalised);
	}

	@ParameterizedTest
	@CsvSource({ "''", "1.0-final-x", "one", "1..0", "1.0+", "1.0+a..b", "-1.0", "1.0 beta" })
	void refusesWhatIsNotAVersion(String text) {
		assertThat(Pep440Version.isValid(text)).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> Pep440Version.parse(text));
	}

	@Test
	void ordersAsPep440Does() {
		List<String> ordered = List.of("1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456",
				"1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
				"1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "1!0.5");
		List<Pep440Version> shuffled = new java.util.ArrayList<>(ordered.stream().map(Pep440Version::parse).toList());
		java.util.Collections.shuffle(shuffled, new java.util.Random(7));

		assertThat(shuffled.stream().sorted().map(Pep440Version::toString)).containsExactlyElementsOf(ordered);
	}

	@Test
	void ignoresTrailingZerosInEquality() {
		assertThat(Pep440Version.parse("1.0")).isEqualTo(Pep440Version.parse("1.0.0"))
			.hasSameHashCodeAs(Pep440Version.parse("1.0.0"));
		assertThat(Pep440Version.parse("1.0")).isNotEqualTo(Pep440Version.parse("1.0.1"));
	}

	@Test
	void tellsPreReleases() {
		assertThat(Stream.of("1.0a1", "1.0rc2", "1.0.dev1", "1.0.post1.dev2").map(Pep440Version::parse))
			.allMatch(Pep440Version::isPrerelease);
		assertThat(Stream.of("1.0", "1.0.post1", "1.0+local").map(Pep440Version::parse))
			.noneMatch(Pep440Version::isPrerelease);
	}

	@ParameterizedTest(name = "{0} contains {1}: {2}")
	@CsvSource(delimiter = '|',
			value = { ">=3.9|3.11.2|true", ">=3.9|3.8.10|false", ">=3.9|3.13.0rc1|true", ">=3.9, <3.12|3.12.0|false",
					">=3.9, <3.12|3.11.9|true", "~=2.2|2.3|true", "~=2.2|3.0|false", "~=1.4.5|1.4.9|true",
					"~=1.4.5|1.5.0|false", "==1.1.*|1.1.post1|true", "==1.1.*|1.10|false", "==1.1|1.1.0|true",
					"==1.1|1.1+local|true", "==1.1+local|1.1|false", "!=1.5.*|1.5.3|false", "!=1.5.*|1.6|true",
					"<3.12|3.12.0a1|false", "<3.12a2|3.12.0a1|true", ">1.7|1.7.post2|false",
					">1.7.post2|1.7.post3|true", ">1.7|1.7+local|false", ">1.7|1.8|true", "<=2.0|2.0+local|true",
					"===1.0|1.0|true", "===1.0|1.0.0|false" })
	void matchesVersions(String specifier, String version, boolean matches) {
		assertThat(Pep440Specifier.parse(specifier).contains(version)).isEqualTo(matches);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "''", "3.9", ">=", "=>3.9", ">=3.*", "~=3", "<1.0+local", "==1.0.post1.*", ">=3.9,,<4" })
	void refusesInvalidSpecifiers(String specifier) {
		assertThatIllegalArgumentException().isThrownBy(() -> Pep440Specifier.parse(specifier));
	}

}
