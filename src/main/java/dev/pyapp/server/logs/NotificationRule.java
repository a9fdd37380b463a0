package dev.pyapp.server.logs;

import java.time.Duration;
import java.util.regex.Pattern;

import dev.pyapp.server.core.Redaction;
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
 * @param target the webhook URL or the e-mail address; a webhook URL may hold a
 * credential, so only {@link #shownTarget()} is ever returned or logged
 * @param throttle at most one notification per this period: further matches within it are
 * sent as one summary at its end; {@code null} sends every match
 */
public record NotificationRule(String id, @Nullable String app, LogLevel minLevel, @Nullable String pattern,
		Channel channel, String target, @Nullable Duration throttle) {

	/** The value of a query parameter whose name says it is a credential. */
	private static final Pattern SECRET_QUERY_VALUE = Pattern
		.compile("(?i)([?&][^=&#\\s]*(?:secret|passw|token|key|sig|auth|credential)[^=&#\\s]*=)[^&#\\s]+");

	/**
	 * The target as it may be shown: the user info of a URL and the values of query
	 * parameters named like credentials ({@code token}, {@code key}, {@code sig}, ...)
	 * replaced by {@code ***}.
	 * @return the target without credentials
	 */
	public String shownTarget() {
		return redact(this.target);
	}

	/**
	 * Takes the credentials of URLs out of a text (a target, or an error that may quote
	 * one).
	 * @param text the text
	 * @return the text without them
	 */
	static String redact(String text) {
		return SECRET_QUERY_VALUE.matcher(Redaction.urls(text)).replaceAll("$1***");
	}

	@Override
	public String toString() {
		return "NotificationRule[id=" + this.id + ", app=" + this.app + ", minLevel=" + this.minLevel + ", pattern="
				+ this.pattern + ", channel=" + this.channel + ", target=" + shownTarget() + ", throttle="
				+ this.throttle + "]";
	}

	/** How a rule notifies. */
	public enum Channel {

		/** An HTTP POST of a JSON body to the target URL, retried with backoff. */
		WEBHOOK,

		/** An e-mail to the target address through the configured SMTP server. */
		EMAIL

	}

}
