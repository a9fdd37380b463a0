package dev.pyapp.server.rpc.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.AppRegistry;
import dev.pyapp.server.security.Role;
import dev.pyapp.server.logs.NotificationDelivery;
import dev.pyapp.server.logs.NotificationRule;
import dev.pyapp.server.logs.NotificationRuleRequest;
import dev.pyapp.server.logs.Notifier;
import dev.pyapp.server.rpc.RpcEndpoint;
import dev.pyapp.server.rpc.RpcMethod;
import org.jspecify.annotations.Nullable;

/**
 * {@code notifications.*}: the rules that notify about log records, and what they sent. A
 * rule's {@code target} is returned without credentials (a webhook URL's user info and
 * token-like query values masked).
 */
@RpcEndpoint
class NotificationsRpc {

	/**
	 * The deliveries {@code notifications.deliveries} returns unless asked for a limit.
	 */
	static final int DEFAULT_DELIVERIES = 100;

	private final Notifier notifier;

	private final AppRegistry registry;

	NotificationsRpc(Notifier notifier, AppRegistry registry) {
		this.notifier = notifier;
		this.registry = registry;
	}

	/**
	 * The rules, or with {@code app} only the rules made for that app (SPEC §6 names
	 * {@code app?} for the whole {@code notifications.rules.*} row).
	 */
	@RpcMethod(value = "notifications.rules.list", role = Role.VIEWER, readOnly = true)
	List<ListedRule> list(ListParams params) {
		if (params.app() != null && !AppId.PATTERN.matcher(params.app()).matches()) {
			throw PyappException.invalid("invalid app name",
					List.of(new Problem("app", "'" + params.app() + "' is not a valid app name")));
		}
		List<NotificationDelivery> deliveries = this.notifier.deliveries(null);
		return this.notifier.rules()
			.stream()
			.filter((rule) -> params.app() == null || params.app().equals(rule.app()))
			.map((rule) -> ListedRule.of(rule,
					deliveries.stream()
						.filter((delivery) -> delivery.rule().equals(rule.id()))
						.findFirst()
						.map(DeliveryResult::of)
						.orElse(null),
					warning(rule)))
			.toList();
	}

	/**
	 * What keeps a rule from delivering: the notifier's reason (an e-mail rule without an
	 * SMTP server), else an app that is not installed (a rule may be made before its app
	 * is installed, or outlive it).
	 */
	private @Nullable String warning(NotificationRule rule) {
		String warning = this.notifier.warning(rule);
		if (warning != null || rule.app() == null || this.registry.find(AppId.of(rule.app())).isPresent()) {
			return warning;
		}
		return "no app named '" + rule.app() + "' is installed: this rule matches no record until one is";
	}

	/**
	 * Adds a rule; {@code warnings} says what keeps it from delivering (an e-mail rule
	 * without an SMTP server), so that the caller knows at once.
	 */
	@RpcMethod(value = "notifications.rules.add", role = Role.DEPLOYER)
	AddedRule add(RuleParams params) {
		NotificationRule rule = this.notifier.add(new NotificationRuleRequest(params.app(), params.minLevel(),
				params.pattern(), params.channel(), params.target(), params.throttle()));
		String warning = warning(rule);
		return AddedRule.of(rule, (warning != null) ? List.of(warning) : List.of());
	}

	/**
	 * Sends a test notification over the rule's channel and returns the delivery
	 * ({@code status} {@code sent} or {@code failed} with {@code error}).
	 */
	@RpcMethod(value = "notifications.rules.test", role = Role.DEPLOYER)
	DeliveryResult test(RemoveParams params) {
		return DeliveryResult.of(this.notifier.test(params.id()));
	}

	@RpcMethod(value = "notifications.rules.remove", role = Role.DEPLOYER)
	RemovedRule remove(RemoveParams params) {
		return RemovedRule.of(this.notifier.remove(params.id()));
	}

	@RpcMethod(value = "notifications.deliveries", role = Role.VIEWER, readOnly = true)
	List<DeliveryResult> deliveries(DeliveriesParams params) {
		List<NotificationDelivery> deliveries = this.notifier.deliveries(params.rule());
		int limit = (params.limit() != null && params.limit() > 0) ? params.limit() : DEFAULT_DELIVERIES;
		return deliveries.stream().limit(limit).map(DeliveryResult::of).toList();
	}

	private static String channelName(NotificationRule rule) {
		return rule.channel().name().toLowerCase(Locale.ROOT);
	}

	private static @Nullable String throttleText(NotificationRule rule) {
		Duration duration = rule.throttle();
		if (duration == null) {
			return null;
		}
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
	 * @param app only the rules made for this app
	 */
	record ListParams(@Nullable String app) {
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

	/**
	 * A rule in {@code notifications.rules.list}.
	 *
	 * @param id the rule's id
	 * @param app only records of this app, or {@code null} for all
	 * @param minLevel the lowest level that matches
	 * @param pattern the regular expression, or {@code null}
	 * @param channel {@code webhook} or {@code email}
	 * @param target the URL or address, without credentials
	 * @param throttle the period such as {@code 5m}, or {@code null}
	 * @param lastDelivery the rule's latest delivery, or {@code null}
	 * @param warning what keeps it from delivering, or {@code null}
	 */
	@JsonPropertyOrder({ "id", "app", "min_level", "pattern", "channel", "target", "throttle", "last_delivery",
			"warning" })
	record ListedRule(String id, @Nullable String app, @JsonProperty("min_level") String minLevel,
			@Nullable String pattern, String channel, String target, @Nullable String throttle,
			@JsonProperty("last_delivery") @Nullable DeliveryResult lastDelivery, @Nullable String warning) {

		static ListedRule of(NotificationRule rule, @Nullable DeliveryResult lastDelivery, @Nullable String warning) {
			return new ListedRule(rule.id(), rule.app(), rule.minLevel().name(), rule.pattern(), channelName(rule),
					rule.shownTarget(), throttleText(rule), lastDelivery, warning);
		}

	}

	/**
	 * The rule {@code notifications.rules.add} added: the fields of {@link ListedRule} up
	 * to {@code throttle}, and {@code warnings} (a list, empty when it can deliver).
	 */
	@JsonPropertyOrder({ "id", "app", "min_level", "pattern", "channel", "target", "throttle", "warnings" })
	record AddedRule(String id, @Nullable String app, @JsonProperty("min_level") String minLevel,
			@Nullable String pattern, String channel, String target, @Nullable String throttle, List<String> warnings) {

		static AddedRule of(NotificationRule rule, List<String> warnings) {
			return new AddedRule(rule.id(), rule.app(), rule.minLevel().name(), rule.pattern(), channelName(rule),
					rule.shownTarget(), throttleText(rule), warnings);
		}

	}

	/**
	 * The rule {@code notifications.rules.remove} removed: the fields of
	 * {@link ListedRule} up to {@code throttle}, and {@code removed: true}.
	 */
	@JsonPropertyOrder({ "id", "app", "min_level", "pattern", "channel", "target", "throttle", "removed" })
	record RemovedRule(String id, @Nullable String app, @JsonProperty("min_level") String minLevel,
			@Nullable String pattern, String channel, String target, @Nullable String throttle, boolean removed) {

		static RemovedRule of(NotificationRule rule) {
			return new RemovedRule(rule.id(), rule.app(), rule.minLevel().name(), rule.pattern(), channelName(rule),
					rule.shownTarget(), throttleText(rule), true);
		}

	}

	/**
	 * A delivery ({@code notifications.deliveries}, {@code notifications.rules.test}).
	 *
	 * @param id the delivery's id
	 * @param rule the rule's id
	 * @param channel {@code webhook} or {@code email}
	 * @param target the URL or address, without credentials
	 * @param time when it was triggered (ISO-8601)
	 * @param summary whether it summarises throttled records
	 * @param subject one line saying what it reports
	 * @param status {@code pending}, {@code sent} or {@code failed}
	 * @param attempts how often sending was tried
	 * @param error the last failure, or {@code null}
	 */
	@JsonPropertyOrder({ "id", "rule", "channel", "target", "time", "summary", "subject", "status", "attempts",
			"error" })
	record DeliveryResult(String id, String rule, String channel, String target, String time, boolean summary,
			String subject, String status, int attempts, @Nullable String error) {

		static DeliveryResult of(NotificationDelivery delivery) {
			return new DeliveryResult(delivery.id(), delivery.rule(), delivery.channel(), delivery.target(),
					delivery.time().toString(), delivery.summary(), delivery.subject(), delivery.status(),
					delivery.attempts(), delivery.error());
		}

	}

}
