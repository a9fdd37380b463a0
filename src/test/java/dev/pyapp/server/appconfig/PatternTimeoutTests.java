package dev.pyapp.server.appconfig;

import java.time.Duration;
import java.util.Map;

import dev.pyapp.server.core.Problem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spec may carry a pattern that backtracks catastrophically; validation must still come
 * back, with a clear error for that field.
 */
class PatternTimeoutTests {

	private final ConfigSpecReader reader = new ConfigSpecReader();

	private final ConfigValues values = new ConfigValues(new FieldChecker(Duration.ofMillis(100)));

	@Test
	void catastrophicBacktrackingEndsWithAClearError() {
		ConfigSpec spec = this.reader.read("configuration.yaml", """
				sections:
				  - name: s
				    fields:
				      - {name: word, widget: textarea, pattern: "^(\\\\w+)*\\\\1x$"}
				      - {name: other, widget: integer, max: 5}
				""");
		// without the deadline this match takes longer than the age of the universe
		ValidationResult result = this.values.merge(spec,
				Map.of("s", Map.of("word", "a".repeat(5000) + "!", "other", 6)), Map.of());
		assertThat(result.errors()).containsExactly(new Problem("s.word",
				"could not be checked against the pattern ^(\\w+)*\\1x$ within 100 ms: the pattern backtracks too much, simplify it"),
				new Problem("s.other", "must be at most 5"));
	}

	@Test
	void theClassicNestedQuantifierOnAaaabIsAnsweredEitherWay() {
		ConfigSpec spec = this.reader.read("configuration.yaml", """
				sections:
				  - name: s
				    fields:
				      - {name: word, widget: text, pattern: "^(a+)+$"}
				""");
		ValidationResult result = this.values.merge(spec, Map.of("s", Map.of("word", "a".repeat(40) + "b")), Map.of());
		// Java 17 memoizes this pattern and answers quickly; an older engine times out
		assertThat(result.errors()).singleElement().satisfies((problem) -> {
			assertThat(problem.path()).isEqualTo("s.word");
			assertThat(problem.message()).isIn("must match the pattern ^(a+)+$",
					"could not be checked against the pattern ^(a+)+$ within 100 ms: the pattern backtracks too much, simplify it");
		});
	}

	@Test
	void aCatastrophicDefaultIsRejectedAtInstallTime() {
		ConfigSpec spec = null;
		try {
			spec = this.reader.read("configuration.yaml", """
					sections:
					  - name: s
					    fields:
					      - {name: word, widget: textarea, pattern: "^(\\\\w+)*\\\\1x$", default: "%s!"}
					""".formatted("a".repeat(5000)));
		}
		catch (dev.pyapp.server.core.PyappException ex) {
			assertThat(ex.getProblems()).singleElement().satisfies((problem) -> {
				assertThat(problem.path()).isEqualTo("configuration.yaml: sections[0].fields[0].default");
				assertThat(problem.message()).startsWith("fails its own validation: could not be checked against");
			});
		}
		assertThat(spec).isNull();
	}

}
