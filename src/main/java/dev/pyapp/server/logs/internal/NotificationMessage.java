package dev.pyapp.server.logs.internal;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.LogRecord;
import dev.pyapp.server.logs.NotificationRule;

/**
 * What one notification says: a one-line subject and the fields of the webhook's JSON
 * body, which are also the lines of the e-mail. A record's message and exception are cut
 * at {@link #MAX_TEXT} characters each, so that a pending notification holds a bounded
 * amount of memory.
 *
 * @param summary whether it summarises throttled records
 * @param subject one line saying what it reports
 * @param body the fields, in the order they are sent ({@code null} values included)
 */
public record NotificationMessage(boolean summary, String subject, Map<String, @Nullable Object> body) {

	/** The most characters of a record's message or exception a notification carries. */
	static final int MAX_TEXT = 16_000;

	/** The most characters of the first line of a message in a subject. */
	static final int MAX_SUBJECT_LINE = 120;

	/**
	 * A record that matched a rule.
	 * @param rule the rule
	 * @param record the record
	 * @return the message
	 */
	public static NotificationMessage of(NotificationRule rule, LogRecord record) {
		String subject = record.level() + " in " + record.app() + ": " + firstLine(record.message());
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("rule", rule.id());
		body.put("kind", "record");
		body.put("subject", subject);
		body.put("id", Long.toString(record.id()));
		body.put("time", record.time().toString());
		body.put("app", record.app());
		body.put("release", record.release());
		body.put("level", record.level().name());
		body.put("logger", record.logger());
		body.put("message", cut(record.message()));
		body.put("exception", (record.exception() != null) ? cut(record.exception()) : null);
		body.put("pid", record.pid());
		body.put("path", record.path());
		return new NotificationMessage(false, subject, Collections.unmodifiableMap(body));
	}

	/**
	 * The records a throttled rule held back during its period.
	 * @param summary what was held back
	 * @return the message
	 */
	public static NotificationMessage summary(NotificationThrottle.Summary summary) {
		String subject = summary.count() + " more " + summary.levels() + " records from " + summary.apps()
				+ " in the last " + NotificationThrottle.human(summary.period());
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("rule", summary.rule().id());
		body.put("kind", "summary");
		body.put("subject", subject);
		body.put("count", summary.count());
		body.put("app", summary.apps());
		body.put("level", summary.levels());
		body.put("message", subject);
		return new NotificationMessage(true, subject, Collections.unmodifiableMap(body));
	}

	/**
	 * A test of a rule's channel ({@code notifications.rules.test}).
	 * @param rule the rule
	 * @param now the time to report
	 * @return the message
	 */
	public static NotificationMessage test(NotificationRule rule, Instant now) {
		String subject = "Test notification from PyApp Server (rule for "
				+ ((rule.app() != null) ? rule.app() : "every app") + ")";
		Map<String, @Nullable Object> body = new LinkedHashMap<>();
		body.put("rule", rule.id());
		body.put("kind", "test");
		body.put("subject", subject);
		body.put("time", now.toString());
		body.put("app", rule.app());
		body.put("level", rule.minLevel().name());
		body.put("message", "This is a test: the rule's channel works.");
		return new NotificationMessage(false, subject, Collections.unmodifiableMap(body));
	}

	private static String firstLine(String message) {
		int newline = message.indexOf('\n');
		String line = (newline >= 0) ? message.substring(0, newline) : message;
		return (line.length() > MAX_SUBJECT_LINE) ? line.substring(0, MAX_SUBJECT_LINE) + "..." : line;
	}

	private static String cut(String text) {
		return (text.length() <= MAX_TEXT) ? text
				: text.substring(0, MAX_TEXT) + "... (cut: " + text.length() + " characters in all)";
	}

}
