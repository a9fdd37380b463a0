package dev.pyapp.server.logs;

import org.jspecify.annotations.Nullable;

/**
 * A rule to add, as the API receives it; {@link Notifier#add} validates every field.
 *
 * @param app only records of this app
 * @param minLevel a level name
 * @param pattern a regular expression
 * @param channel {@code webhook} or {@code email}
 * @param target the webhook URL (http or https) or the e-mail address
 * @param throttle a duration such as {@code 5m}, {@code 30s} or {@code PT1H}
 */
public record NotificationRuleRequest(@Nullable String app, @Nullable String minLevel, @Nullable String pattern,
		@Nullable String channel, @Nullable String target, @Nullable String throttle) {
}
