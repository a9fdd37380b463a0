package dev.pyapp.server.appconfig;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ValidationTests {

	@Test
	void describesTheFieldsOwnPatternUnderTheKeyASpecWritesItWith() {
		Validation widget = new Validation(List.of(new Validation.PatternRule("^[a-z-]+$", "lower-case words")), null,
				null, null, 40, null, null, null, "line", null);
		Validation field = new Validation(List.of(new Validation.PatternRule("^.{1,80}$", null)), null, null, null,
				null, null, null, null, null, null);

		Validation merged = widget.refine(field);

		assertThat(merged.describe()).containsEntry("pattern", "^.{1,80}$")
			.doesNotContainKey("pattern_message")
			.containsKey("patterns");
		assertThat(widget.describe()).containsEntry("pattern", "^[a-z-]+$")
			.containsEntry("pattern_message", "lower-case words");
		assertThat(Validation.NONE.describe()).doesNotContainKey("pattern");
	}

}
