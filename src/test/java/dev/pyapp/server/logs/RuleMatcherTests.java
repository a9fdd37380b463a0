package dev.pyapp.server.logs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pyapp.server.logs.internal.NotificationRules;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which records match which rules.
 */
class RuleMatcherTests {

	private EmbeddedMongo mongo;

	private NotificationRules rules;

	private final List<String> matches = new CopyOnWriteArrayList<>();

	private RuleMatcher matcher;

	@BeforeEach
	void start() {
		this.mongo = new EmbeddedMongo();
		this.rules = new NotificationRules(this.mongo.database().getCollection(NotificationRules.COLLECTION), 10);
		this.matcher = new RuleMatcher(this.rules,
				(rule, record) -> this.matches.add(rule.pattern() + " <- " + record.message()));
	}

	@AfterEach
	void stop() {
		this.mongo.close();
	}

	private static LogRecord record(String app, LogLevel level, String message, String exception) {
		return new LogRecord(1, Instant.now(), app, "1", level, "guestbook.web", message, exception, 7, "main", null);
	}

	private void rule(String app, String level, String pattern) {
		this.rules
			.add(new NotificationRuleRequest(app, level, pattern, "webhook", "https://hooks.example.org/x", null));
	}

	@Test
	void matchesTheRulesAppLevelAndPattern() {
		rule("guestbook", "ERROR", "database|disk");

		this.matcher.evaluate(record("guestbook", LogLevel.WARNING, "database slow", null));
		this.matcher.evaluate(record("shop", LogLevel.ERROR, "database down", null));
		this.matcher.evaluate(record("guestbook", LogLevel.ERROR, "template missing", null));
		this.matcher.evaluate(record("guestbook", LogLevel.CRITICAL, "database down", null));
		this.matcher.evaluate(record("guestbook", LogLevel.ERROR, "request failed", "OSError: disk full"));

		assertThat(this.matches).containsExactly("database|disk <- database down", "database|disk <- request failed");
	}

	@Test
	void aRuleWithoutAppOrPatternMatchesEveryAppAtItsLevel() {
		rule(null, "WARNING", null);

		this.matcher.evaluate(record("guestbook", LogLevel.INFO, "started", null));
		this.matcher.evaluate(record("shop", LogLevel.WARNING, "slow", null));
		this.matcher.evaluate(new LogRecord(2, Instant.now(), null, null, LogLevel.ERROR, "stderr", "unknown sender",
				null, null, null, null));

		assertThat(this.matches).containsExactly("null <- slow", "null <- unknown sender");
	}

	@Test
	void seesRulesAddedAndRemovedSinceTheLastRecord() {
		this.matcher.evaluate(record("guestbook", LogLevel.ERROR, "first", null));
		rule(null, "ERROR", "first|second");
		this.matcher.evaluate(record("guestbook", LogLevel.ERROR, "second", null));
		this.rules.remove(this.rules.rules().get(0).id());
		this.matcher.evaluate(record("guestbook", LogLevel.ERROR, "first", null));

		assertThat(this.matches).containsExactly("first|second <- second");
	}

	@Test
	void aPatternThatRunsTooLongDoesNotMatchAndDoesNotStallTheCollector() {
		// catastrophic backtracking on a long run of "a" without the final "b"
		rule(null, "ERROR", "(a|aa)+b");
		rule(null, "ERROR", "a{5}");
		long started = System.nanoTime();

		this.matcher.evaluate(record("guestbook", LogLevel.ERROR, "a".repeat(64), null));

		assertThat(this.matches).containsExactly("a{5} <- " + "a".repeat(64));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void aPatternThatRecursesTooDeeplyOnALongMessageDoesNotMatch() {
		rule(null, "ERROR", "(a|b)+c");

		this.matcher.evaluate(record("guestbook", LogLevel.ERROR, "ab".repeat(500_000), null));

		assertThat(this.matches).isEmpty();
	}

	@Test
	void aFailingSinkDoesNotEscapeToTheCollector() {
		rule(null, "ERROR", null);
		RuleMatcher failing = new RuleMatcher(this.rules, (rule, record) -> {
			throw new IllegalStateException("broken");
		});

		failing.evaluate(record("guestbook", LogLevel.ERROR, "boom", null));
	}

}
