package dev.pyapp.server.logs;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One notification sent, being sent or given up.
 *
 * @param id the delivery's id
 * @param rule the rule's id
 * @param channel {@code webhook} or {@code email}
 * @param target the URL or address
 * @param time when it was triggered
 * @param summary whether it summarises throttled records
 * @param subject one line saying what it reports
 * @param status {@code pending}, {@code sent} or {@code failed}
 * @param attempts how often sending was tried
 * @param error the last failure, if any
 */
public record NotificationDelivery(String id, String rule, String channel, String target, Instant time, boolean summary,
		String subject, String status, int attempts, @Nullable String error) {

	NotificationDelivery attempted(String status, @Nullable String error) {
		return new NotificationDelivery(this.id, this.rule, this.channel, this.target, this.time, this.summary,
				this.subject, status, this.attempts + 1, error);
	}

}
