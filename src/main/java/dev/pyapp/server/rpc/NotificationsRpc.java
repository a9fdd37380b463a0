package dev.pyapp.server.rpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.logs.NotificationDelivery;
import dev.pyapp.server.logs.NotificationRule;
import dev.pyapp.server.logs.NotificationRuleRequest;
import dev.pyapp.server.logs.Notifier;
import org.jspecify.annotations.Nullable;

/**
 * {@code notifications.*}: the rules that notify about log records, and what they sent.
 */
@RpcEndpoint
class NotificationsRpc {

	private final Notifier notifier;

	NotificationsRpc(Notifier notifier) {
		this.notifier = notifier;
	}

	@RpcMethod(value = "notifications.rules.list", role = Role.VIEWER, readOnly = true)
	List<Map<String, Object>> list() {
		List<NotificationDelivery> deliveries = this.notifier.deliveries(null);
		return this.notifier.rules().stream().map((rule) -> {
			Map<String, Object> result = rule(rule);
			result.put("last_delivery",
					deliveries.stream()
						.filter((delivery) -> delivery.rule().equals(rule.id()))
						.findFirst()
						.map(NotificationsRpc::delivery)
						.orElse(null));
			result.put("warning", this.notifier.warning(rule));
			return result;
		}).toList();
	}

	/**
	 * Adds a rule; {@code warnings} says what keeps it from delivering (an e-mail rule
	 * without an SMTP server), so that the caller knows at once.
	 */
	@RpcMethod(value = "notifications.rules.add", role = Role.DEPLOYER)
	Map<String, Object> add(RuleParams params) {
		NotificationRule rule = this.notifier.add(new NotificationRuleRequest(params.app(), params.minLevel(),
				params.pattern(), params.channel(), params.target(), params.throttle()));
		Map<String, Object> result = rule(rule);
		String warning = this.notifier.warning(rule);
		result.put("warnings", (warning != null) ? List.of(warning) : List.of());
		return result;
	}

	/**
	 * Sends a test notification over the rule's channel and returns the delivery
	 * ({@code status} {@code sent} or {@code failed} with {@code error}).
	 */
	@RpcMethod(value = "notifications.rules.test", role = Role.DEPLOYER)
	Map<String, Object> test(RemoveParams params) {
		return delivery(this.notifier.test(params.id()));
	}

	@RpcMethod(value = "notifications.rules.remove", role = Role.DEPLOYER)
	Map<String, Object> remove(RemoveParams params) {
		Map<String, Object> result = rule(this.notifier.remove(params.id()));
		result.put("removed", true);
		return result;
	}

	@RpcMethod(value = "notifications.deliveries", role = Role.VIEWER, readOnly = true)
	List<Map<String, Object>> deliveries(DeliveriesParams params) {
		List<NotificationDelivery> deliveries = this.notifier.deliveries(params.rule());
		int limit = (params.limit() != null && params.limit() > 0) ? params.limit() : 100;
		return deliveries.stream().limit(limit).map(NotificationsRpc::delivery).toList();
	}

	private static Map<String, Object> rule(NotificationRule rule) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", rule.id());
		result.put("app", rule.app());
		result.put("min_level", rule.minLevel().name());
		result.put("pattern", rule.pattern());
		result.put("channel", rule.channel().name().toLowerCase(Locale.ROOT));
		result.put("target", rule.target());
		result.put("throttle", (rule.throttle() != null) ? duration(rule.throttle()) : null);
		return result;
	}

	private static Map<String, Object> delivery(NotificationDelivery delivery) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", delivery.id());
		result.put("rule", delivery.rule());
		result.put("channel", delivery.channel());
		result.put("target", delivery.target());
		result.put("time", delivery.time().toString());
		result.put("summary", delivery.summary());
		result.put("subject", delivery.subject());
		result.put("status", delivery.status());
		result.put("attempts", delivery.attempts());
		result.put("error", delivery.error());
		return result;
	}

	private static String duration(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds % 3600 == 0) {
			return (seconds / 3600) + "h";
		}
		return (seconds % 60 == 0) ? (seconds / 60) + "m" : seconds + "s";
	}

	/**
	 * @param app only records of this app
	 * @param minLevel the lowest level that matches
	 * @param pattern a regular expression found in the message or exception
	 * @param channel {@code webhook} or {@code email}
	 * @param target the webhook URL or e-mail address
	 * @param throttle at most one notification per this period ({@code 5m}), then a
	 * summary
	 */
	record RuleParams(@Nullable String app, @JsonProperty("min_level") @Nullable String minLevel,
			@Nullable String pattern, @Nullable String channel, @Nullable String target, @Nullable String throttle) {
	}

	/**
	 * @param id the rule's id
	 */
	record RemoveParams(String id) {
	}

	/**
	 * @param rule only this rule's deliveries
	 * @param limit the most to return (default 100)
	 */
	record DeliveriesParams(@Nullable String rule, @Nullable Integer limit) {
	}

}
