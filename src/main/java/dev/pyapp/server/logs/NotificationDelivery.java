package dev.pyapp.server.logs;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.logs.internal.NotificationMessage;

/**
 * One notification sent, being sent or given up.
 *
 * @param id the delivery's id
 * @param rule the rule's id
 * @param channel {@code webhook} or {@code email}
 * @param target the URL or address, without credentials
 * ({@link NotificationRule#shownTarget()})
 * @param time when it was triggered
 * @param summary whether it summarises throttled records
 * @param subject one line saying what it reports
 * @param status {@code pending}, {@code sent} or {@code failed}
 * @param attempts how often sending was tried
 * @param error the last failure, if any, without credentials
 */
public record NotificationDelivery(String id, String rule, String channel, String target, Instant time, boolean summary,
		String subject, String status, int attempts, @Nullable String error) {

	/** Not tried yet, or tried and waiting to be tried again. */
	static final String PENDING = "pending";

	/** Accepted by the webhook (2xx) or the SMTP server. */
	static final String SENT = "sent";

	/** Given up. */
	static final String FAILED = "failed";

	/**
	 * A new delivery of a message, not tried yet.
	 * @param rule the rule it is for
	 * @param message what it says
	 * @param time when it was triggered
	 * @return the delivery
	 */
	static NotificationDelivery pending(NotificationRule rule, NotificationMessage message, Instant time) {
		return new NotificationDelivery(UUID.randomUUID().toString(), rule.id(),
				rule.channel().name().toLowerCase(Locale.ROOT), rule.shownTarget(), time, message.summary(),
				message.subject(), PENDING, 0, null);
	}

	/**
	 * This delivery after one more attempt.
	 * @param status its status now
	 * @param error why the attempt failed, or {@code null}
	 * @return a copy
	 */
	NotificationDelivery attempted(String status, @Nullable String error) {
		return new NotificationDelivery(this.id, this.rule, this.channel, this.target, this.time, this.summary,
				this.subject, status, this.attempts + 1, (error != null) ? NotificationRule.redact(error) : null);
	}

	/**
	 * This delivery given up without a further attempt.
	 * @param error why
	 * @return a copy
	 */
	NotificationDelivery givenUp(String error) {
		return new NotificationDelivery(this.id, this.rule, this.channel, this.target, this.time, this.summary,
				this.subject, FAILED, this.attempts, NotificationRule.redact(error));
	}

}
