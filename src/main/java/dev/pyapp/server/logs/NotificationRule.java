package dev.pyapp.server.logs;

import java.time.Duration;
import java.util.regex.Pattern;

import dev.pyapp.server.core.DeadlineText;
import org.jspecify.annotations.Nullable;

/**
 * A rule that sends a notification when a matching record is collected.
 *
 * @param id the rule's id
 * @param app only records of this app, or {@code null} for all
 * @param minLevel the lowest level that matches
 * @param pattern a regular expression found in the message or the exception, or
 * {@code null} for any
 * @param channel how to notify
 * @param target the webhook URL or the e-mail address
 * @param throttle at most one notification per this period: further matches within it are
 * sent as one summary at its end; {@code null} sends every match
 */
public record NotificationRule(String id, @Nullable String app, LogLevel minLevel, @Nullable String pattern,
		Channel channel, String target, @Nullable Duration throttle) {

	boolean matches(LogRecord record, @Nullable Pattern compiled, long deadline) {
		if (this.app != null && !this.app.equals(record.app())) {
			return false;
		}
		if (record.level().number() < this.minLevel.number()) {
			return false;
		}
		if (compiled == null) {
			return true;
		}
		try {
			return compiled.matcher(new DeadlineText(record.message(), deadline)).find() || (record.exception() != null
					&& compiled.matcher(new DeadlineText(record.exception(), deadline)).find());
		}
		catch (DeadlineText.TimeoutException ex) {
			return false;
		}
	}

	/** How a rule notifies. */
	public enum Channel {

		/** An HTTP POST of a JSON body to the target URL, retried with backoff. */
		WEBHOOK,

		/** An e-mail to the target address through the configured SMTP server. */
		EMAIL

	}

}
