package dev.pyapp.server.logs.internal;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.pyapp.server.logs.LogLevel;
import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.NotificationRule;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throttle periods, driven with explicit times.
 */
class NotificationThrottleTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final NotificationThrottle throttle = new NotificationThrottle();

	private static NotificationRule rule(String id, Duration throttle) {
		return new NotificationRule(id, null, LogLevel.WARNING, null, NotificationRule.Channel.WEBHOOK,
				"https://hooks.example.org/x", throttle);
	}

	private static LogRecord record(String app, LogLevel level) {
		return new LogRecord(1, Instant.now(), app, "1", level, "web", "failure", null, 7, "main", null);
	}

	@Test
	void sendsEveryMatchOfAnUnthrottledRule() {
		NotificationRule rule = rule("r", null);

		assertThat(this.throttle.admit(rule, record("a", LogLevel.ERROR), 0)).isTrue();
		assertThat(this.throttle.admit(rule, record("a", LogLevel.ERROR), 1)).isTrue();
		assertThat(this.throttle.open()).isZero();
	}

	@Test
	void sendsTheFirstMatchAndSummarisesTheRestAtThePeriodsEnd() {
		NotificationRule rule = rule("r", Duration.ofSeconds(5));
		long start = 1_000 * SECOND;

		assertThat(this.throttle.admit(rule, record("guestbook", LogLevel.ERROR), start)).isTrue();
		for (int i = 1; i <= 37; i++) {
			assertThat(this.throttle.admit(rule, record("guestbook", LogLevel.ERROR), start + i)).isFalse();
		}
		assertThat(this.throttle.due(start + 4 * SECOND)).isEmpty();

		assertThat(this.throttle.due(start + 5 * SECOND)).singleElement().satisfies((summary) -> {
			assertThat(summary.count()).isEqualTo(37);
			assertThat(summary.levels()).isEqualTo("ERROR");
			assertThat(summary.apps()).isEqualTo("guestbook");
			assertThat(NotificationMessage.summary(summary).subject())
				.isEqualTo("37 more ERROR records from guestbook in the last 5 s");
		});
		// the summary opened the next period: a match within it is held back too
		assertThat(this.throttle.admit(rule, record("guestbook", LogLevel.ERROR), start + 6 * SECOND)).isFalse();
		assertThat(this.throttle.due(start + 10 * SECOND)).singleElement()
			.satisfies((summary) -> assertThat(summary.count()).isEqualTo(1));
	}

	@Test
	void forgetsAPeriodThatEndedQuietSoThatTheNextMatchIsSentAtOnce() {
		NotificationRule rule = rule("r", Duration.ofSeconds(5));

		assertThat(this.throttle.admit(rule, record("a", LogLevel.ERROR), 0)).isTrue();
		assertThat(this.throttle.open()).isEqualTo(1);
		assertThat(this.throttle.due(5 * SECOND)).isEmpty();
		assertThat(this.throttle.open()).isZero();
		assertThat(this.throttle.admit(rule, record("a", LogLevel.ERROR), 6 * SECOND)).isTrue();
	}

	@Test
	void namesMixedLevelsByTheRulesLowestAndBoundsTheAppsItNames() {
		NotificationRule rule = rule("r", Duration.ofMinutes(5));
		this.throttle.admit(rule, record("app-0", LogLevel.ERROR), 0);
		this.throttle.admit(rule, record("app-0", LogLevel.WARNING), 1);
		for (int i = 0; i < NotificationThrottle.MAX_APPS_NAMED + 5; i++) {
			this.throttle.admit(rule, record("app-" + i, LogLevel.ERROR), 2 + i);
		}

		assertThat(this.throttle.due(Duration.ofMinutes(5).toNanos())).singleElement().satisfies((summary) -> {
			assertThat(summary.count()).isEqualTo(NotificationThrottle.MAX_APPS_NAMED + 6);
			assertThat(summary.levels()).isEqualTo("WARNING-or-higher");
			assertThat(summary.apps().split(", ")).hasSize(NotificationThrottle.MAX_APPS_NAMED);
			assertThat(summary.apps()).endsWith(" and other apps");
			assertThat(NotificationMessage.summary(summary).subject()).endsWith("in the last 5 min");
		});
	}

	@Test
	void forgetsARemovedRulesHeldBackMatches() {
		NotificationRule rule = rule("r", Duration.ofHours(1));
		this.throttle.admit(rule, record("a", LogLevel.ERROR), 0);
		this.throttle.admit(rule, record("a", LogLevel.ERROR), 1);

		this.throttle.forget("r");

		assertThat(this.throttle.due(Duration.ofHours(2).toNanos())).isEmpty();
		assertThat(this.throttle.open()).isZero();
	}

	@Test
	void saysPeriodsInTheirLargestWholeUnit() {
		assertThat(NotificationThrottle.human(Duration.ofHours(2))).isEqualTo("2 h");
		assertThat(NotificationThrottle.human(Duration.ofMinutes(90))).isEqualTo("90 min");
		assertThat(NotificationThrottle.human(Duration.ofSeconds(45))).isEqualTo("45 s");
	}

}
