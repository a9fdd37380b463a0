package dev.pyapp.server.logs;

import java.time.Duration;

import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.logs.internal.NotificationRules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Storage and validation of notification rules, on an in-process MongoDB.
 */
class NotificationRulesTests {

	private EmbeddedMongo mongo;

	@BeforeEach
	void start() {
		this.mongo = new EmbeddedMongo();
	}

	@AfterEach
	void stop() {
		this.mongo.close();
	}

	private MongoCollection<Document> store() {
		return this.mongo.database().getCollection(NotificationRules.COLLECTION);
	}

	private static NotificationRuleRequest webhook(String throttle) {
		return new NotificationRuleRequest("guestbook", "error", " database ", "WebHook", "https://hooks.example.org/x",
				throttle);
	}

	@Test
	void addsACheckedRuleAndKeepsItAcrossRestarts() {
		NotificationRules rules = new NotificationRules(store(), 10);

		NotificationRule rule = rules.add(webhook("5m"));

		assertThat(rule).isEqualTo(new NotificationRule(rule.id(), "guestbook", LogLevel.ERROR, "database",
				NotificationRule.Channel.WEBHOOK, "https://hooks.example.org/x", Duration.ofMinutes(5)));
		assertThat(new NotificationRules(store(), 10).rules()).containsExactly(rule);
		assertThat(rules.find(rule.id())).isEqualTo(rule);
	}

	@Test
	void keepsTheOrderRulesWereAddedInAndHandsOutOneListUntilTheyChange() {
		NotificationRules rules = new NotificationRules(store(), 10);
		NotificationRule first = rules.add(webhook(null));
		NotificationRule second = rules.add(webhook("1h"));

		assertThat(rules.rules()).containsExactly(first, second).isSameAs(rules.rules());
		var before = rules.rules();
		rules.remove(first.id());
		assertThat(rules.rules()).containsExactly(second).isNotSameAs(before);
		assertThat(new NotificationRules(store(), 10).rules()).containsExactly(second);
	}

	@Test
	void refusesARuleBeyondTheMostAllowed() {
		NotificationRules rules = new NotificationRules(store(), 2);
		rules.add(webhook(null));
		rules.add(webhook(null));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> rules.add(webhook(null))).satisfies((ex) -> {
			assertThat(ex.getKind()).isEqualTo(ErrorKind.CONFLICT);
			assertThat(ex.getMessage()).contains("pyapp.logs.notifications.max-rules");
		});
		assertThat(rules.rules()).hasSize(2);
		assertThat(store().countDocuments()).isEqualTo(2);
	}

	@Test
	void boundsEveryField() {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> NotificationRules
				.validate(new NotificationRuleRequest(null, "ERROR", "a".repeat(NotificationRules.MAX_PATTERN + 1),
						"webhook", "https://hooks.example.org/" + "x".repeat(NotificationRules.MAX_TARGET), "25h")))
			.satisfies((ex) -> {
				assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
				assertThat(ex.getProblems()).extracting("path").containsExactly("pattern", "target", "throttle");
				assertThat(ex.getProblems()).extracting("message")
					.containsExactly("at most 1000 characters", "at most 2048 characters", "at most 24h");
			});
	}

	@Test // audit-ops: "expected webhook or email" did not say what was given, or that it
			// was missing
	void namesTheValueGivenOrThatItIsMissing() {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> NotificationRules.validate(
					new NotificationRuleRequest(null, "LOUD", null, "sms", "https://hooks.example.org/x", "soon")))
			.satisfies((ex) -> assertThat(ex.getProblems())
				.extracting((problem) -> problem.path() + ": " + problem.message())
				.containsExactly(
						"min_level: 'LOUD' is not a level: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
						"channel: 'sms' is not a channel: expected webhook or email",
						"throttle: 'soon' is not a duration: expected a duration such as 30s, 5m or 1h"));
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> NotificationRules
				.validate(new NotificationRuleRequest(null, null, null, " ", "https://hooks.example.org/x", null)))
			.satisfies((ex) -> assertThat(ex.getProblems())
				.extracting((problem) -> problem.path() + ": " + problem.message())
				.containsExactly("min_level: required: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
						"channel: required: expected webhook or email"));
	}

	@Test
	void refusesAThrottleTooLargeForADurationAsInvalid() {
		assertThatExceptionOfType(PyappException.class)
			.isThrownBy(() -> NotificationRules.validate(webhook("99999999999999999h")))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting("path").containsExactly("throttle"));
		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> NotificationRules.validate(webhook("0s")))
			.satisfies((ex) -> assertThat(ex.getProblems()).extracting("message").containsExactly("must be positive"));
	}

	@Test
	void removingAnUnknownRuleIsNotFound() {
		NotificationRules rules = new NotificationRules(store(), 10);

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> rules.remove("nope"))
			.satisfies((ex) -> assertThat(ex.getKind()).isEqualTo(ErrorKind.NOT_FOUND));
	}

	@Test
	void skipsADamagedStoredRuleAndLoadsTheOthers() {
		NotificationRule good = new NotificationRules(store(), 10).add(webhook(null));
		store().insertOne(new Document("_id", "broken").append("channel", "PIGEON").append("target", "x"));

		assertThat(new NotificationRules(store(), 10).rules()).containsExactly(good);
	}

	@Test
	void showsTargetsWithoutCredentials() {
		NotificationRule rule = new NotificationRule("r", null, LogLevel.ERROR, null, NotificationRule.Channel.WEBHOOK,
				"https://bob:hunter2@hooks.example.org/x?channel=ops&api_key=k1&sig=abc", null);

		assertThat(rule.shownTarget()).isEqualTo("https://***@hooks.example.org/x?channel=ops&api_key=***&sig=***");
		assertThat(rule.toString()).doesNotContain("hunter2").doesNotContain("k1");
		assertThat(NotificationRule.redact("ConnectException: https://bob:hunter2@hooks.example.org/x"))
			.isEqualTo("ConnectException: https://***@hooks.example.org/x");
	}

}
