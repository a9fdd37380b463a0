package dev.pyapp.server.venv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PythonSpecifierTests {

	@Test
	void matchesLowerAndUpperBounds() {
		PythonSpecifier specifier = PythonSpecifier.parse(">=3.9,<3.13");
		assertThat(specifier.contains("3.9.0")).isTrue();
		assertThat(specifier.contains("3.11.2")).isTrue();
		assertThat(specifier.contains("3.13.0")).isFalse();
		assertThat(specifier.contains("3.8.18")).isFalse();
	}

	@Test
	void compatibleReleaseKeepsTheLeadingSegments() {
		assertThat(PythonSpecifier.parse("~=3.10").contains("3.12.1")).isTrue();
		assertThat(PythonSpecifier.parse("~=3.10").contains("4.0")).isFalse();
		assertThat(PythonSpecifier.parse("~=3.10.2").contains("3.10.9")).isTrue();
		assertThat(PythonSpecifier.parse("~=3.10.2").contains("3.11.0")).isFalse();
	}

	@Test
	void wildcardsMatchPrefixes() {
		assertThat(PythonSpecifier.parse("==3.11.*").contains("3.11.7")).isTrue();
		assertThat(PythonSpecifier.parse("==3.11.*").contains("3.12.0")).isFalse();
		assertThat(PythonSpecifier.parse("!=3.10.*").contains("3.10.4")).isFalse();
	}

	@Test
	void exactVersionsIgnoreTrailingZeros() {
		assertThat(PythonSpecifier.parse("==3.11").contains("3.11.0")).isTrue();
		assertThat(PythonSpecifier.parse("==3.11").contains("3.11.2")).isFalse();
	}

	@Test
	void rejectsWhatIsNotASpecifier() {
		assertThatIllegalArgumentException().isThrownBy(() -> PythonSpecifier.parse("python3"))
			.withMessageContaining("python3");
	}

}
