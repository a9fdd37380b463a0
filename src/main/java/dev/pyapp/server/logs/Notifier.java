package dev.pyapp.server.logs;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.logs.internal.NotificationMessage;
import dev.pyapp.server.logs.internal.NotificationRules;

import org.springframework.stereotype.Component;

/**
 * Notification rules ({@code notifications.rules.*}) and the deliveries they caused
 * ({@code notifications.deliveries}): the module's API for them. Behind it,
 * {@link NotificationRules} checks and keeps the rules, {@link RuleMatcher} matches every
 * collected record against them, and {@link NotificationDispatcher} sends asynchronously:
 * a webhook is retried with doubling backoff, and a throttled rule sends the first match
 * at once and then one summary per period ("37 more ERROR records from guestbook in the
 * last 5 min") instead of a flood.
 * <p>
 * Rules and deliveries hold their target with its credentials; what this API returns
 * names it through {@link NotificationRule#shownTarget()} and
 * {@link NotificationDelivery#target()}, which have none.
 */
@Component
public class Notifier {

	private final NotificationRules rules;

	private final NotificationDispatcher dispatcher;

	Notifier(NotificationRules rules, NotificationDispatcher dispatcher) {
		this.rules = rules;
		this.dispatcher = dispatcher;
	}

	/**
	 * The rules, in the order they were added.
	 * @return the rules
	 */
	public List<NotificationRule> rules() {
		return this.rules.rules();
	}

	/**
	 * Adds a rule after checking every field; it applies to the records collected from
	 * then on.
	 * @param request the rule
	 * @return the rule with its id
	 * @throws PyappException {@code INVALID} listing every bad field; {@code CONFLICT}
	 * when {@code pyapp.logs.notifications.max-rules} rules exist already
	 */
	public NotificationRule add(NotificationRuleRequest request) {
		return this.rules.add(request);
	}

	/**
	 * Removes a rule, with what it held back for a summary.
	 * @param id the rule's id
	 * @return the rule removed
	 * @throws PyappException {@code NOT_FOUND} if there is no such rule
	 */
	public NotificationRule remove(String id) {
		NotificationRule removed = this.rules.remove(id);
		this.dispatcher.forget(id);
		return removed;
	}

	/**
	 * The latest deliveries, the most recently changed first; at most
	 * {@code pyapp.logs.notifications.keep-deliveries} are kept.
	 * @param rule only this rule's, or {@code null} for all
	 * @return the deliveries
	 */
	public List<NotificationDelivery> deliveries(@Nullable String rule) {
		return this.dispatcher.deliveries(rule);
	}

	/**
	 * Whether e-mail can be sent: an SMTP server is configured
	 * ({@code spring.mail.host}).
	 * @return whether it can
	 */
	public boolean mailConfigured() {
		return this.dispatcher.mailConfigured();
	}

	/**
	 * What keeps a rule from delivering, known without sending: an e-mail rule without an
	 * SMTP server.
	 * @param rule the rule
	 * @return the warning, or {@code null}
	 */
	public @Nullable String warning(NotificationRule rule) {
		if (rule.channel() == NotificationRule.Channel.EMAIL && !mailConfigured()) {
			return "no SMTP server is configured (spring.mail.host): this rule cannot send e-mail until one is";
		}
		return null;
	}

	/**
	 * Sends a test notification over a rule's channel now, once, and waits for the
	 * outcome (at most {@code pyapp.logs.notifications.timeout} for a webhook). It is
	 * kept with the rule's deliveries.
	 * @param id the rule's id
	 * @return the delivery, {@code sent} or {@code failed} with the error
	 * @throws PyappException {@code NOT_FOUND} if there is no such rule
	 */
	public NotificationDelivery test(String id) {
		NotificationRule rule = this.rules.find(id);
		return this.dispatcher.sendNow(rule, NotificationMessage.test(rule, Instant.now()));
	}

}
